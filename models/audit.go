package models

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
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

// AuditRecord is one entry of the append-only audit trail. Each hashes its own content
// and the hash of the record before it, so any change to an earlier record breaks the chain.
type AuditRecord struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    string    `json:"actor_id"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Before     JSONText  `json:"before"`
	After      JSONText  `json:"after"`
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
func (h Hash) MarshalJSON() ([]byte, error) { return json.Marshal(hex.EncodeToString(h)) }

// Value writes a bytea (a plain []byte argument would be spread into a list by GORM).
func (h Hash) Value() (driver.Value, error) { return []byte(h), nil }

// Scan reads a bytea.
func (h *Hash) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("hash: cannot scan %T", src)
	}
	*h = append(Hash(nil), b...)
	return nil
}

// TableName is the audit table.
func (AuditRecord) TableName() string { return "audit_records" }

// auditLock serialises appends so that each record sees its predecessor's hash.
const auditLock = 7_411_001

var genesisHash = make(Hash, sha256.Size)

// audit appends one record to the trail inside tx, the transaction of the write it describes.
// before and after are summaries (nil when there is none), marshalled as JSON.
func audit(tx *gorm.DB, actor Actor, action, objectType, objectID string, before, after any) error {
	if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", auditLock).Error; err != nil {
		return err
	}
	rec := AuditRecord{
		At: time.Now().UTC().Truncate(time.Microsecond), ActorID: actor.UserID,
		Action: action, ObjectType: objectType, ObjectID: objectID,
	}
	var err error
	if rec.Before, err = summary(before); err != nil {
		return err
	}
	if rec.After, err = summary(after); err != nil {
		return err
	}
	var last struct{ Hash Hash }
	res := tx.Raw("SELECT hash FROM audit_records ORDER BY id DESC LIMIT 1").Scan(&last)
	if res.Error != nil {
		return res.Error
	}
	rec.PrevHash = genesisHash
	if res.RowsAffected == 1 {
		rec.PrevHash = last.Hash
	}
	if err := tx.Raw("SELECT nextval('audit_records_id_seq')").Scan(&rec.ID).Error; err != nil {
		return err
	}
	rec.Hash = rec.computeHash()
	return tx.Exec(`INSERT INTO audit_records (id, at, actor_id, action, object_type, object_id, before, after, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		rec.ID, rec.At, rec.ActorID, rec.Action, rec.ObjectType, rec.ObjectID,
		nullJSON(rec.Before), nullJSON(rec.After), rec.PrevHash, rec.Hash).Error
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

// AuditVerification is the result of walking the chain.
type AuditVerification struct {
	Verified    bool   `json:"verified"`
	Records     int64  `json:"records"`
	FirstBroken *int64 `json:"first_broken"`
}

// VerifyAudit walks the whole chain, oldest first, and names the first record whose content
// or link no longer matches its hash.
func (s *Store) VerifyAudit(ctx context.Context) (AuditVerification, error) {
	const batch = 1000
	var out AuditVerification
	prev := genesisHash
	var after int64
	for {
		var recs []AuditRecord
		err := s.db.WithContext(ctx).Raw(`SELECT id, at, actor_id, action, object_type, object_id, before::text AS before,
			after::text AS after, prev_hash, hash FROM audit_records WHERE id > ? ORDER BY id LIMIT ?`, after, batch).Scan(&recs).Error
		if err != nil {
			return out, err
		}
		for i := range recs {
			r := &recs[i]
			out.Records++
			if !bytes.Equal(r.PrevHash, prev) || !bytes.Equal(r.Hash, r.computeHash()) {
				id := r.ID
				out.FirstBroken = &id
				return out, nil
			}
			prev = r.Hash
			after = r.ID
		}
		if len(recs) < batch {
			out.Verified = true
			return out, nil
		}
	}
}

// AuditPage lists audit records, newest first, after the cursor (an id).
func (s *Store) AuditPage(ctx context.Context, page Page) ([]AuditRecord, *string, error) {
	q := s.db.WithContext(ctx).Table("audit_records").Select(`id, at, actor_id, action, object_type, object_id,
		before::text AS before, after::text AS after, prev_hash, hash`).Order("id DESC").Limit(page.Limit + 1)
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
