package models

import (
	"context"
	"strings"
	"time"

	"github.com/hzcbec/portal/models/creditscore"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The negative list (失信名单, Art. 20, 31): parties enter it by rule or by an inspector's
// decision, and leave it when an admin grants their appeal. Every step is audited and public.

// Rules that put a party on the negative list, checked whenever its credit record grows.
const (
	// Two ignored awards or measures within a year.
	repeatedNonComplianceCount  = 2
	repeatedNonComplianceWindow = 365 * 24 * time.Hour
	// A score that has fallen below this.
	negativeListScore = 40
)

// NegativeListEntry is one stay of a party on the negative list.
type NegativeListEntry struct {
	ID         string     `json:"id"`
	PartyID    string     `json:"party_id"`
	PartyName  string     `json:"party_name" gorm:"->"`
	Basis      string     `json:"basis"`
	Reason     string     `json:"reason"`
	EnteredBy  string     `json:"-"`
	EnteredAt  time.Time  `json:"entered_at"`
	ExitedAt   *time.Time `json:"exited_at"`
	ExitReason *string    `json:"exit_reason"`
	// ConfirmedAt is when the zone office confirmed a stay a rule proposed (an inspector's
	// decision is confirmed as made); nil while proposed: only confirmed stays are public.
	ConfirmedAt *time.Time `json:"confirmed_at"`
	ConfirmedBy *string    `json:"-"`
}

// Confirmed says the stay is public.
func (e *NegativeListEntry) Confirmed() bool { return e.ConfirmedAt != nil }

// TableName is the entries table.
func (NegativeListEntry) TableName() string { return "negative_list_entries" }

// applyNegativeListRules puts a party on the list when a rule now holds, in the transaction
// that added its latest credit record.
func applyNegativeListRules(tx *gorm.DB, partyID string) error {
	// One party's records are weighed one transaction at a time: a concurrent writer waits here
	// for the first to commit, then finds its entry instead of adding a second.
	if err := tx.Exec(`SELECT 1 FROM parties WHERE id = ? FOR NO KEY UPDATE`, partyID).Error; err != nil {
		return err
	}
	var listed bool
	if err := tx.Raw(`SELECT EXISTS (SELECT 1 FROM negative_list_entries WHERE party_id = ? AND exited_at IS NULL)`, partyID).
		Scan(&listed).Error; err != nil || listed {
		return err
	}
	var repeated int64
	if err := tx.Raw(`SELECT count(*) FROM credit_records WHERE party_id = ? AND reason IN ('award_non_compliance', 'measure_ignored')
		AND at > ?`, partyID, tx.NowFunc().Add(-repeatedNonComplianceWindow)).Scan(&repeated).Error; err != nil {
		return err
	}
	if repeated >= repeatedNonComplianceCount {
		return enterNegativeList(tx, SystemActor, partyID, "repeated_non_compliance", "two or more awards or measures ignored within a year")
	}
	var records []CreditRecord
	if err := tx.Where("party_id = ?", partyID).Find(&records).Error; err != nil {
		return err
	}
	if score := creditscore.Compute(creditMarks(records), tx.NowFunc()); score.Score < negativeListScore {
		return enterNegativeList(tx, SystemActor, partyID, "low_score", "credit score below 40")
	}
	return nil
}

func enterNegativeList(tx *gorm.DB, actor Actor, partyID, basis, reason string) error {
	e := NegativeListEntry{ID: newID(), PartyID: partyID, Basis: basis, Reason: reason, EnteredBy: actor.UserID, EnteredAt: tx.NowFunc()}
	if basis == "decision" { // an officer's decision; a rule only proposes (ConfirmListing)
		e.ConfirmedAt, e.ConfirmedBy = &e.EnteredAt, &actor.UserID
	}
	if err := tx.Omit("PartyName", "ExitedAt", "ExitReason").Create(&e).Error; err != nil {
		if isUniqueViolation(err) {
			return Errorf(ECONFLICT, "already_listed")
		}
		return err
	}
	return audit(tx, actor, "negative_list.enter", "party", partyID, nil, map[string]any{"entry_id": e.ID, "basis": basis, "reason": reason})
}

// ListParty puts a party on the negative list by the decision of an inspector of jurisdiction
// (MayActOnParty).
func (s *Store) ListParty(ctx context.Context, actor Actor, jurisdiction *string, partyID, reason string) (*NegativeListEntry, error) {
	reason = strings.TrimSpace(reason)
	var fields []FieldError
	if partyID == "" {
		fields = append(fields, FieldError{Field: "party_id", Rule: "required"})
	}
	if reason == "" || len(reason) > 5000 {
		fields = append(fields, FieldError{Field: "reason", Rule: "required"})
	}
	if len(fields) > 0 {
		return nil, Invalid(fields...)
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := allExist(tx, "parties", []string{partyID}, "party_id"); err != nil {
			return err
		}
		if err := mayActOnParty(tx, partyID, jurisdiction); err != nil {
			return err
		}
		// A stay a rule proposed becomes the inspector's decision (and public) instead of
		// standing in its way.
		res := tx.Exec(`UPDATE negative_list_entries SET basis = 'decision', reason = ?, entered_by = ?, confirmed_at = ?, confirmed_by = ?
			WHERE party_id = ? AND exited_at IS NULL AND confirmed_at IS NULL`, reason, actor.UserID, tx.NowFunc(), actor.UserID, partyID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			return audit(tx, actor, "negative_list.enter", "party", partyID, nil, map[string]any{"basis": "decision", "reason": reason,
				"confirms": "proposal"})
		}
		return enterNegativeList(tx, actor, partyID, "decision", reason)
	})
	if err != nil {
		return nil, err
	}
	return s.ActiveNegativeListEntry(ctx, partyID)
}

// ConfirmListing decides a stay a rule proposed: confirmed, it becomes public; dismissed, it
// ends with the reason. The row is locked: of two admins deciding at once, the second finds it
// decided (ECONFLICT).
func (s *Store) ConfirmListing(ctx context.Context, actor Actor, entryID string, confirm bool, reason string) (*NegativeListEntry, error) {
	reason = strings.TrimSpace(reason)
	if !confirm && reason == "" || len(reason) > 5000 {
		return nil, Invalid(FieldError{Field: "reason", Rule: "required"})
	}
	var e NegativeListEntry
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", entryID).Limit(1).Find(&e)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ENOTFOUND, "not_found")
		}
		if e.ExitedAt != nil || e.Confirmed() {
			return Errorf(ECONFLICT, "already_decided")
		}
		now := tx.NowFunc()
		action, update := "negative_list.confirm", tx.Exec(`UPDATE negative_list_entries SET confirmed_at = ?, confirmed_by = ? WHERE id = ?`,
			now, actor.UserID, entryID)
		if !confirm {
			action, update = "negative_list.dismiss", tx.Exec(`UPDATE negative_list_entries SET exited_at = ?, exit_reason = ? WHERE id = ?`,
				now, "proposal dismissed: "+reason, entryID)
		}
		if update.Error != nil {
			return update.Error
		}
		if confirm {
			e.ConfirmedAt, e.ConfirmedBy = &now, &actor.UserID
		} else {
			e.ExitedAt = &now
		}
		return audit(tx, actor, action, "party", e.PartyID, nil, map[string]any{"entry_id": entryID, "basis": e.Basis, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// ActiveNegativeListEntry is the party's current stay on the list (confirmed or proposed), or ENOTFOUND.
func (s *Store) ActiveNegativeListEntry(ctx context.Context, partyID string) (*NegativeListEntry, error) {
	var e NegativeListEntry
	res := s.db.WithContext(ctx).Raw(`SELECT e.*, p.name AS party_name FROM negative_list_entries e JOIN parties p ON p.id = e.party_id
		WHERE e.party_id = ? AND e.exited_at IS NULL`, partyID).Scan(&e)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return &e, nil
}

// NegativeList pages through the parties on the list now (confirmed stays), newest first; q
// searches their names. proposed lists the stays rules proposed instead, for the zone office.
func (s *Store) NegativeList(ctx context.Context, q string, proposed bool, page Page) ([]NegativeListEntry, *string, error) {
	sql := `SELECT e.*, p.name AS party_name FROM negative_list_entries e JOIN parties p ON p.id = e.party_id
		WHERE e.exited_at IS NULL AND (e.confirmed_at IS NULL) = ?`
	args := []any{proposed}
	if q = strings.TrimSpace(q); q != "" {
		sql += ` AND (p.name ILIKE ? OR p.name_en ILIKE ? OR p.registration_code = ?)`
		like := "%" + strings.NewReplacer("%", `\%`, "_", `\_`).Replace(q) + "%"
		args = append(args, like, like, q)
	}
	if page.Cursor != "" {
		sql += ` AND e.id < ?`
		args = append(args, page.Cursor)
	}
	sql += ` ORDER BY e.id DESC LIMIT ?`
	args = append(args, page.Limit+1)
	var out []NegativeListEntry
	if err := s.db.WithContext(ctx).Raw(sql, args...).Scan(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(e NegativeListEntry) string { return e.ID })
}

// Appeal is a listed party's request to leave the negative list, decided by an admin.
type Appeal struct {
	ID             string     `json:"id"`
	EntryID        string     `json:"entry_id"`
	Grounds        string     `json:"grounds"`
	FiledBy        string     `json:"filed_by"`
	FiledAt        time.Time  `json:"filed_at"`
	Decision       *string    `json:"decision"`
	DecisionReason *string    `json:"decision_reason"`
	DecidedBy      *string    `json:"decided_by"`
	DecidedAt      *time.Time `json:"decided_at"`
}

// TableName is the appeals table.
func (Appeal) TableName() string { return "negative_list_appeals" }

// FileAppeal lets staff of a listed party appeal its current entry; one open appeal at a time.
func (s *Store) FileAppeal(ctx context.Context, actor Actor, u *User, entryID, grounds string) (*Appeal, error) {
	grounds = strings.TrimSpace(grounds)
	if grounds == "" || len(grounds) > 5000 {
		return nil, Invalid(FieldError{Field: "grounds", Rule: "required"})
	}
	a := &Appeal{ID: newID(), EntryID: entryID, Grounds: grounds, FiledBy: actor.UserID}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var e NegativeListEntry
		res := tx.Where("id = ? AND exited_at IS NULL", entryID).Limit(1).Find(&e)
		if res.Error != nil {
			return res.Error
		}
		// Only the party's own staff may appeal; to anyone else the entry is not theirs to see here.
		if res.RowsAffected == 0 || u.PartyID == nil || *u.PartyID != e.PartyID {
			return Errorf(ENOTFOUND, "not_found")
		}
		if err := tx.Omit("FiledAt", "Decision", "DecisionReason", "DecidedBy", "DecidedAt").Create(a).Error; err != nil {
			if isUniqueViolation(err) {
				return Errorf(ECONFLICT, "appeal_pending")
			}
			return err
		}
		return audit(tx, actor, "negative_list.appeal", "party", e.PartyID, nil, map[string]any{"appeal_id": a.ID, "entry_id": entryID})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// OpenAppeal is an appeal waiting for a decision, with the entry and party it is about.
type OpenAppeal struct {
	Appeal
	PartyID     string `json:"party_id"`
	PartyName   string `json:"party_name"`
	EntryReason string `json:"entry_reason"`
}

// OpenAppeals lists the appeals waiting for a decision, oldest first (at most 100).
func (s *Store) OpenAppeals(ctx context.Context) ([]OpenAppeal, error) {
	var out []OpenAppeal
	err := s.db.WithContext(ctx).Raw(`SELECT a.*, e.party_id, p.name AS party_name, e.reason AS entry_reason
		FROM negative_list_appeals a JOIN negative_list_entries e ON e.id = a.entry_id JOIN parties p ON p.id = e.party_id
		WHERE a.decision IS NULL ORDER BY a.filed_at, a.id LIMIT 100`).Scan(&out).Error
	return out, err
}

// DecideAppeal grants (the party leaves the list) or denies an open appeal.
func (s *Store) DecideAppeal(ctx context.Context, actor Actor, appealID, decision, reason string) (*Appeal, error) {
	reason = strings.TrimSpace(reason)
	var fields []FieldError
	if decision != "granted" && decision != "denied" {
		fields = append(fields, FieldError{Field: "decision", Rule: "oneof", Param: "granted denied"})
	}
	if reason == "" {
		fields = append(fields, FieldError{Field: "reason", Rule: "required"})
	}
	if len(fields) > 0 {
		return nil, Invalid(fields...)
	}
	var a Appeal
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The row is locked: of two admins deciding at once, the second finds it decided.
		res := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", appealID).Limit(1).Find(&a)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ENOTFOUND, "not_found")
		}
		if a.Decision != nil {
			return Errorf(ECONFLICT, "already_decided")
		}
		if err := tx.Exec(`UPDATE negative_list_appeals SET decision = ?, decision_reason = ?, decided_by = ?, decided_at = ?
			WHERE id = ?`, decision, reason, actor.UserID, tx.NowFunc(), appealID).Error; err != nil {
			return err
		}
		var partyID string
		if err := tx.Raw(`SELECT party_id FROM negative_list_entries WHERE id = ?`, a.EntryID).Scan(&partyID).Error; err != nil {
			return err
		}
		if decision == "granted" {
			if err := tx.Exec(`UPDATE negative_list_entries SET exited_at = ?, exit_reason = ? WHERE id = ?`,
				tx.NowFunc(), "appeal granted: "+reason, a.EntryID).Error; err != nil {
				return err
			}
		}
		return audit(tx, actor, "negative_list.appeal_"+decision, "party", partyID, nil,
			map[string]any{"appeal_id": appealID, "entry_id": a.EntryID, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	res := s.db.WithContext(ctx).Where("id = ?", appealID).Limit(1).Find(&a)
	return &a, res.Error
}

// Certification is a grade an authority gave a party (Art. 32).
type Certification struct {
	ID         int64     `json:"id"`
	PartyID    string    `json:"party_id"`
	Authority  string    `json:"authority"`
	Grade      string    `json:"grade"`
	ValidFrom  time.Time `json:"valid_from"`
	ValidUntil time.Time `json:"valid_until"`
	EnteredBy  string    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
}

// NewCertification is what an inspector enters.
type NewCertification struct {
	Authority  string `json:"authority" validate:"required,oneof=customs inspection tax market_supervision"`
	Grade      string `json:"grade" validate:"required,max=50"`
	ValidFrom  string `json:"valid_from" validate:"required,datetime=2006-01-02"`
	ValidUntil string `json:"valid_until" validate:"required,datetime=2006-01-02"`
}

// AddCertification stores an authority's grade for a party.
func (s *Store) AddCertification(ctx context.Context, actor Actor, partyID string, in NewCertification) (*Certification, error) {
	if err := Validate(in); err != nil {
		return nil, err
	}
	from, _ := time.Parse("2006-01-02", in.ValidFrom)
	until, _ := time.Parse("2006-01-02", in.ValidUntil)
	if until.Before(from) {
		return nil, Invalid(FieldError{Field: "valid_until", Rule: "after", Param: "valid_from"})
	}
	c := &Certification{PartyID: partyID, Authority: in.Authority, Grade: strings.TrimSpace(in.Grade), ValidFrom: from, ValidUntil: until, EnteredBy: actor.UserID}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := allExist(tx, "parties", []string{partyID}, "party_id"); err != nil {
			return Errorf(ENOTFOUND, "not_found")
		}
		if err := tx.Omit("CreatedAt").Create(c).Error; err != nil {
			return err
		}
		return audit(tx, actor, "certification.add", "party", partyID, nil, map[string]any{"authority": c.Authority, "grade": c.Grade,
			"valid_from": in.ValidFrom, "valid_until": in.ValidUntil})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// PartyCredit is a party's public credit record.
type PartyCredit struct {
	Party          Party              `json:"party"`
	Score          float64            `json:"score"`
	Grade          string             `json:"grade"`
	NegativeListed bool               `json:"negative_listed"`
	NegativeList   *NegativeListEntry `json:"negative_list_entry"`
	Records        []PublicCredit     `json:"records"`
	Certifications []Certification    `json:"certifications"`
	// Explanation says how the score is made, record by record.
	Explanation []CreditContribution `json:"explanation"`
}

// PublicCredit is one credit record as the public sees it.
type PublicCredit struct {
	Source string    `json:"source"`
	Weight float64   `json:"weight"`
	At     time.Time `json:"at"`
	Link   string    `json:"link"`
}

// CreditOf assembles a party's public credit record.
func (s *Store) CreditOf(ctx context.Context, partyID string) (*PartyCredit, error) {
	var p Party
	res := s.db.WithContext(ctx).Where("id = ?", partyID).Limit(1).Find(&p)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	records, err := s.CreditRecords(ctx, partyID)
	if err != nil {
		return nil, err
	}
	score := creditscore.Compute(creditMarks(records), s.Now())
	out := &PartyCredit{Party: p, Score: score.Score, Grade: score.Grade, Records: []PublicCredit{},
		Certifications: []Certification{}, Explanation: make([]CreditContribution, 0, len(score.Contributions))}
	for _, c := range score.Contributions {
		out.Explanation = append(out.Explanation, CreditContribution{CreditRecord: records[c.Mark], Decay: c.Decay, Points: c.Points})
	}
	for _, r := range records {
		out.Records = append(out.Records, PublicCredit{Source: r.Reason, Weight: r.Weight, At: r.At, Link: publicLink(r.RecordKind, r.RecordID)})
	}
	if err := s.db.WithContext(ctx).Where("party_id = ?", partyID).Order("valid_until DESC").Find(&out.Certifications).Error; err != nil {
		return nil, err
	}
	entry, err := s.ActiveNegativeListEntry(ctx, partyID)
	switch {
	case err == nil && entry.Confirmed():
		out.NegativeListed, out.NegativeList = true, entry
	case err == nil: // a proposal is the office's, not the public's
	case ErrorCode(err) != ENOTFOUND:
		return nil, err
	}
	return out, nil
}

// publicLink is where the record behind a credit mark can be read by whoever may read it.
func publicLink(kind, id string) string {
	return "/api/v1/" + kind + "/" + id
}
