package models

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// Message is one message in the conversation on a workflow record (complaint, claim, case, ...).
type Message struct {
	ID        string    `json:"id"`
	Kind      string    `json:"-"`
	RecordID  string    `json:"-"`
	AuthorID  string    `json:"author_id"`
	Relation  string    `json:"relation"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName is the messages table.
func (Message) TableName() string { return "messages" }

// NewMessage is what a user posts.
type NewMessage struct {
	Body string `json:"body" validate:"required,max=5000"`
}

// Validate checks a message's body.
func (in *NewMessage) Validate() error {
	in.Body = strings.TrimSpace(in.Body)
	return Validate(in)
}

// Attachment says where a message or an evidence file goes and how: the record, the author's
// relation to it, its current status (the timeline step neither moves it) and whom to tell.
type Attachment struct {
	Kind     string
	RecordID string
	Actor    Actor
	Relation string
	Status   string
	Notify   []Recipient
}

// excerptRunes bounds how much of a message the timeline and the audit trail repeat.
const excerptRunes = 140

// AddMessage stores a message in one statement with its timeline step ("message", the status
// unchanged), its audit record and the notices.
func (s *Store) AddMessage(ctx context.Context, at Attachment, body string) (*Message, error) {
	m := &Message{ID: newID(), Kind: at.Kind, RecordID: at.RecordID, AuthorID: at.Actor.UserID,
		Relation: at.Relation, Body: body, CreatedAt: s.stamp()}
	err := s.attach(ctx, at, "message", "messages", []string{"id", "kind", "record_id", "author_id", "relation", "body", "created_at"},
		[]any{m.ID, m.Kind, m.RecordID, m.AuthorID, m.Relation, m.Body, m.CreatedAt},
		map[string]any{"id": m.ID, "excerpt": excerpt(body, excerptRunes)})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// attach writes what a message or an upload adds to a record, in one statement: its own row
// (into table), the timeline step (action, the status unchanged), the notices and the audit
// record, both with summary. A record gone meanwhile is ENOTFOUND and nothing is written.
func (s *Store) attach(ctx context.Context, at Attachment, action, table string, columns []string, values []any, summary any) error {
	if workflowTables[at.Kind] == "" {
		return fmt.Errorf("no workflow table %q", at.Kind)
	}
	var q strings.Builder
	q.WriteString("WITH rec AS (SELECT id FROM " + pgx.Identifier{at.Kind}.Sanitize() + " WHERE id = ?),\nadded AS (INSERT INTO " +
		pgx.Identifier{table}.Sanitize() + " (" + strings.Join(columns, ", ") + ") SELECT " +
		strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + " FROM rec)")
	query, args, err := stepSQL(&q, append([]any{at.RecordID}, values...), stepWrite{Kind: at.Kind, Action: action,
		Relation: at.Relation, From: at.Status, To: at.Status, Actor: at.Actor, At: s.Now(), Payload: summary,
		Notify: at.Notify, AuditAfter: summary})
	if err != nil {
		return err
	}
	res := s.db.WithContext(ctx).Exec(query, args...)
	if res.Error == nil && res.RowsAffected == 0 {
		return Errorf(ENOTFOUND, "not_found")
	}
	return res.Error
}

// Messages pages through a record's messages, oldest first.
func (s *Store) Messages(ctx context.Context, kind, recordID string, page Page) ([]Message, *string, error) {
	q := s.db.WithContext(ctx).Where("kind = ? AND record_id = ?", kind, recordID).Order("id").Limit(page.Limit + 1)
	if page.Cursor != "" {
		q = q.Where("id > ?", page.Cursor)
	}
	var out []Message
	if err := q.Find(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(m Message) string { return m.ID })
}

// excerpt cuts s to at most n runes, marking the cut.
func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
