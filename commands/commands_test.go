package commands

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/migrations/testdb"
	"github.com/hzcbec/portal/search"
)

// The command line against a real, empty database: migrate twice, seed twice, create users,
// verify the audit trail, then tamper with it.
func TestCommandLine(t *testing.T) {
	dsn := testdb.NewEmpty(t)
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("PORTAL_DATA_DIR", t.TempDir())
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	index := "commands_" + strings.TrimPrefix(u.Path, "/") // the story's search documents, this test's own
	t.Setenv("PORTAL_SEARCH_INDEX", index)
	t.Cleanup(func() {
		if c, err := search.Open(os.Getenv("MEILI_URL"), os.Getenv("MEILI_MASTER_KEY"), index, nil); err == nil {
			_ = c.DeleteIndex(context.Background())
		}
	})
	ctx := context.Background()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	for i := 0; i < 2; i++ {
		if err := Run(ctx, []string{"migrate"}); err != nil {
			t.Fatalf("migrate #%d: %v", i+1, err)
		}
	}
	if err := Run(ctx, []string{"seed"}); err != nil {
		t.Fatal(err)
	}
	users, audits := count("SELECT count(*) FROM users"), count("SELECT count(*) FROM audit_records")
	if users != len(app.DemoAccounts()) || count("SELECT count(*) FROM complaints") == 0 {
		t.Fatalf("%d demo users (want %d), or no story", users, len(app.DemoAccounts()))
	}
	if err := Run(ctx, []string{"seed"}); err != nil {
		t.Fatal(err)
	}
	if u, a := count("SELECT count(*) FROM users"), count("SELECT count(*) FROM audit_records"); u != users || a != audits {
		t.Fatalf("a second seed changed something: users %d→%d, audit records %d→%d", users, u, audits, a)
	}

	err = Run(ctx, []string{"users", "create", "--email", "wu@example.com", "--password", "a long password",
		"--name", "Wu", "--role", "inspector", "--jurisdiction", "330110"})
	if err != nil {
		t.Fatal(err)
	}
	if count("SELECT count(*) FROM users WHERE email = 'wu@example.com' AND jurisdiction = '330110' AND roles = '{inspector}'") != 1 {
		t.Fatal("the inspector was not created as asked")
	}
	err = Run(ctx, []string{"users", "create", "--email", "x@example.com", "--password", "short", "--name", "X", "--role", "merchant"})
	if err == nil {
		t.Fatal("a short password and a merchant without party were accepted")
	}

	if err := Run(ctx, []string{"audit", "verify"}); err != nil {
		t.Fatalf("verify an intact trail: %v", err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("SET LOCAL session_replication_role = replica"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("DELETE FROM audit_records WHERE id = (SELECT min(id) + 1 FROM audit_records)"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	err = Run(ctx, []string{"audit", "verify"})
	if err == nil || !strings.Contains(err.Error(), "broken at record") {
		t.Fatalf("verify after deleting a record: %v", err)
	}
}

// Issue 12, seen 4: the portal connected as the tables' owner could add a backdated record with
// any actor, and it was linked and verified. A backdated INSERT is refused; one made by the owner
// with the triggers off is found by `portal audit verify` against the signed checkpoints.
func TestAuditVerifyFindsABackdatedRecord(t *testing.T) {
	dsn := testdb.New(t)
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("PORTAL_DATA_DIR", t.TempDir()) // the signing key is kept here, outside the database
	ctx := context.Background()
	if err := Run(ctx, []string{"seed", "--accounts"}); err != nil {
		t.Fatal(err)
	}
	if err := Run(ctx, []string{"audit", "verify"}); err != nil {
		t.Fatalf("verify a fresh trail: %v", err)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	backdated := `INSERT INTO audit_records (at, actor_id, action, object_type, object_id, after)
		VALUES (now() - interval '90 days', 'admin', 'negative_list.confirm', 'party', 'demo-merchant', '{}')`
	if _, err := db.Exec(backdated); err == nil || !strings.Contains(err.Error(), "set by the database") {
		t.Fatalf("a backdated insert: %v, want it refused", err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("SET LOCAL session_replication_role = replica"); err != nil {
		t.Fatal(err)
	}
	var forged int64
	if err := tx.QueryRow(backdated + " RETURNING id").Scan(&forged); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	err = Run(ctx, []string{"audit", "verify"})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("broken at record %d (backdated", forged)) {
		t.Fatalf("verify after the owner's backdated insert %d: %v", forged, err)
	}

	if err := Run(ctx, []string{"frobnicate"}); err == nil {
		t.Fatal("an unknown command succeeded")
	}
}
