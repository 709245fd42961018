package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/hzcbec/portal/models"
)

func TestDefaultPolicy(t *testing.T) {
	s := openStore(t)
	p, err := s.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		roles         []string
		dom, obj, act string
		want          bool
	}{
		{[]string{"public"}, "-", "system", "read", true},
		{[]string{"public"}, "-", "account", "read", false},
		{[]string{"consumer"}, "-", "account", "read", true},      // through consumer → user
		{[]string{"consumer"}, "-", "jurisdiction", "read", true}, // through user → public
		{[]string{"consumer"}, "-", "audit", "read", false},
		{[]string{"inspector"}, "330106", "policy", "create", false},
		{[]string{"consumer", "admin"}, "-", "policy", "create", true},
	}
	for _, c := range cases {
		if got := p.Allowed(c.roles, c.dom, c.obj, c.act, "-"); got != c.want {
			t.Errorf("%v %s %s:%s = %v, want %v", c.roles, c.dom, c.obj, c.act, got, c.want)
		}
	}
}

// Two portals on one database: a rule added through one is seen by the other within seconds.
func TestPolicyChangesReachEveryInstance(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s1, s2 := openStore(t), openStore(t)
	p1, err := s1.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	p2, err := s2.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	go s2.WatchPolicy(ctx, p2)
	time.Sleep(200 * time.Millisecond) // let it LISTEN

	rule := models.Rule{PType: "p", Values: []string{"inspector", "330106", "investigation", "take", "open"}}
	allowed := func(p *models.Policy) bool {
		return p.Allowed([]string{"inspector"}, "330106", "investigation", "take", "open")
	}
	if allowed(p2) {
		t.Fatal("allowed before the rule exists")
	}
	if err := s1.AddRule(ctx, models.SystemActor, rule); err != nil {
		t.Fatal(err)
	}
	if err := s1.AddRule(ctx, models.SystemActor, rule); models.ErrorCode(err) != models.ECONFLICT {
		t.Fatalf("adding it twice: %v", err)
	}
	waitFor(t, func() bool { return allowed(p2) }, "the other instance to see the new rule")
	if p1.Allowed([]string{"inspector"}, "330105", "investigation", "take", "open") {
		t.Fatal("a rule for one jurisdiction holds in another")
	}
	if err := s1.RemoveRule(ctx, models.SystemActor, rule); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return !allowed(p2) }, "the other instance to see the removal")
	if err := s1.RemoveRule(ctx, models.SystemActor, rule); models.ErrorCode(err) != models.ENOTFOUND {
		t.Fatalf("removing a missing rule: %v", err)
	}
	if err := s1.AddRule(ctx, models.SystemActor, models.Rule{PType: "p", Values: []string{"x"}}); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("a malformed rule: %v", err)
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// BenchmarkPolicyDecision measures one decision with the default policy (a role that is allowed
// through two levels of inheritance, the common case for signed-in users).
func BenchmarkPolicyDecision(b *testing.B) {
	s := openStore(b)
	p, err := s.LoadPolicy()
	if err != nil {
		b.Fatal(err)
	}
	roles := []string{"consumer"}
	b.ReportAllocs()
	lat := make([]time.Duration, 0, min(b.N, 2_000_000))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if !p.Allowed(roles, "-", "jurisdiction", "read", "-") {
			b.Fatal("denied")
		}
		if len(lat) < cap(lat) {
			lat = append(lat, time.Since(start))
		}
	}
	b.StopTimer()
	if len(lat) > 100 {
		reportPercentiles(b, lat)
	}
}
