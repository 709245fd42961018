package models

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// WorkflowState is what every workflow record (complaint, claim, case, investigation, measure)
// carries beside its own fields: where it stands, its version for optimistic locking, the
// jurisdiction that handles it, its running deadlines and, when paused, since when.
type WorkflowState struct {
	Status       string     `json:"status"`
	Version      int        `json:"version"`
	Jurisdiction string     `json:"jurisdiction"`
	Deadlines    Deadlines  `json:"deadlines" gorm:"type:jsonb"`
	PausedAt     *time.Time `json:"paused_at,omitempty"`
}

// Deadlines maps a deadline's name ("respond_by") to when it falls.
type Deadlines map[string]time.Time

// Value writes the deadlines as a JSON object.
func (d Deadlines) Value() (driver.Value, error) {
	if d == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]time.Time(d))
	return string(b), err
}

// Scan reads a jsonb object.
func (d *Deadlines) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("deadlines: cannot scan %T", src)
	}
	m := map[string]time.Time{}
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*d = m
	return nil
}

// WorkflowEvent is one step of a record's timeline.
type WorkflowEvent struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"-"`
	RecordID  string    `json:"-"`
	Action    string    `json:"action"`
	ActorID   string    `json:"actor_id"`
	Relation  string    `json:"relation"`
	FromState string    `json:"from"`
	ToState   string    `json:"to"`
	Payload   JSONText  `json:"payload"`
	At        time.Time `json:"at"`
}

// Recipient is who a notification is for: a user, the staff of a party, the inspectors of a
// jurisdiction, or everyone holding a role.
type Recipient struct {
	Type string // "user", "party", "jurisdiction" or "role"
	ID   string
}

// Transition is one applied action, written by ApplyTransition in a single transaction.
type Transition struct {
	Kind     string // the workflow, also the table: "complaints"
	RecordID string
	Actor    Actor
	Relation string
	Action   string
	From     string
	To       string
	// Version is the version the decision was made on; a record changed since is a conflict.
	Version   int
	Deadlines Deadlines
	// Schedule are the deadlines of Deadlines that are new or moved: each gets its job.
	Schedule Deadlines
	// At is when the step is taken (the portal's clock): the record's updated_at, the timeline's time.
	At time.Time
	// Pause sets paused_at to At, Resume clears it.
	Pause, Resume bool
	// Fields are the record's own columns the action sets (an offer, an outcome).
	Fields  map[string]any
	Payload any
	Notify  []Recipient
}

// workflowTables are the tables transitions may write (Kind is checked against it), each with
// its records' object kind in the policy.
var workflowTables = map[string]string{"complaints": "complaint", "cases": "case", "claims": "claim",
	"measures": "measure", "investigations": "investigation"}

// tableOf is the table of a workflow's object kind.
func tableOf(object string) string {
	for table, o := range workflowTables {
		if o == object {
			return table
		}
	}
	panic("models: no workflow table of " + object)
}

// Within is the store writing through a transaction in progress: what it writes commits or
// rolls back with tx, and its own transactions become savepoints (a claim escalated into a complaint).
func (s *Store) Within(tx *gorm.DB) *Store {
	return &Store{db: tx, pool: s.pool, sqlDB: s.sqlDB, credentials: s.credentials, clock: s.clock, auditKey: s.auditKey}
}

// ApplyTransition writes an action in one statement (transitionSQL): the record's new state,
// only if its version is still the one the decision was made on (else ECONFLICT and nothing is
// written), its timeline entry, its notifications, its deadlines' jobs and its audit record. The
// record as it now stands is scanned into row, a pointer to its model. When after is set (credit
// records, a linked record filed), the statement and after run in one transaction, after
// writing through the store it is given, and row is read again after it.
func (s *Store) ApplyTransition(ctx context.Context, t Transition, row any, after func(st *Store) error) error {
	if workflowTables[t.Kind] == "" {
		return fmt.Errorf("no workflow table %q", t.Kind)
	}
	query, args, err := transitionSQL(t)
	if err != nil {
		return err
	}
	write := func(tx *gorm.DB) error {
		res := tx.Raw(query, args...).Scan(row)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ECONFLICT, "stale_state")
		}
		if after == nil {
			return nil
		}
		if err := after(s.Within(tx)); err != nil {
			return err
		}
		// after may have changed the record too (a claim linked to the complaint it became).
		return tx.Table(t.Kind).Where("id = ?", t.RecordID).Take(row).Error
	}
	db := s.db.WithContext(ctx)
	if after == nil {
		return write(db) // one statement is its own transaction
	}
	return db.Transaction(write)
}

// Timeline pages through a record's steps, oldest first.
func (s *Store) Timeline(ctx context.Context, kind, id string, page Page) ([]WorkflowEvent, *string, error) {
	after := int64(0)
	if page.Cursor != "" {
		var err error
		if after, err = strconv.ParseInt(page.Cursor, 10, 64); err != nil {
			return nil, nil, Invalid(FieldError{Field: "cursor", Rule: "cursor"})
		}
	}
	var events []WorkflowEvent
	err := s.db.WithContext(ctx).Raw(`SELECT id, kind, record_id, action, actor_id, relation, from_state, to_state,
		payload::text AS payload, at FROM workflow_events WHERE kind = ? AND record_id = ? AND id > ? ORDER BY id LIMIT ?`,
		kind, id, after, page.Limit+1).Scan(&events).Error
	if err != nil {
		return nil, nil, err
	}
	return pageOf(events, page.Limit, func(e WorkflowEvent) string { return strconv.FormatInt(e.ID, 10) })
}

// Notification is a notice that a record needs the recipient's attention.
type Notification struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	RecordID  string    `json:"record_id"`
	Event     string    `json:"event"`
	CreatedAt time.Time `json:"created_at"`
}

// NotificationsFor pages through the notices for a user, newest first: those addressed to them,
// their party's, their jurisdiction's when they are an inspector and their roles', of records
// the user may read now (reads, from the live policy: Policy.Reads).
func (s *Store) NotificationsFor(ctx context.Context, u *User, reads []Access, page Page) ([]Notification, *string, error) {
	q := s.db.WithContext(ctx).Table("notifications").Order("id DESC").Limit(page.Limit + 1)
	cond := s.db.Where("recipient_type = 'user' AND recipient_id = ?", u.ID)
	if u.PartyID != nil && (u.Roles.Has(RoleMerchant) || u.Roles.Has(RolePlatform)) {
		cond = cond.Or("recipient_type = 'party' AND recipient_id = ?", *u.PartyID)
	}
	if u.Jurisdiction != nil && u.Roles.Has(RoleInspector) {
		cond = cond.Or("recipient_type = 'jurisdiction' AND recipient_id = ?", *u.Jurisdiction)
	}
	cond = cond.Or("recipient_type = 'role' AND recipient_id IN ?", []string(u.Roles))
	q = q.Where(cond)
	var args sqlArgs
	readable := []string{"notifications.kind NOT IN " + args.gorm(slices.Collect(maps.Keys(workflowTables)))}
	for _, a := range reads {
		table := tableOf(a.Object)
		readable = append(readable, "(notifications.kind = "+args.gorm(table)+" AND EXISTS (SELECT 1 FROM "+table+
			" WHERE "+table+".id = notifications.record_id AND "+a.where(args.gorm)+"))")
	}
	q = q.Where("("+strings.Join(readable, " OR ")+")", args...)
	if page.Cursor != "" {
		c, err := strconv.ParseInt(page.Cursor, 10, 64)
		if err != nil {
			return nil, nil, Invalid(FieldError{Field: "cursor", Rule: "cursor"})
		}
		q = q.Where("id < ?", c)
	}
	var out []Notification
	if err := q.Scan(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(n Notification) string { return strconv.FormatInt(n.ID, 10) })
}
