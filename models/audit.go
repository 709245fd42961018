package models

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Actor is who makes a write: a user id, or SystemActor for the portal itself (seed, jobs).
type Actor struct {
	UserID string
}

// SystemActor is the portal acting on its own: migrations, seed data, deadline jobs.
var SystemActor = Actor{UserID: "system"}

// AuditRecord is one entry of the append-only audit trail. Once linked (LinkAudit, within a
// second of its commit), it hashes its own content and the hash of the record before it in the
// chain, so any change to an earlier record breaks the chain. Until then ChainSeq, PrevHash and
// Hash are nil.
type AuditRecord struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    string    `json:"actor_id"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Before     JSONText  `json:"before"`
	After      JSONText  `json:"after"`
	ChainSeq   *int64    `json:"chain_seq"`
	PrevHash   Hash      `json:"prev_hash"`
	Hash       Hash      `json:"hash"`
}

// JSONText is JSON kept byte for byte as written (a json column), nil for SQL NULL.
type JSONText []byte

// MarshalJSON writes the JSON itself.
func (j JSONText) MarshalJSON() ([]byte, error) {
	if j == nil {
		return []byte("null"), nil
	}
	return j, nil
}

// Scan reads a json column as text.
func (j *JSONText) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*j = nil
	case string:
		*j = JSONText(v)
	case []byte:
		*j = append(JSONText(nil), v...)
	default:
		return fmt.Errorf("json text: cannot scan %T", src)
	}
	return nil
}

// Hash is a SHA-256 digest, shown in hex.
type Hash []byte

// MarshalJSON writes the digest in hex.
// A record not linked into the chain yet has none: null.
func (h Hash) MarshalJSON() ([]byte, error) {
	if h == nil {
		return []byte("null"), nil
	}
	return json.Marshal(hex.EncodeToString(h))
}

// UnmarshalJSON reads a digest written in hex (or null).
func (h *Hash) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == nil {
		*h = nil
		return nil
	}
	d, err := hex.DecodeString(*s)
	*h = d
	return err
}

// Value writes a bytea (a plain []byte argument would be spread into a list by GORM).
func (h Hash) Value() (driver.Value, error) {
	if h == nil {
		return nil, nil
	}
	return []byte(h), nil
}

// Scan reads a bytea.
func (h *Hash) Scan(src any) error {
	if src == nil {
		*h = nil
		return nil
	}
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("hash: cannot scan %T", src)
	}
	*h = append(Hash(nil), b...)
	return nil
}

// TableName is the audit table.
func (AuditRecord) TableName() string { return "audit_records" }

// auditLock lets one sequencer at a time link the chain (LinkAudit); writes never take it.
const auditLock = 7_411_001

var genesisHash = make(Hash, sha256.Size)

// audit appends one record to the trail inside tx, the transaction of the write it describes.
// before and after are summaries (nil when there is none), marshalled as JSON. The record is
// linked into the hash chain after commit, by LinkAudit, so writes do not queue behind each other.
func audit(tx *gorm.DB, actor Actor, action, objectType, objectID string, before, after any) error {
	b, err := summary(before)
	if err != nil {
		return err
	}
	a, err := summary(after)
	if err != nil {
		return err
	}
	// The time is the database's (audit_records_stamp), never the writer's.
	return tx.Exec(`INSERT INTO audit_records (actor_id, action, object_type, object_id, before, after)
		VALUES (?, ?, ?, ?, ?, ?)`, actor.UserID, action, objectType, objectID, nullJSON(b), nullJSON(a)).Error
}

// linkBatch is how many records one statement of LinkAudit links.
const linkBatch = 2000

// LinkAudit links every committed record that is not in the chain yet, oldest id first, and
// answers how many it linked: each gets the next chain_seq, the hash of the record before it
// and its own hash over both. One sequencer runs at a time (an advisory lock); the others wait
// and then find nothing left to link.
func (s *Store) LinkAudit(ctx context.Context) (int, error) {
	return s.linkAudit(ctx, true)
}

// LinkAuditIfFree is LinkAudit for the periodic job: when another sequencer is linking, it
// leaves the work to it at once instead of waiting (and holding a connection) for it.
func (s *Store) LinkAuditIfFree(ctx context.Context) (int, error) {
	return s.linkAudit(ctx, false)
}

func (s *Store) linkAudit(ctx context.Context, wait bool) (int, error) {
	linked := 0
	for {
		n, err := s.linkAuditBatch(ctx, wait)
		linked += n
		if err != nil || n < linkBatch {
			return linked, err
		}
	}
}

// lockAuditLog takes the sequencer's lock for the transaction: waiting for it, or (wait false)
// only if it is free at once; got says whether it was taken.
func lockAuditLog(tx *gorm.DB, wait bool) (got bool, err error) {
	if wait {
		return true, tx.Exec("SELECT pg_advisory_xact_lock(?)", auditLock).Error
	}
	err = tx.Raw("SELECT pg_try_advisory_xact_lock(?)", auditLock).Scan(&got).Error
	return got, err
}

// errSequencerBusy ends a batch whose sequencer found another one linking.
var errSequencerBusy = errors.New("another sequencer is linking")

func (s *Store) linkAuditBatch(ctx context.Context, wait bool) (int, error) {
	n := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if got, err := lockAuditLog(tx, wait); err != nil {
			return err
		} else if !got {
			return errSequencerBusy
		}
		// The database links them (audit_link, migration 00045): the portal's role may not
		// update audit records at all. It answers each new place in the chain with its hash.
		var linked []struct {
			Seq        int64
			RecordHash Hash
		}
		if err := tx.Raw(`SELECT seq, record_hash FROM audit_link(?) ORDER BY seq`, linkBatch).Scan(&linked).Error; err != nil || len(linked) == 0 {
			return err
		}
		first := linked[0].Seq - 1
		if err := s.catchUpTree(tx, first); err != nil {
			return err
		}
		chain := make([]Hash, len(linked))
		for i, l := range linked {
			chain[i] = l.RecordHash
		}
		n = len(linked)
		return s.growTree(tx, first, chain)
	})
	if errors.Is(err, errSequencerBusy) {
		return 0, nil
	}
	return n, err
}

func summary(v any) (JSONText, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

func nullJSON(b JSONText) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// computeHash is SHA-256 over the record's fields, length-prefixed so no two records share an encoding.
func (r *AuditRecord) computeHash() Hash {
	h := sha256.New()
	for _, part := range []string{
		strconv.FormatInt(r.ID, 10), r.At.UTC().Format(time.RFC3339Nano), r.ActorID, r.Action,
		r.ObjectType, r.ObjectID, string(r.Before), string(r.After), string(r.PrevHash),
	} {
		fmt.Fprintf(h, "%d:%s;", len(part), part)
	}
	return h.Sum(nil)
}

// AuditVerification is the result of walking the chain and checking the log's checkpoints.
type AuditVerification struct {
	Verified    bool   `json:"verified"`
	Records     int64  `json:"records"`
	FirstBroken *int64 `json:"first_broken"`
	// Problem says what is wrong at FirstBroken: "chain" (its content, link or place), "tree"
	// (the stored tree), "checkpoint_signature", "checkpoint_root" (a record before a signed
	// checkpoint was changed, removed or put in), "records_removed" (the log is shorter than a
	// checkpoint says), "backdated" (dated before the checkpoint that preceded its place).
	Problem string `json:"problem,omitempty"`
	// Checkpoints is how many signed checkpoints were checked.
	Checkpoints int `json:"checkpoints"`
}

// VerifyAudit links what is waiting (LinkAudit) and signs a checkpoint of the whole log, then
// walks the chain in its order and checks the log against every checkpoint (checkLog), naming
// the first record at fault.
func (s *Store) VerifyAudit(ctx context.Context) (AuditVerification, error) {
	var out AuditVerification
	if _, err := s.LinkAudit(ctx); err != nil {
		return out, err
	}
	if err := s.CheckpointAudit(ctx, true); err != nil {
		return out, err
	}
	// One snapshot for the chain, the tree and the checkpoints: the sequencer goes on linking
	// and signing meanwhile, and a tree or checkpoint newer than the chain read is no fault.
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		out, err = s.verifyAuditIn(ctx, tx)
		return err
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	return out, err
}

func (s *Store) verifyAuditIn(ctx context.Context, tx *gorm.DB) (AuditVerification, error) {
	const batch = 1000
	var out AuditVerification
	var chain []Hash
	var times []time.Time
	var ids []int64
	prev := genesisHash
	var after int64
	for {
		var recs []AuditRecord
		err := tx.Raw(`SELECT id, at, actor_id, action, object_type, object_id, before::text AS before,
			after::text AS after, chain_seq, prev_hash, hash FROM audit_records WHERE chain_seq > ? ORDER BY chain_seq LIMIT ?`,
			after, batch).Scan(&recs).Error
		if err != nil {
			return out, err
		}
		for i := range recs {
			r := &recs[i]
			out.Records++
			if *r.ChainSeq != after+1 || !bytes.Equal(r.PrevHash, prev) || !bytes.Equal(r.Hash, r.computeHash()) {
				id := r.ID
				out.FirstBroken, out.Problem = &id, "chain"
				return out, nil
			}
			prev = r.Hash
			after = *r.ChainSeq
			chain, times, ids = append(chain, r.Hash), append(times, r.At), append(ids, r.ID)
		}
		if len(recs) < batch {
			broken, problem, checkpoints, err := s.checkLog(tx, chain, times, ids)
			if err != nil {
				return out, err
			}
			out.FirstBroken, out.Problem, out.Checkpoints = broken, problem, checkpoints
			out.Verified = problem == ""
			return out, nil
		}
	}
}

// AuditPage lists audit records, newest first, after the cursor (an id).
func (s *Store) AuditPage(ctx context.Context, page Page) ([]AuditRecord, *string, error) {
	q := s.db.WithContext(ctx).Table("audit_records").Select(`id, at, actor_id, action, object_type, object_id,
		before::text AS before, after::text AS after, chain_seq, prev_hash, hash`).Order("id DESC").Limit(page.Limit + 1)
	if page.Cursor != "" {
		c, err := strconv.ParseInt(page.Cursor, 10, 64)
		if err != nil {
			return nil, nil, Invalid(FieldError{Field: "cursor", Rule: "cursor"})
		}
		q = q.Where("id < ?", c)
	}
	var recs []AuditRecord
	if err := q.Scan(&recs).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(recs, page.Limit, func(r AuditRecord) string { return strconv.FormatInt(r.ID, 10) })
}
