package models

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/util"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"
)

//go:embed policy_model.conf
var policyModel string

// Policy answers "may this role do this action on this kind of object, in this jurisdiction and
// state?" from the Casbin rules stored in Postgres. The database is the truth; the enforcer is its
// in-memory copy, reloaded whenever the rules change (LISTEN policy_changed).
type Policy struct {
	// A cached enforcer: decisions repeat (few roles, kinds, actions and states), and the
	// cache is dropped on every reload.
	enforcer *casbin.SyncedCachedEnforcer

	// scopes caches Scope's answers; generation counts reloads, so an answer read from the old
	// rules is not kept after a reload.
	mu         sync.Mutex
	generation int
	scopes     map[string]Scope
}

// Rule is one policy line: ptype "p" (sub, dom, obj, act, state) or "g" (role, inherited role, dom).
type Rule struct {
	PType  string   `json:"ptype"`
	Values []string `json:"rule"`
}

// policyAdapter binds gorm-adapter to db (which may be a transaction). The table comes from a
// migration, so the adapter must not create it.
func policyAdapter(db *gorm.DB) (*gormadapter.Adapter, error) {
	d := db.Session(&gorm.Session{})
	gormadapter.TurnOffAutoMigrate(d)
	return gormadapter.NewAdapterByDB(d)
}

// LoadPolicy reads the access policy from the database.
func (s *Store) LoadPolicy() (*Policy, error) {
	m, err := model.NewModelFromString(policyModel)
	if err != nil {
		return nil, err
	}
	a, err := policyAdapter(s.db)
	if err != nil {
		return nil, err
	}
	e, err := casbin.NewSyncedCachedEnforcer(m, a)
	if err != nil {
		return nil, fmt.Errorf("loading the access policy: %w", err)
	}
	// A "g" line with domain "*" holds in every jurisdiction.
	e.AddNamedDomainMatchingFunc("g", "keyMatch", util.KeyMatch)
	if err := e.LoadPolicy(); err != nil {
		return nil, fmt.Errorf("loading the access policy: %w", err)
	}
	return &Policy{enforcer: e, scopes: map[string]Scope{}}, nil
}

// Allowed tells whether any of the roles may act. dom and state are "-" when they do not apply.
func (p *Policy) Allowed(roles []string, dom, obj, act, state string) bool {
	for _, role := range roles {
		ok, err := p.enforcer.Enforce(role, dom, obj, act, state)
		if err != nil {
			slog.Error("policy", "err", err)
			return false
		}
		if ok {
			return true
		}
	}
	return false
}

// Reload reads the rules again from the database. The cache is dropped again afterwards: a
// decision made while loading may have been cached from the old rules.
func (p *Policy) Reload() error {
	if err := p.enforcer.LoadPolicy(); err != nil {
		return err
	}
	err := p.enforcer.InvalidateCache()
	// Scopes go after the decisions they were read from.
	p.mu.Lock()
	p.generation++
	p.scopes = map[string]Scope{}
	p.mu.Unlock()
	return err
}

// Rules lists every rule, "p" lines first.
func (p *Policy) Rules() ([]Rule, error) {
	var out []Rule
	ps, err := p.enforcer.GetPolicy()
	if err != nil {
		return nil, err
	}
	for _, r := range ps {
		out = append(out, Rule{PType: "p", Values: r})
	}
	gs, err := p.enforcer.GetGroupingPolicy()
	if err != nil {
		return nil, err
	}
	for _, r := range gs {
		out = append(out, Rule{PType: "g", Values: r})
	}
	return out, nil
}

// Validate checks a rule's shape: five values for "p", three for "g", none empty or too long.
func (r Rule) Validate() error {
	want := map[string]int{"p": 5, "g": 3}[r.PType]
	if want == 0 {
		return Invalid(FieldError{Field: "ptype", Rule: "oneof", Param: "p g"})
	}
	if len(r.Values) != want {
		return Invalid(FieldError{Field: "rule", Rule: "len", Param: fmt.Sprint(want)})
	}
	for i, v := range r.Values {
		if v == "" || len(v) > 100 {
			return Invalid(FieldError{Field: fmt.Sprintf("rule[%d]", i), Rule: "between", Param: "1-100"})
		}
	}
	// A role or relation is given another's rules in one jurisdiction or in all ("*"), never in
	// a pattern of them: lists and search read the policy by jurisdiction (Policy.Scope).
	if r.PType == "g" && r.Values[2] != "*" && strings.Contains(r.Values[2], "*") {
		return Invalid(FieldError{Field: "rule[2]", Rule: "jurisdiction_or_all"})
	}
	return nil
}

// AddRule stores a rule and its audit record in one transaction; every portal reloads on the notice.
func (s *Store) AddRule(ctx context.Context, actor Actor, r Rule) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		exists, err := ruleExists(tx, r)
		if err != nil {
			return err
		}
		if exists {
			return Errorf(ECONFLICT, "rule_exists")
		}
		a, err := policyAdapter(tx)
		if err != nil {
			return err
		}
		if err := a.AddPolicy(r.PType, r.PType, r.Values); err != nil {
			return err
		}
		return audit(tx, actor, "policy.add", "policy", r.PType, nil, r)
	})
}

func ruleExists(tx *gorm.DB, r Rule) (bool, error) {
	var n int64
	q := tx.Table("casbin_rule").Where("ptype = ?", r.PType)
	for i, v := range r.Values {
		q = q.Where(fmt.Sprintf("v%d = ?", i), v)
	}
	err := q.Count(&n).Error
	return n > 0, err
}

// RemoveRule deletes a rule and records it in the audit trail; an unknown rule is ENOTFOUND.
func (s *Store) RemoveRule(ctx context.Context, actor Actor, r Rule) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		exists, err := ruleExists(tx, r)
		if err != nil {
			return err
		}
		if !exists {
			return Errorf(ENOTFOUND, "not_found")
		}
		a, err := policyAdapter(tx)
		if err != nil {
			return err
		}
		if err := a.RemovePolicy(r.PType, r.PType, r.Values); err != nil {
			return err
		}
		return audit(tx, actor, "policy.remove", "policy", r.PType, r, nil)
	})
}

// WatchPolicy reloads p whenever any portal changes the rules, until ctx ends. It listens on its
// own connection and, if that drops, reconnects and reloads (a change may have been missed).
func (s *Store) WatchPolicy(ctx context.Context, p *Policy) {
	for ctx.Err() == nil {
		if err := s.listenPolicy(ctx, p); err != nil && ctx.Err() == nil {
			slog.Warn("policy watch interrupted; reconnecting", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

func (s *Store) listenPolicy(ctx context.Context, p *Policy) error {
	pooled, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A listening connection is never given back to the pool.
	conn := pooled.Hijack()
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN policy_changed"); err != nil {
		return err
	}
	if err := p.Reload(); err != nil {
		return err
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		if err := p.Reload(); err != nil {
			slog.Error("reloading the access policy", "err", err)
		}
	}
}
