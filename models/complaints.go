package models

import (
	"context"
	"strings"
	"time"
)

// Complaint is a consumer's complaint against a merchant (投诉), handled by the office of its
// jurisdiction (SAMR complaint measures, 2022).
type Complaint struct {
	ID            string   `json:"id"`
	Number        string   `json:"number"`
	ComplainantID string   `json:"complainant_id"`
	RespondentID  string   `json:"respondent_id"`
	PlatformID    *string  `json:"platform_id"`
	OrderRef      string   `json:"order_ref"`
	ListingID     *string  `json:"listing_id"`
	ListingURL    string   `json:"listing_url"`
	ProductID     *string  `json:"product_id"`
	Category      string   `json:"category"`
	Amount        string   `json:"amount"`
	Currency      string   `json:"currency"`
	Description   string   `json:"description"`
	Request       string   `json:"request"`
	Offer         JSONText `json:"offer"`
	Outcome       JSONText `json:"outcome"`
	CaseID        *string  `json:"case_id"`
	WorkflowState
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ComplaintCategories are the kinds of complaint (API.md).
var ComplaintCategories = []string{"quality", "not_as_described", "counterfeit", "non_delivery", "after_sales", "safety", "other"}

// NewComplaint is what a consumer files.
type NewComplaint struct {
	RespondentID string  `json:"respondent_id" validate:"required,max=64"`
	PlatformID   *string `json:"platform_id" validate:"omitempty,max=64"`
	OrderRef     string  `json:"order_ref" validate:"required,max=100"`
	ListingID    *string `json:"listing_id" validate:"omitempty,max=64"`
	ListingURL   string  `json:"listing_url" validate:"omitempty,url,max=2000"`
	ProductID    *string `json:"product_id" validate:"omitempty,max=64"`
	Category     string  `json:"category" validate:"required,oneof=quality not_as_described counterfeit non_delivery after_sales safety other"`
	Amount       string  `json:"amount" validate:"required,money"`
	Currency     string  `json:"currency" validate:"required,iso4217"`
	Description  string  `json:"description" validate:"required,max=10000"`
	Request      string  `json:"request" validate:"required,max=2000"`
}

// Validate checks the fields of a new complaint.
func (in *NewComplaint) Validate() error {
	in.OrderRef = strings.TrimSpace(in.OrderRef)
	in.Description = strings.TrimSpace(in.Description)
	in.Request = strings.TrimSpace(in.Request)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	return Validate(in)
}

// ComplaintJurisdiction is the office that handles a complaint: where the platform is registered
// for a merchant on a platform, else where the respondent is (SAMR measures Art. 12); fallback
// when neither is in Hangzhou. Unknown parties are field errors.
func (s *Store) ComplaintJurisdiction(ctx context.Context, respondentID string, platformID *string, fallback string) (string, error) {
	var parties []Party
	ids := []string{respondentID}
	if platformID != nil {
		ids = append(ids, *platformID)
	}
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&parties).Error; err != nil {
		return "", err
	}
	byID := map[string]Party{}
	for _, p := range parties {
		byID[p.ID] = p
	}
	var fields []FieldError
	respondent, ok := byID[respondentID]
	if !ok {
		fields = append(fields, FieldError{Field: "respondent_id", Rule: "exists"})
	}
	var platform Party
	if platformID != nil {
		if platform, ok = byID[*platformID]; !ok || platform.Kind != "platform" {
			fields = append(fields, FieldError{Field: "platform_id", Rule: "exists"})
		}
	}
	if len(fields) > 0 {
		return "", Invalid(fields...)
	}
	switch {
	case platform.Jurisdiction != nil:
		return *platform.Jurisdiction, nil
	case respondent.Jurisdiction != nil:
		return *respondent.Jurisdiction, nil
	}
	return fallback, nil
}

// fileComplaint writes a filed complaint (File).
func (s *Store) fileComplaint(ctx context.Context, f Filing, c *Complaint) error {
	now := s.Now()
	q, args := insertNumbered(now, "complaints", "complaint_number_seq", "CP", []string{"id", "complainant_id", "respondent_id",
		"platform_id", "order_ref", "listing_id", "listing_url", "product_id", "category", "amount", "currency", "description",
		"request", "status", "version", "jurisdiction", "deadlines"},
		[]any{c.ID, c.ComplainantID, c.RespondentID, c.PlatformID, c.OrderRef, c.ListingID, c.ListingURL, c.ProductID,
			c.Category, c.Amount, c.Currency, c.Description, c.Request, c.Status, 1, c.Jurisdiction, c.Deadlines})
	query, args, err := stepSQL(q, args, stepWrite{Kind: "complaints", Action: f.Action, Relation: f.Relation, To: c.Status,
		Actor: f.Actor, At: now, Notify: f.Notify, RecordID: c.ID, Schedule: c.Deadlines, Version: 1,
		AuditAfterSQL: `json_build_object('amount', rec.amount::text, 'category', rec.category, 'currency', rec.currency,
		'number', rec.number, 'respondent_id', rec.respondent_id)`})
	if err != nil {
		return err
	}
	return s.fileStep(ctx, query, args, c)
}
