package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/migrations/testdb"
)

// Two portals on one database: a rule changed through one applies on the other within seconds.
func TestPolicyChangesAreLiveOnEveryInstance(t *testing.T) {
	dsn := testdb.New(t)
	one := startServer(t, map[string]string{"DATABASE_URL": dsn})
	two := startServer(t, map[string]string{"DATABASE_URL": dsn})
	admin := one.token(t, "admin")
	consumer := two.token(t, "consumer")

	if r := two.do(t, "GET", "/api/v1/admin/audit", consumer, nil); r.Status != 403 {
		t.Fatalf("consumer reads the audit trail before the rule: %d", r.Status)
	}
	rule := map[string]any{"sub": "consumer", "dom": "*", "obj": "audit", "act": "read", "state": "*"}
	if r := one.do(t, "POST", "/api/v1/admin/policies", admin, rule); r.Status != 201 {
		t.Fatalf("add rule: %d %s", r.Status, r.Body)
	}
	if r := one.do(t, "POST", "/api/v1/admin/policies", admin, rule); r.Status != 409 {
		t.Fatalf("add it again: %d", r.Status)
	}
	eventually(t, func() bool { return two.do(t, "GET", "/api/v1/admin/audit", consumer, nil).Status == 200 },
		"the other instance to apply the new rule")

	list := one.do(t, "GET", "/api/v1/admin/policies", admin, nil)
	if !strings.Contains(string(list.Body), `"rule":["consumer","*","audit","read","*"]`) {
		t.Fatalf("the rule is not listed: %s", truncate(list.Body))
	}
	if r := one.do(t, "DELETE", "/api/v1/admin/policies", admin, map[string]any{"ptype": "p", "rule": []string{"consumer", "*", "audit", "read", "*"}}); r.Status != 204 {
		t.Fatalf("delete rule: %d %s", r.Status, r.Body)
	}
	eventually(t, func() bool { return two.do(t, "GET", "/api/v1/admin/audit", consumer, nil).Status == 403 },
		"the other instance to apply the removal")
	if r := one.do(t, "DELETE", "/api/v1/admin/policies", admin, rule); r.Status != 404 {
		t.Fatalf("delete a missing rule: %d", r.Status)
	}

	// Both changes are in the audit trail, by the admin.
	audit := one.do(t, "GET", "/api/v1/admin/audit?limit=100", admin, nil)
	for _, action := range []string{"policy.add", "policy.remove"} {
		if !strings.Contains(string(audit.Body), `"action":"`+action+`","object_type":"policy"`) {
			t.Errorf("no %s record", action)
		}
	}
}

func TestAuditVerifyNamesTheFirstBrokenRecord(t *testing.T) {
	dsn := testdb.New(t)
	ts := startServer(t, map[string]string{"DATABASE_URL": dsn})
	admin := ts.token(t, "admin")
	v := ts.do(t, "GET", "/api/v1/admin/audit?verify=true", admin, nil).json(t)
	if v["verified"] != true || v["first_broken"] != nil || v["records"].(float64) < 8 {
		t.Fatalf("untouched trail: %v", v)
	}
	// Verifying linked every record first, so the page it answers shows them all in the chain.
	for _, item := range v["items"].([]any) {
		rec := item.(map[string]any)
		if rec["chain_seq"] == nil || rec["hash"] == nil || rec["prev_hash"] == nil {
			t.Fatalf("record %v is not linked after the verification", rec)
		}
	}

	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var target int64
	if err := db.QueryRow("SELECT id FROM audit_records WHERE action = 'user.create' ORDER BY id LIMIT 1 OFFSET 2").Scan(&target); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE audit_records SET actor_id = 'mallory' WHERE id = $1", target); err == nil {
		t.Fatal("the database let an audit record be updated")
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("SET LOCAL session_replication_role = replica"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("UPDATE audit_records SET actor_id = 'mallory' WHERE id = $1", target); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	v = ts.do(t, "GET", "/api/v1/admin/audit?verify=true", admin, nil).json(t)
	if v["verified"] != false || v["first_broken"] != float64(target) {
		t.Fatalf("after tampering with record %d: %v", target, v)
	}
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.do(t, "GET", "/api/openapi.json", "", nil)
	doc, err := openapi3.NewLoader().LoadFromData(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("not a valid OpenAPI 3 document: %v", err)
	}
	for _, route := range ts.srv.Routes() {
		path := regexp.MustCompile(`:(\w+)`).ReplaceAllString(route.Path, "{$1}")
		path = strings.ReplaceAll(path, "*", "{path}")
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(route.Method) == nil {
			t.Errorf("%s %s is not described", route.Method, route.Path)
		}
	}
}

func TestAdminFromEnvironmentAndUnmigratedDatabase(t *testing.T) {
	ts := startServer(t, map[string]string{"PORTAL_ADMIN_EMAIL": "root@example.com", "PORTAL_ADMIN_PASSWORD": "root password 1"})
	login := ts.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "root@example.com", "password": "root password 1"})
	if login.Status != 200 {
		t.Fatalf("PORTAL_ADMIN_EMAIL account: %d %s", login.Status, login.Body)
	}
	var body struct {
		User struct{ Roles []string } `json:"user"`
	}
	_ = json.Unmarshal(login.Body, &body)
	if len(body.User.Roles) != 1 || body.User.Roles[0] != "admin" {
		t.Fatalf("roles: %v", body.User.Roles)
	}

	// An empty database: serve refuses, and says what to do.
	empty := testdb.NewEmpty(t)
	cfg, _ := app.LoadConfig(func(k string) string {
		return map[string]string{"DATABASE_URL": empty, "MEILI_URL": "http://127.0.0.1:1"}[k]
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := app.New(ctx, cfg)
	if err == nil || !strings.Contains(err.Error(), "not migrated") || !strings.Contains(err.Error(), "portal migrate") {
		t.Fatalf("unmigrated database: %v", err)
	}
}

func eventually(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
