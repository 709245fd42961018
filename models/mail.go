package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// Notices by e-mail (docs/notices.md). Every notice a step writes gets a River job in the
// step's own statement (noticeMailJobsSQL), so the job commits or rolls back with the step and
// the mail can only go after the commit; the workflows' NoticeMailWorker works it.

// NoticeMailJob is the River job that e-mails one notice.
type NoticeMailJob struct {
	NotificationID int64 `json:"notification_id"`
}

// Kind names the job in River's table.
func (NoticeMailJob) Kind() string { return "notice_mail" }

// NoticeMailQueue is the River queue of the notice mails: a mail server that is slow or away
// holds its workers only, never those of deadlines (workflows/jobs.go).
const NoticeMailQueue = "mail"

// NoticeMailAttempts is how often a notice's mail is tried. With the mail worker's back-off
// (workflows/mail.go) the last try is about ten hours after the first: past that, the notice
// stays in the portal only.
const NoticeMailAttempts = 20

// noticeMailJobsSQL adds to a step's statement one notice_mail job for each notice the CTE
// notices wrote (it returns their ids). Written as River's client writes a job by default
// (priority 1, available now), on the mail queue.
func noticeMailJobsSQL(q *strings.Builder) {
	q.WriteString(`,
mail_jobs AS (INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, metadata, tags)
	SELECT jsonb_build_object('notification_id', id), 'notice_mail', ` + strconv.Itoa(NoticeMailAttempts) + `, 1, '` +
		NoticeMailQueue + `', 'available', now(), '{}', '{}' FROM notices)`)
}

// Notice is one notification as its e-mail tells it: whom it is for, the record and what happened.
type Notice struct {
	ID            int64
	RecipientType string // "user", "party", "jurisdiction" or "role"
	RecipientID   string
	Kind          string // the workflow, also the record's table: "complaints"
	RecordID      string
	Number        string // the record's number: "CP-2026-000001"
	Event         string // the action taken: "file", "respond", ...
}

// Notice loads a notification with its record's number; none is ENOTFOUND.
func (s *Store) Notice(ctx context.Context, id int64) (*Notice, error) {
	var n Notice
	res := s.db.WithContext(ctx).Raw(`SELECT id, recipient_type, recipient_id, kind, record_id, event
		FROM notifications WHERE id = ?`, id).Scan(&n)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	if workflowTables[n.Kind] == "" {
		return nil, fmt.Errorf("notice %d: no workflow %q", id, n.Kind)
	}
	err := s.db.WithContext(ctx).Raw("SELECT number FROM "+pgx.Identifier{n.Kind}.Sanitize()+" WHERE id = ?",
		n.RecordID).Scan(&n.Number).Error
	return &n, err
}

// NoticeReaders are the users a notice reaches who take their notices by e-mail, counted as
// NotificationsFor counts them: the user named, the merchants and platform operators of the
// party, the inspectors of the jurisdiction, the holders of the role. Whether each may read the
// record now is the live policy's to say: the caller asks it.
func (s *Store) NoticeReaders(ctx context.Context, n *Notice) ([]User, error) {
	q := s.db.WithContext(ctx).Where("email_notices").Order("id")
	switch n.RecipientType {
	case "user":
		q = q.Where("id = ?", n.RecipientID)
	case "party":
		q = q.Where("party_id = ? AND (? = ANY(roles) OR ? = ANY(roles))", n.RecipientID, RoleMerchant, RolePlatform)
	case "jurisdiction":
		q = q.Where("jurisdiction = ? AND ? = ANY(roles)", n.RecipientID, RoleInspector)
	case "role":
		q = q.Where("? = ANY(roles)", n.RecipientID)
	default:
		return nil, fmt.Errorf("notice %d: no recipient type %q", n.ID, n.RecipientType)
	}
	var out []User
	return out, q.Find(&out).Error
}

// NoticeMailed is the set of addresses (lower case) a notice's mail already went to.
func (s *Store) NoticeMailed(ctx context.Context, notificationID int64) (map[string]bool, error) {
	var addresses []string
	err := s.db.WithContext(ctx).Raw(`SELECT address FROM notice_mails WHERE notification_id = ?`, notificationID).
		Scan(&addresses).Error
	out := make(map[string]bool, len(addresses))
	for _, a := range addresses {
		out[a] = true
	}
	return out, err
}

// RecordNoticeMailed notes that a notice's mail went to an address; noting it again changes nothing.
func (s *Store) RecordNoticeMailed(ctx context.Context, notificationID int64, address string) error {
	return s.db.WithContext(ctx).Exec(`INSERT INTO notice_mails (notification_id, address, sent_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, notificationID, strings.ToLower(address), s.stamp()).Error
}

// AccountSettings is what a user changes of their own account by PATCH /me: for now, whether
// their notices also come by e-mail.
type AccountSettings struct {
	EmailNotices *bool `json:"email_notices" validate:"required"`
}

// UpdateAccount applies a user's settings to their account, with its audit record, and answers
// the account as it now stands.
func (s *Store) UpdateAccount(ctx context.Context, actor Actor, userID string, in AccountSettings) (*User, error) {
	if err := Validate(in); err != nil {
		return nil, err
	}
	on := *in.EmailNotices
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before []bool
		if err := tx.Raw(`SELECT email_notices FROM users WHERE id = ? FOR UPDATE`, userID).Scan(&before).Error; err != nil {
			return err
		}
		if len(before) == 0 {
			return Errorf(ENOTFOUND, "not_found")
		}
		if err := tx.Exec(`UPDATE users SET email_notices = ?, updated_at = ? WHERE id = ?`, on, s.stamp(), userID).Error; err != nil {
			return err
		}
		return audit(tx, actor, "user.email_notices", "user", userID,
			map[string]any{"email_notices": before[0]}, map[string]any{"email_notices": on})
	})
	if err != nil {
		return nil, err
	}
	return s.UserByID(ctx, userID)
}

// PartyContact is the address a party's notices also go to (beside its staff's own), which only
// administrators see; Email is nil when the party has none.
type PartyContact struct {
	PartyID string  `json:"party_id"`
	Email   *string `json:"contact_email" validate:"omitempty,email,max=254"`
}

// PartyContactOf loads a party's contact address; an unknown party is ENOTFOUND.
func (s *Store) PartyContactOf(ctx context.Context, partyID string) (*PartyContact, error) {
	var rows []PartyContact
	err := s.db.WithContext(ctx).Raw(`SELECT id AS party_id, contact_email AS email FROM parties WHERE id = ?`, partyID).
		Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return &rows[0], nil
}

// SetPartyContact sets (or, empty, removes) the contact address of a party, with its audit record.
func (s *Store) SetPartyContact(ctx context.Context, actor Actor, c PartyContact) (*PartyContact, error) {
	optionalID(&c.Email)
	if err := Validate(c); err != nil {
		return nil, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before []PartyContact
		err := tx.Raw(`SELECT id AS party_id, contact_email AS email FROM parties WHERE id = ? FOR UPDATE`, c.PartyID).
			Scan(&before).Error
		if err != nil {
			return err
		}
		if len(before) == 0 {
			return Errorf(ENOTFOUND, "not_found")
		}
		if err := tx.Exec(`UPDATE parties SET contact_email = ?, updated_at = ? WHERE id = ?`, c.Email, s.stamp(), c.PartyID).Error; err != nil {
			return err
		}
		return audit(tx, actor, "party.contact", "party", c.PartyID,
			map[string]any{"contact_email": before[0].Email}, map[string]any{"contact_email": c.Email})
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}
