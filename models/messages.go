package models

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
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

// AddMessage stores a message with its timeline step ("message", the status unchanged), its
// audit record and the notices, in one transaction.
func (s *Store) AddMessage(ctx context.Context, at Attachment, body string) (*Message, error) {
	m := &Message{ID: newID(), Kind: at.Kind, RecordID: at.RecordID, AuthorID: at.Actor.UserID,
		Relation: at.Relation, Body: body, CreatedAt: s.stamp()}
	summary := map[string]any{"id": m.ID, "excerpt": excerpt(body, excerptRunes)}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(m).Error; err != nil {
			return err
		}
		return attachStep(tx, at, "message", summary)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// attachStep writes what every message and upload adds beside its own row.
func attachStep(tx *gorm.DB, at Attachment, action string, summary map[string]any) error {
	if err := recordStep(tx, at.Kind, at.RecordID, at.Actor, at.Relation, action, at.Status, at.Status, summary, at.Notify); err != nil {
		return err
	}
	return audit(tx, at.Actor, at.Kind+"."+action, at.Kind, at.RecordID, nil, summary)
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
