package models

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/hzcbec/portal/models/clock"
)

// Claim is a consumer's after-sales claim (售后): a return, refund, repair or replacement the
// merchant answers directly; a rejected claim can be escalated into a complaint.
type Claim struct {
	ID                string     `json:"id"`
	Number            string     `json:"number"`
	ClaimantID        string     `json:"claimant_id"`
	RespondentID      string     `json:"respondent_id"`
	OrderRef          string     `json:"order_ref"`
	Type              string     `json:"type"`
	NoReason          bool       `json:"no_reason"`
	DeliveredAt       time.Time  `json:"delivered_at"`
	CustomsReleasedAt *time.Time `json:"customs_released_at"`
	Amount            string     `json:"amount"`
	Currency          string     `json:"currency"`
	Reason            string     `json:"reason"`
	Rejection         JSONText   `json:"rejection"`
	ReturnShipment    JSONText   `json:"return_shipment"`
	Refund            JSONText   `json:"refund"`
	ComplaintID       *string    `json:"complaint_id"`
	WorkflowState
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ClaimTypes are the remedies a claim asks for (API.md).
var ClaimTypes = []string{"return", "refund", "repair", "replace"}

// The no-reason return (七天无理由退货): goods bought online may be returned without a reason
// within 7 days of delivery (Consumer Protection Law Art. 25); a cross-border retail import
// within 30 days of its customs release (the cross-border e-commerce retail import return rules).
// The days are Hangzhou's calendar days counted from the day after: goods delivered on the 1st
// may be returned without a reason until the end of the 8th, whatever the hour of delivery.
const (
	NoReasonReturnDays    = 7
	CrossBorderReturnDays = 30
)

// NewClaim is what a consumer files.
type NewClaim struct {
	RespondentID      string     `json:"respondent_id" validate:"required,max=64"`
	OrderRef          string     `json:"order_ref" validate:"required,max=100"`
	Type              string     `json:"type" validate:"required,oneof=return refund repair replace"`
	NoReason          bool       `json:"no_reason"`
	DeliveredAt       clock.When `json:"delivered_at" validate:"required"` // a time, or a day in Hangzhou (clock.When)
	CustomsReleasedAt clock.When `json:"customs_released_at"`
	Amount            string     `json:"amount" validate:"required,money"`
	Currency          string     `json:"currency" validate:"required,iso4217"`
	Reason            string     `json:"reason" validate:"required,max=10000"`

	deliveredAt, customsReleasedAt time.Time // as read by Validate
}

// Dates are the delivery and the customs release (nil when not given) as Validate read them.
func (in *NewClaim) Dates() (delivered time.Time, customsReleased *time.Time) {
	if !in.customsReleasedAt.IsZero() {
		customsReleased = &in.customsReleasedAt
	}
	return in.deliveredAt, customsReleased
}

// Validate checks the fields of a new claim and, for a no-reason return, that it is filed
// within its window as of now. Every bad field is named at once.
func (in *NewClaim) Validate(now time.Time) error {
	in.OrderRef = strings.TrimSpace(in.OrderRef)
	in.Reason = strings.TrimSpace(in.Reason)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	var fields []FieldError
	if err := Validate(in); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return err
		}
		fields = e.Fields
	}
	fields = append(fields, in.checkDates(now)...)
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	return nil
}

// checkDates reads the dates, refuses them in the future and a no-reason return outside its
// window. API.md puts the window's error on delivered_at, also for an import whose window runs
// from customs release.
func (in *NewClaim) checkDates(now time.Time) []FieldError {
	var fields []FieldError
	var bad *FieldError
	in.deliveredAt, bad = happened("delivered_at", in.DeliveredAt, now)
	fields = addField(fields, bad)
	in.customsReleasedAt, bad = happened("customs_released_at", in.CustomsReleasedAt, now)
	fields = addField(fields, bad)
	if !in.NoReason || in.deliveredAt.IsZero() || len(fields) > 0 {
		return fields
	}
	from, window, rule := in.deliveredAt, NoReasonReturnDays, "return_window"
	if !in.customsReleasedAt.IsZero() {
		from, window, rule = in.customsReleasedAt, CrossBorderReturnDays, "import_return_window"
	}
	if clock.DaysBetween(from, now) > window {
		fields = append(fields, FieldError{Field: "delivered_at", Rule: rule, Param: strconv.Itoa(window)})
	}
	return fields
}

// fileClaim writes a filed claim (File).
func (s *Store) fileClaim(ctx context.Context, f Filing, c *Claim) error {
	now := s.Now()
	q, args := insertNumbered(now, "claims", "claim_number_seq", "AS", []string{"id", "claimant_id", "respondent_id", "order_ref",
		"type", "no_reason", "delivered_at", "customs_released_at", "amount", "currency", "reason", "status", "version",
		"jurisdiction", "deadlines"},
		[]any{c.ID, c.ClaimantID, c.RespondentID, c.OrderRef, c.Type, c.NoReason, c.DeliveredAt, c.CustomsReleasedAt,
			c.Amount, c.Currency, c.Reason, c.Status, 1, c.Jurisdiction, c.Deadlines})
	query, args, err := stepSQL(q, args, stepWrite{Kind: "claims", Action: f.Action, Relation: f.Relation, To: c.Status,
		Actor: f.Actor, At: now, Notify: f.Notify, RecordID: c.ID, Schedule: c.Deadlines, Version: 1,
		AuditAfterSQL: `json_build_object('amount', rec.amount::text, 'currency', rec.currency, 'no_reason', rec.no_reason,
		'number', rec.number, 'respondent_id', rec.respondent_id, 'type', rec.type)`})
	if err != nil {
		return err
	}
	err = s.fileStep(ctx, query, args, c)
	if isForeignKeyViolation(err) {
		return Invalid(FieldError{Field: "respondent_id", Rule: "exists"})
	}
	return err
}

// LinkClaimComplaint records the complaint an escalated claim opened.
func (s *Store) LinkClaimComplaint(ctx context.Context, claimID, complaintID string) error {
	res := s.db.WithContext(ctx).Table("claims").Where("id = ?", claimID).
		Updates(map[string]any{"complaint_id": complaintID, "updated_at": s.stamp()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return Errorf(ENOTFOUND, "not_found")
	}
	return nil
}
