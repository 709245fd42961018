package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/hzcbec/portal/migrations/testdb"
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
	// A database of its own: the chain it breaks stays broken.
	s, err := models.Open(ctx, testdb.New(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
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

// Writes append their records unlinked and in parallel; the sequencer links every committed one
// exactly once, in one unbroken chain, and a rolled-back write leaves nothing to link.
func TestAuditSequencerLinksConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	object := "sequencer-" + strings.ReplaceAll(t.Name(), "/", "-")
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := s.Gorm().Transaction(func(tx *gorm.DB) error {
					if err := models.AppendAudit(tx, models.SystemActor, "test.write", object, fmt.Sprint(w, "-", i), map[string]int{"i": i}); err != nil {
						return err
					}
					if i%5 == 4 {
						return errRollback // every fifth write fails after its append
					}
					return nil
				})
				if err != nil && !errors.Is(err, errRollback) {
					errs <- err
					return
				}
			}
		}()
		// Link while the writers write, as the periodic job does.
		if _, err := s.LinkAudit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	var unlinked int64
	s.Gorm().Raw("SELECT count(*) FROM audit_records WHERE object_type = ? AND hash IS NULL", object).Scan(&unlinked)
	if want := int64(writers * each * 4 / 5); unlinked > want {
		t.Fatalf("%d records of %s unlinked, more than the %d committed", unlinked, object, want)
	}
	v, err := s.VerifyAudit(ctx)
	if err != nil || !v.Verified {
		t.Fatalf("chain after concurrent writes: %+v %v", v, err)
	}
	var got struct{ Records, Linked int64 }
	s.Gorm().Raw(`SELECT count(*) AS records, count(chain_seq) AS linked FROM audit_records WHERE object_type = ?`, object).Scan(&got)
	if want := int64(writers * each * 4 / 5); got.Records != want || got.Linked != want {
		t.Fatalf("%+v: want %d committed records, all linked", got, want)
	}
	var gaps int64
	s.Gorm().Raw(`SELECT count(*) FROM (SELECT chain_seq - lag(chain_seq) OVER (ORDER BY chain_seq) AS step FROM audit_records) s
		WHERE step <> 1`).Scan(&gaps)
	if gaps != 0 {
		t.Fatalf("%d gaps in chain_seq", gaps)
	}
	if n, err := s.LinkAudit(ctx); err != nil || n != 0 {
		t.Fatalf("a second link after verification linked %d: %v", n, err)
	}
}

// The one update the table allows is the linking of a record not linked yet, and nothing else.
func TestAuditLinkingIsTheOnlyUpdate(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	err := s.Gorm().Transaction(func(tx *gorm.DB) error {
		return models.AppendAudit(tx, models.SystemActor, "test.write", "link-only", "1", nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	s.Gorm().Raw("SELECT max(id) FROM audit_records WHERE object_type = 'link-only'").Scan(&id)
	// Linking and changing the content in one update is refused.
	err = s.Gorm().Exec(`UPDATE audit_records SET chain_seq = -id, prev_hash = '\x00', hash = '\x00', actor_id = 'mallory' WHERE id = ?`, id).Error
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("linking with a changed actor: %v", err)
	}
	if _, err := s.LinkAudit(ctx); err != nil {
		t.Fatal(err)
	}
	// A linked record cannot be linked again.
	err = s.Gorm().Exec(`UPDATE audit_records SET chain_seq = -id, prev_hash = '\x00', hash = '\x00' WHERE id = ?`, id).Error
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("relinking a linked record: %v", err)
	}
	v, err := s.VerifyAudit(ctx)
	if err != nil || !v.Verified {
		t.Fatalf("%+v %v", v, err)
	}
}

var errRollback = errors.New("roll back")

// The periodic sequencer gives way when another is linking, rather than queue for the lock.
func TestAuditSequencerGivesWay(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if err := s.Gorm().Transaction(func(tx *gorm.DB) error {
		return models.AppendAudit(tx, models.SystemActor, "test.write", "gives-way", "1", nil)
	}); err != nil {
		t.Fatal(err)
	}
	err := s.Gorm().Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(7411001)").Error; err != nil {
			return err
		}
		if n, err := s.LinkAuditIfFree(ctx); err != nil || n != 0 {
			t.Errorf("with the chain's lock held elsewhere: linked %d, %v; want 0 at once", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.LinkAuditIfFree(ctx); err != nil || n < 1 {
		t.Fatalf("with the lock free: linked %d, %v", n, err)
	}
}

// keyedStore is a store of its own database whose audit log is signed.
func keyedStore(t *testing.T) *models.Store {
	t.Helper()
	s, err := models.Open(context.Background(), testdb.New(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	skey, err := models.GenerateAuditKey()
	if err != nil {
		t.Fatal(err)
	}
	key, err := models.NewAuditKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	s.SetAuditKey(key)
	return s
}

// Issue 12, seen 4: a backdated INSERT with any actor was linked within a second and verified.
// A record's time is the database's now: an INSERT that names one is refused; and one made by
// the tables' owner with the trigger off is found by verification, as is a log cut short.
func TestAuditLogFindsWhatIsDoneBehindThePortalsBack(t *testing.T) {
	ctx := context.Background()
	s := keyedStore(t)
	for _, e := range []string{"log1@example.com", "log2@example.com", "log3@example.com"} {
		newUser(t, s, e)
	}
	v, err := s.VerifyAudit(ctx)
	if err != nil || !v.Verified || v.Checkpoints < 1 {
		t.Fatalf("an untouched log: %+v %v", v, err)
	}
	backdated := `INSERT INTO audit_records (at, actor_id, action, object_type, object_id, after)
		VALUES (now() - interval '30 days', 'some-inspector', 'measures.verify', 'measures', 'm-1', '{}')`
	if err := s.Gorm().Exec(backdated).Error; err == nil || !strings.Contains(err.Error(), "set by the database") {
		t.Fatalf("a backdated insert: %v, want it refused", err)
	}
	var forged int64
	err = s.Gorm().Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL session_replication_role = replica").Error; err != nil {
			return err
		}
		return tx.Raw(backdated + " RETURNING id").Scan(&forged).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err = s.VerifyAudit(ctx)
	if err != nil || v.Verified || v.Problem != "backdated" || v.FirstBroken == nil || *v.FirstBroken != forged {
		t.Fatalf("after the owner's backdated insert %d: %+v %v", forged, v, err)
	}
}

func TestAuditLogFindsRecordsRemovedAtItsEnd(t *testing.T) {
	ctx := context.Background()
	s := keyedStore(t)
	for _, e := range []string{"cut1@example.com", "cut2@example.com"} {
		newUser(t, s, e)
	}
	if v, err := s.VerifyAudit(ctx); err != nil || !v.Verified {
		t.Fatalf("an untouched log: %+v %v", v, err)
	}
	err := s.Gorm().Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL session_replication_role = replica").Error; err != nil {
			return err
		}
		return tx.Exec(`DELETE FROM audit_records WHERE chain_seq = (SELECT max(chain_seq) FROM audit_records)`).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	// The chain that is left is whole; only the signed checkpoint knows a record is gone.
	if v, err := s.VerifyAudit(ctx); err != nil || v.Verified || v.Problem != "records_removed" {
		t.Fatalf("after removing the last record: %+v %v", v, err)
	}
}

// An inclusion proof from the log checks against the signed checkpoint's root.
func TestAuditInclusionProof(t *testing.T) {
	ctx := context.Background()
	s := keyedStore(t)
	u := newUser(t, s, "proof@example.com")
	newUser(t, s, "proof2@example.com")
	if v, err := s.VerifyAudit(ctx); err != nil || !v.Verified {
		t.Fatalf("%+v %v", v, err)
	}
	var id int64
	s.Gorm().Raw(`SELECT id FROM audit_records WHERE action = 'user.create' AND object_id = ?`, u.ID).Scan(&id)
	p, err := s.ProveAuditRecord(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := models.CheckAuditProof(p, s.AuditKey().VerifierKey); err != nil {
		t.Fatalf("the proof does not check: %v (%+v)", err, p)
	}
	p.Index++
	if models.CheckAuditProof(p, s.AuditKey().VerifierKey) == nil {
		t.Fatal("a proof for another place checks")
	}
}

// A chain the tree does not cover (the log before the tree existed, or a sequencer killed between
// two transactions) is caught up by the next run, and the log then verifies.
func TestAuditTreeCatchesUpWithTheChain(t *testing.T) {
	ctx := context.Background()
	s := keyedStore(t)
	for _, e := range []string{"catch1@example.com", "catch2@example.com", "catch3@example.com"} {
		newUser(t, s, e)
	}
	if _, err := s.LinkAudit(ctx); err != nil {
		t.Fatal(err)
	}
	err := s.Gorm().Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL session_replication_role = replica").Error; err != nil {
			return err
		}
		return tx.Exec("DELETE FROM audit_tree").Error // as the migration found it: a chain and no tree
	})
	if err != nil {
		t.Fatal(err)
	}
	newUser(t, s, "catch4@example.com")
	v, err := s.VerifyAudit(ctx)
	if err != nil || !v.Verified || v.Records < 4 || v.Checkpoints < 1 {
		t.Fatalf("after catching up: %+v %v", v, err)
	}
}
