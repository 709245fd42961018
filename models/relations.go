package models

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"

	"gorm.io/gorm/schema"
)

// The relations of a user to a workflow record are declared here, once per kind, as data. From
// a declaration the portal derives how a user stands to a loaded record (RelationsOf), the SQL
// predicate of a list (Access.where), and the access terms a search document carries
// (accessTermsSQL) with the filter of a query (search/access.go). The policy grants actions to
// relations; which relations a user holds is a fact of the record, never a rule.

// Holder says what a relation's column holds, and so who holds the relation.
type Holder int

const (
	// HeldByRole: there is no column; every user with one of the relation's roles holds it.
	HeldByRole Holder = iota
	// HeldByUser: the column holds a user's id.
	HeldByUser
	// HeldByParty: the column holds a party's id; its staff with one of the roles hold it.
	HeldByParty
	// HeldByJurisdiction: the column holds a jurisdiction; its officers with one of the roles hold it.
	HeldByJurisdiction
)

// Relation is one way a user stands to a record of a kind. A relation is never named like a
// role: roles inherit "user" and "public" in the policy, and a relation of the same name would
// inherit their rules too.
type Relation struct {
	Name   string
	Column string // the record's column naming the holder; "" for HeldByRole
	Holder Holder
	Roles  []string // the roles that may hold it; none: any signed-in user
}

// Relations are the relations of each workflow's object kind.
var Relations = map[string][]Relation{
	"complaint": {
		{Name: "complainant", Column: "complainant_id", Holder: HeldByUser},
		{Name: "respondent", Column: "respondent_id", Holder: HeldByParty, Roles: []string{RoleMerchant}},
		{Name: "platform_operator", Column: "platform_id", Holder: HeldByParty, Roles: []string{RolePlatform}},
		{Name: "jurisdiction_inspector", Column: "jurisdiction", Holder: HeldByJurisdiction, Roles: []string{RoleInspector}},
		{Name: "administrator", Roles: []string{RoleAdmin}},
	},
	"claim": {
		{Name: "claimant", Column: "claimant_id", Holder: HeldByUser},
		{Name: "respondent", Column: "respondent_id", Holder: HeldByParty, Roles: []string{RoleMerchant}},
		{Name: "jurisdiction_inspector", Column: "jurisdiction", Holder: HeldByJurisdiction, Roles: []string{RoleInspector}},
		{Name: "administrator", Roles: []string{RoleAdmin}},
	},
	// Every arbitrator of the institution acts as a case's secretary.
	"case": {
		{Name: "claimant", Column: "claimant_id", Holder: HeldByUser},
		{Name: "respondent", Column: "respondent_id", Holder: HeldByParty, Roles: []string{RoleMerchant}},
		{Name: "secretary", Roles: []string{RoleArbitrator}},
		{Name: "appointed_arbitrator", Column: "arbitrator_id", Holder: HeldByUser, Roles: []string{RoleArbitrator}},
		{Name: "jurisdiction_inspector", Column: "jurisdiction", Holder: HeldByJurisdiction, Roles: []string{RoleInspector}},
		{Name: "administrator", Roles: []string{RoleAdmin}},
	},
	"measure": {
		{Name: "target", Column: "target_party_id", Holder: HeldByParty, Roles: []string{RoleMerchant, RolePlatform}},
		{Name: "jurisdiction_inspector", Column: "jurisdiction", Holder: HeldByJurisdiction, Roles: []string{RoleInspector}},
		{Name: "administrator", Roles: []string{RoleAdmin}},
	},
	"investigation": {
		{Name: "jurisdiction_inspector", Column: "jurisdiction", Holder: HeldByJurisdiction, Roles: []string{RoleInspector}},
		{Name: "administrator", Roles: []string{RoleAdmin}},
	},
}

// heldBy is the value u holds the relation by (their id, party or jurisdiction; "" for a
// role), and whether they hold it at all.
func (r Relation) heldBy(u *User) (string, bool) {
	if u == nil || (len(r.Roles) > 0 && !slices.ContainsFunc(r.Roles, u.Roles.Has)) {
		return "", false
	}
	switch r.Holder {
	case HeldByUser:
		return u.ID, true
	case HeldByParty:
		if u.PartyID == nil {
			return "", false
		}
		return *u.PartyID, true
	case HeldByJurisdiction:
		if u.Jurisdiction == nil {
			return "", false
		}
		return *u.Jurisdiction, true
	}
	return "", true
}

// Term is the access term of the relation held by value, as search documents carry it:
// "respondent:<party>", or the bare name for a relation held by role.
func (r Relation) Term(value string) string {
	if r.Holder == HeldByRole {
		return r.Name
	}
	return r.Name + ":" + value
}

// RelationsOf lists how u stands to row, a record (pointer to its model) of the object kind.
func RelationsOf(object string, row any, u *User) []string {
	columns := columnsOf(row)
	var out []string
	for _, r := range Relations[object] {
		v, ok := r.heldBy(u)
		if ok && (r.Holder == HeldByRole || columns(r.Column) == v) {
			out = append(out, r.Name)
		}
	}
	return out
}

var schemas sync.Map

// columnsOf reads the columns of a model's row as text ("" for NULL or no such column), through
// GORM's schema of the model: the same column names the SQL uses.
func columnsOf(row any) func(column string) string {
	s, err := schema.Parse(row, &schemas, schema.NamingStrategy{})
	if err != nil {
		return func(string) string { return "" }
	}
	value := reflect.Indirect(reflect.ValueOf(row))
	return func(column string) string {
		f := s.LookUpField(column)
		if f == nil {
			return ""
		}
		v, zero := f.ValueOf(context.Background(), value)
		if zero {
			return ""
		}
		switch v := v.(type) {
		case string:
			return v
		case *string:
			return *v
		}
		return ""
	}
}

// accessTermsSQL is the SQL array of the access terms a record of the object kind carries (one
// per relation whose column is set), over the table's alias.
func accessTermsSQL(object, alias string) string {
	var terms []string
	for _, r := range Relations[object] {
		if r.Holder == HeldByRole {
			terms = append(terms, quoteSQL(r.Name))
		} else {
			terms = append(terms, quoteSQL(r.Name+":")+" || "+alias+"."+r.Column)
		}
	}
	return "array_remove(ARRAY[" + strings.Join(terms, ", ") + "]::text[], NULL)"
}

func quoteSQL(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// RecipientOf is whom a notice to the holders of a relation of row goes to: the user, the
// party's staff or the jurisdiction's officers its column names, or everyone of the role.
func RecipientOf(object, relation string, row any) Recipient {
	for _, r := range Relations[object] {
		if r.Name != relation {
			continue
		}
		switch r.Holder {
		case HeldByUser:
			return Recipient{Type: "user", ID: columnsOf(row)(r.Column)}
		case HeldByParty:
			return Recipient{Type: "party", ID: columnsOf(row)(r.Column)}
		case HeldByJurisdiction:
			return Recipient{Type: "jurisdiction", ID: columnsOf(row)(r.Column)}
		default:
			return Recipient{Type: "role", ID: r.Roles[0]}
		}
	}
	panic("models: no relation " + relation + " of " + object)
}
