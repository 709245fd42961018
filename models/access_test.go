package models_test

import (
	"context"
	"slices"
	"testing"

	"github.com/hzcbec/portal/models"
)

// A relation's scope is read from the same rules as a single decision: any state and
// jurisdiction, some states, one jurisdiction, or a relation that inherits another's rules.
func TestScopeAgreesWithEachDecision(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	p, err := s.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	add := func(ptype string, values ...string) {
		t.Helper()
		if err := s.AddRule(ctx, models.SystemActor, models.Rule{PType: ptype, Values: values}); err != nil {
			t.Fatal(err)
		}
		if err := p.Reload(); err != nil {
			t.Fatal(err)
		}
	}
	if got := p.Scope("complainant", "complaint", "read"); !slices.Equal(got, models.Scope{{State: "*", Jurisdiction: "*"}}) {
		t.Errorf("the complainant reads %v", got)
	}
	if got := p.Scope("jurisdiction_inspector", "claim", "read"); len(got) != 0 {
		t.Errorf("inspectors read claims before any rule: %v", got)
	}
	add("p", "jurisdiction_inspector", "330108", "claim", "read", "requested")
	add("p", "jurisdiction_inspector", "*", "claim", "read", "escalated")
	add("p", "jurisdiction_inspector", "330106", "claim", "read", "*")
	want := models.Scope{{State: "escalated", Jurisdiction: "*"}, {State: "*", Jurisdiction: "330106"}, {State: "requested", Jurisdiction: "330108"}}
	got := p.Scope("jurisdiction_inspector", "claim", "read")
	if !slices.Equal(got, want) {
		t.Errorf("scope %v, want %v", got, want)
	}
	// Every cell the scope names is a decision the policy makes, and a cell it leaves out is not.
	for _, c := range []struct {
		state, dom string
		want       bool
	}{{"requested", "330108", true}, {"requested", "330102", false}, {"escalated", "330102", true},
		{"approved", "330106", true}, {"approved", "330108", false}} {
		if p.Allowed([]string{"jurisdiction_inspector"}, c.dom, "claim", "read", c.state) != c.want {
			t.Errorf("decision %s in %s is not %v", c.state, c.dom, c.want)
		}
	}
	// A relation given another's rules (a "g" line) reads what that one reads.
	if got := p.Scope("platform_operator", "claim", "read"); len(got) != 0 {
		t.Errorf("platform operators read claims before any rule: %v", got)
	}
	add("g", "platform_operator", "claimant", "*")
	if got := p.Scope("platform_operator", "claim", "read"); !slices.Equal(got, models.Scope{{State: "*", Jurisdiction: "*"}}) {
		t.Errorf("an inheriting relation reads %v", got)
	}
}

// A "g" line holds in one jurisdiction or in all, never in a pattern of them.
func TestRulesGiveRulesInAJurisdictionOrAll(t *testing.T) {
	for _, c := range []struct {
		dom  string
		want bool
	}{{"*", true}, {"330106", true}, {"3301*", false}} {
		err := models.Rule{PType: "g", Values: []string{"platform_operator", "claimant", c.dom}}.Validate()
		if (err == nil) != c.want {
			t.Errorf("g line in %q: %v", c.dom, err)
		}
	}
}

// How a user stands to a record follows from the record's columns and the user's roles alone.
func TestRelationsOfAComplaint(t *testing.T) {
	shop, mall, here := "shop", "mall", "330106"
	c := &models.Complaint{ComplainantID: "u1", RespondentID: shop, PlatformID: &mall}
	c.Jurisdiction = here
	for _, tc := range []struct {
		name string
		u    *models.User
		want []string
	}{
		{"the complainant", &models.User{ID: "u1", Roles: models.Roles{"consumer"}}, []string{"complainant"}},
		{"another consumer", &models.User{ID: "u2", Roles: models.Roles{"consumer"}}, nil},
		{"the respondent's merchant", &models.User{ID: "m", Roles: models.Roles{"merchant"}, PartyID: &shop}, []string{"respondent"}},
		{"the respondent's party, not as a merchant", &models.User{ID: "p", Roles: models.Roles{"platform"}, PartyID: &shop}, nil},
		{"the platform's operator", &models.User{ID: "o", Roles: models.Roles{"platform"}, PartyID: &mall}, []string{"platform_operator"}},
		{"an inspector of the district", &models.User{ID: "i", Roles: models.Roles{"inspector"}, Jurisdiction: &here}, []string{"jurisdiction_inspector"}},
		{"an administrator", &models.User{ID: "a", Roles: models.Roles{"admin"}}, []string{"administrator"}},
		{"the public", nil, nil},
	} {
		if got := models.RelationsOf("complaint", c, tc.u); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	c.PlatformID = nil
	if got := models.RelationsOf("complaint", c, &models.User{ID: "o", Roles: models.Roles{"platform"}, PartyID: &mall}); got != nil {
		t.Errorf("a complaint on no platform: %v", got)
	}
}
