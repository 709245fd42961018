package models

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Access is what a user may read of one workflow kind, as the live policy says: one clause per
// relation they hold that the policy lets read, each in the states and jurisdictions it may.
// Opening a record, lists, search, notices, counts and the navigation all read through it, so an
// edit to the policy reaches them together.
type Access struct {
	Object  string
	Clauses []Clause
}

// Clause is one relation a user holds (the record's Column equals Value; nothing to compare for
// a relation held by role) and where the policy lets it read.
type Clause struct {
	Relation Relation
	Value    string
	Scope    Scope
}

// Standing tells whether the access reads some records of the kind by who the user is (their
// party, office or role), not only by what they filed themselves.
func (a Access) Standing() bool {
	return slices.ContainsFunc(a.Clauses, func(c Clause) bool {
		return c.Relation.Holder != HeldByUser || len(c.Relation.Roles) > 0
	})
}

// Term is the clause's access term, as search documents carry it.
func (c Clause) Term() string { return c.Relation.Term(c.Value) }

// Scope is where a relation may act: a list of cells, each a workflow state and a jurisdiction,
// "*" for any.
type Scope []Cell

// Cell is one state in one jurisdiction; "*" is any.
type Cell struct{ State, Jurisdiction string }

// Readable is what u may read of the object kind (no clauses for the public or for a kind that
// is not a workflow's).
func (p *Policy) Readable(object string, u *User) Access {
	a := Access{Object: object}
	for _, r := range Relations[object] {
		v, ok := r.heldBy(u)
		if !ok {
			continue
		}
		if scope := p.Scope(r.Name, object, "read"); len(scope) > 0 {
			a.Clauses = append(a.Clauses, Clause{Relation: r, Value: v, Scope: scope})
		}
	}
	return a
}

// Reads is what u may read of every workflow kind, in a fixed order.
func (p *Policy) Reads(u *User) []Access {
	objects := slices.Sorted(maps.Keys(Relations))
	out := make([]Access, 0, len(objects))
	for _, o := range objects {
		out = append(out, p.Readable(o, u))
	}
	return out
}

// elsewhere is a state and a jurisdiction no rule names: a rule that holds there holds in
// every state or jurisdiction ("*").
const elsewhere = "\x00elsewhere"

// Scope is where the policy lets the relation take the action on the object kind, read from the
// same rules that decide a single record (Allowed), so the two always agree: for the states and
// jurisdictions the rules name, and for any other ("*"). ("g" lines hold in one jurisdiction or
// in all: Rule.Validate refuses other patterns.) Scopes are cached until the rules change.
func (p *Policy) Scope(relation, obj, act string) Scope {
	key := relation + "\x00" + obj + "\x00" + act
	p.mu.Lock()
	gen := p.generation
	cached, ok := p.scopes[key]
	p.mu.Unlock()
	if ok {
		return cached
	}
	scope := p.scope(relation, obj, act)
	p.mu.Lock()
	if p.generation == gen {
		p.scopes[key] = scope
	}
	p.mu.Unlock()
	return scope
}

func (p *Policy) scope(relation, obj, act string) Scope {
	// Straight from the rules, past the decision cache: a decision cached from the rules before
	// a reload must not become a scope kept after it.
	allowed := func(dom, state string) bool {
		ok, err := p.enforcer.SyncedEnforcer.Enforce(relation, dom, obj, act, state)
		return err == nil && ok
	}
	if allowed(elsewhere, elsewhere) {
		return Scope{{"*", "*"}}
	}
	states, doms := p.named(obj)
	var out Scope
	for _, s := range states {
		if allowed(elsewhere, s) {
			out = append(out, Cell{s, "*"})
		}
	}
	for _, d := range doms {
		if allowed(d, elsewhere) {
			out = append(out, Cell{"*", d})
		}
	}
	for _, s := range states {
		for _, d := range doms {
			if !out.covers(s, d) && allowed(d, s) {
				out = append(out, Cell{s, d})
			}
		}
	}
	return out
}

func (s Scope) covers(state, dom string) bool {
	return slices.ContainsFunc(s, func(c Cell) bool {
		return (c.State == "*" || c.State == state) && (c.Jurisdiction == "*" || c.Jurisdiction == dom)
	})
}

// named are the states the rules on obj name and the jurisdictions any rule names, "*" left out.
func (p *Policy) named(obj string) (states, doms []string) {
	add := func(list []string, v string) []string {
		if v == "*" || v == "-" || slices.Contains(list, v) {
			return list
		}
		return append(list, v)
	}
	ps, _ := p.enforcer.GetPolicy()
	for _, r := range ps {
		doms = add(doms, r[1])
		if r[2] == obj {
			states = add(states, r[4])
		}
	}
	gs, _ := p.enforcer.GetGroupingPolicy()
	for _, r := range gs {
		if len(r) > 2 && !strings.ContainsAny(r[2], "*") {
			doms = add(doms, r[2])
		}
	}
	return states, doms
}

// MayAs asks whether u may do act on obj by their roles, in their jurisdiction; a nil u is the
// public. Routes, pages and search ask it the same way.
func (p *Policy) MayAs(u *User, obj, act string) bool {
	roles, dom := []string{"public"}, "-"
	if u != nil {
		roles = u.Roles
		if u.Jurisdiction != nil {
			dom = *u.Jurisdiction
		}
	}
	return p.Allowed(roles, dom, obj, act, "-")
}

// sqlArgs collects a query's arguments as its placeholders are written: "?" for GORM, "$n" for pgx.
type sqlArgs []any

func (a *sqlArgs) gorm(v any) string { *a = append(*a, v); return "?" }
func (a *sqlArgs) pgx(v any) string  { *a = append(*a, v); return fmt.Sprintf("$%d", len(*a)) }

// sql is the scope as a condition on a record's status and jurisdiction columns.
func (s Scope) sql(alias string, arg func(any) string) string {
	if s.covers(elsewhere, elsewhere) {
		return "TRUE"
	}
	var ors []string
	for _, c := range s {
		var ands []string
		if c.State != "*" {
			ands = append(ands, alias+"status = "+arg(c.State))
		}
		if c.Jurisdiction != "*" {
			ands = append(ands, alias+"jurisdiction = "+arg(c.Jurisdiction))
		}
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	if len(ors) == 0 {
		return "FALSE"
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}

// where is the SQL predicate of the records of the kind's table the access reads: per clause,
// the relation's column and its scope.
func (a Access) where(arg func(any) string) string {
	var ors []string
	for _, c := range a.Clauses {
		if c.Relation.Holder == HeldByRole {
			ors = append(ors, c.Scope.sql("", arg))
		} else {
			ors = append(ors, "("+c.Relation.Column+" = "+arg(c.Value)+" AND "+c.Scope.sql("", arg)+")")
		}
	}
	if len(ors) == 0 {
		return "FALSE"
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}

// searchWhere is the predicate of the search documents (relation d) the accesses read: per
// clause, the document's type, the clause's access term and its scope.
func searchWhere(reads []Access, arg func(any) string) string {
	var ors []string
	for _, a := range reads {
		for _, c := range a.Clauses {
			ors = append(ors, "(d.type = "+arg(a.Object)+" AND "+arg(c.Term())+" = ANY(d.access) AND "+c.Scope.sql("d.", arg)+")")
		}
	}
	if len(ors) == 0 {
		return "FALSE"
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}
