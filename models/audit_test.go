package models_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/hzcbec/portal/models"
)

func TestEveryWriteIsAuditedInItsTransaction(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	before := auditCount(t, s)
	u := newUser(t, s, "audited@example.com")
	var rec struct {
		Action, ObjectID, After string
	}
	s.Gorm().Raw("SELECT action, object_id, after::text AS after FROM audit_records ORDER BY id DESC LIMIT 1").Scan(&rec)
	if rec.Action != "user.create" || rec.ObjectID != u.ID || !strings.Contains(rec.After, "audited@example.com") {
		t.Fatalf("last audit record %+v does not describe the new user", rec)
	}
	if strings.Contains(rec.After, "argon2id") {
		t.Fatal("the audit record holds the password hash")
	}
	// A write that fails leaves no record either.
	n := auditCount(t, s)
	if _, err := s.CreateUser(ctx, models.SystemActor, models.NewUser{Email: "audited@example.com", Password: "long enough pw",
		Name: "Again", Roles: []string{"consumer"}}); err == nil {
		t.Fatal("duplicate accepted")
	}
	if got := auditCount(t, s); got != n || n != before+1 {
		t.Fatalf("audit records: %d before, %d after the create, %d after the failed one", before, n, got)
	}
}

func TestAuditTableRefusesUpdateAndDelete(t *testing.T) {
	s := openStore(t)
	newUser(t, s, "appendonly@example.com")
	for _, stmt := range []string{
		"UPDATE audit_records SET action = 'forged'",
		"DELETE FROM audit_records",
		"TRUNCATE audit_records",
	} {
		err := s.Gorm().Exec(stmt).Error
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only refusal", stmt, err)
		}
	}
}

func TestAuditVerifyFindsTampering(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	for _, e := range []string{"chain1@example.com", "chain2@example.com", "chain3@example.com"} {
		newUser(t, s, e)
	}
	v, err := s.VerifyAudit(ctx)
	if err != nil || !v.Verified || v.FirstBroken != nil || v.Records < 3 {
		t.Fatalf("untouched chain: %+v %v", v, err)
	}
	var target int64
	s.Gorm().Raw("SELECT id FROM audit_records WHERE after::text LIKE '%chain2@example.com%'").Scan(&target)

	// A superuser can switch the trigger off for the session; the chain still gives it away.
	err = s.Gorm().Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL session_replication_role = replica").Error; err != nil {
			return err
		}
		return tx.Exec(`UPDATE audit_records SET after = '{"email":"someone-else@example.com"}' WHERE id = ?`, target).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err = s.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v.Verified || v.FirstBroken == nil || *v.FirstBroken != target {
		t.Fatalf("after tampering with %d: %+v", target, v)
	}
}

func auditCount(t *testing.T, s *models.Store) int64 {
	t.Helper()
	var n int64
	if err := s.Gorm().Raw("SELECT count(*) FROM audit_records").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
