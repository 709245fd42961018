package app_test

import (
	"database/sql"
	"net/url"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/hzcbec/portal/migrations/testdb"
)

// Issue 12, seen 4: the portal connected as a superuser or the tables' owner, so it could switch
// the audit trail's triggers off. Served as a role granted portal_app (migration 00044), the
// portal works as before, and that role can neither rewrite nor backdate the trail.
func TestThePortalsRoleCannotRewriteTheAuditTrail(t *testing.T) {
	ownerDSN := testdb.New(t)
	owner, err := sql.Open("pgx", ownerDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	appDSN := portalRoleDSN(t, ownerDSN)

	// The portal serves as the role: seed, file, answer, change the policy, link and verify.
	ts := startServer(t, map[string]string{"DATABASE_URL": appDSN})
	consumer, merchant, admin := ts.token(t, "consumer"), ts.token(t, "merchant"), ts.token(t, "admin")
	id := fileComplaint(t, ts, consumer)
	act(t, ts, merchant, id, "respond", map[string]any{"remedy": "refund", "amount": "129.90", "message": "全额退款"}, 200)
	rule := map[string]any{"ptype": "p", "rule": []string{"consumer", "*", "stats", "export", "*"}}
	if r := ts.do(t, "POST", "/api/v1/admin/policies", admin, rule); r.Status != 201 && r.Status != 204 {
		t.Fatalf("a policy change as the portal's role: %d %s", r.Status, r.Body)
	}
	if v := ts.do(t, "GET", "/api/v1/admin/audit?verify=true", admin, nil).json(t); v["verified"] != true || v["checkpoints"].(float64) < 1 {
		t.Fatalf("verification as the portal's role: %v", v)
	}

	app, err := sql.Open("pgx", appDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	for _, stmt := range []string{
		`ALTER TABLE audit_records DISABLE TRIGGER audit_records_no_update`,
		`SET session_replication_role = replica`,
		`UPDATE audit_records SET action = 'forged'`,
		`UPDATE audit_records SET at = at - interval '1 day'`,
		`DELETE FROM audit_records`,
		`INSERT INTO audit_records (at, actor_id, action, object_type, object_id) VALUES (now() - interval '30 days', 'x', 'y', 'z', 'w')`,
		`DELETE FROM audit_checkpoints`,
		`TRUNCATE audit_tree`,
		`DROP TRIGGER audit_records_stamp ON audit_records`,
		`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)`,
	} {
		if _, err := app.Exec(stmt); err == nil {
			t.Errorf("the portal's role may %s", stmt)
		} else if !strings.Contains(err.Error(), "permission denied") && !strings.Contains(err.Error(), "must be owner") &&
			!strings.Contains(err.Error(), "append-only") && !strings.Contains(err.Error(), "set by the database") {
			t.Errorf("%s: refused for another reason than the role's rights: %v", stmt, err)
		}
	}
}

// portalRoleDSN is the database of ownerDSN served as a new login role granted portal_app, the
// portal's own role (migration 00044): what the portal does, that role may.
func portalRoleDSN(t *testing.T, ownerDSN string) string {
	t.Helper()
	owner, err := sql.Open("pgx", ownerDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Close() })
	role := "portal_test_" + randomSuffix(t)
	if _, err := owner.Exec(`CREATE ROLE ` + role + ` LOGIN IN ROLE portal_app`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = owner.Exec(`DROP ROLE ` + role) })
	u, err := url.Parse(ownerDSN)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	return u.String()
}
