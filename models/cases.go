package models

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ArbitrationCase is an online arbitration case (仲裁案件).
type ArbitrationCase struct {
	ID           string     `json:"id"`
	Number       string     `json:"number"`
	ClaimantID   string     `json:"claimant_id"`
	RespondentID string     `json:"respondent_id"`
	ComplaintID  *string    `json:"complaint_id"`
	Amount       string     `json:"amount"`
	Currency     string     `json:"currency"`
	Claim        string     `json:"claim"`
	Agreement    string     `json:"agreement"`
	Procedure    string     `json:"procedure"`
	SecretaryID  *string    `json:"secretary_id"`
	ArbitratorID *string    `json:"arbitrator_id"`
	Defence      JSONText   `json:"defence"`
	Hearing      JSONText   `json:"hearing"`
	Award        JSONText   `json:"award"`
	Outcome      JSONText   `json:"outcome"`
	PublishedAt  *time.Time `json:"published_at"`
	WorkflowState
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName is the cases table.
func (ArbitrationCase) TableName() string { return "cases" }

// NewCase is what a consumer files (or what a complaint carries to arbitration).
type NewCase struct {
	RespondentID string  `json:"respondent_id" validate:"required,max=64"`
	ComplaintID  *string `json:"complaint_id" validate:"omitempty,max=64"`
	Amount       string  `json:"amount" validate:"required,money"`
	Currency     string  `json:"currency" validate:"required,iso4217"`
	Claim        string  `json:"claim" validate:"required,max=10000"`
	Agreement    string  `json:"agreement" validate:"required,max=5000"`
}

// Validate checks a new case's fields.
func (in *NewCase) Validate() error {
	in.Claim = strings.TrimSpace(in.Claim)
	in.Agreement = strings.TrimSpace(in.Agreement)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	return Validate(in)
}

// summaryLimit is the amount in dispute up to which the summary procedure applies
// (CIETAC Arbitration Rules Art. 56: RMB 5 million).
const summaryLimit = 5_000_000

// ProcedureFor picks the summary or ordinary procedure by the amount in dispute.
func ProcedureFor(amount string) string {
	var v float64
	if _, err := fmt.Sscan(amount, &v); err == nil && v > summaryLimit {
		return "ordinary"
	}
	return "summary"
}

// NewID returns a new opaque, time-ordered id (for records created inside another's transaction).
func NewID() string { return newID() }

// fileCase writes a filed case (File).
func (s *Store) fileCase(ctx context.Context, f Filing, c *ArbitrationCase) error {
	now := s.Now()
	q, args := insertNumbered(now, "cases", "case_number_seq", "AR", []string{"id", "claimant_id", "respondent_id", "complaint_id",
		"amount", "currency", "claim", "agreement", "procedure", "status", "version", "jurisdiction", "deadlines"},
		[]any{c.ID, c.ClaimantID, c.RespondentID, c.ComplaintID, c.Amount, c.Currency, c.Claim, c.Agreement, c.Procedure,
			c.Status, 1, c.Jurisdiction, c.Deadlines})
	query, args, err := stepSQL(q, args, stepWrite{Kind: "cases", Action: f.Action, Relation: f.Relation, To: c.Status,
		Actor: f.Actor, At: now, Notify: f.Notify, RecordID: c.ID, Schedule: c.Deadlines, Version: 1,
		AuditAfterSQL: `json_build_object('amount', rec.amount::text, 'complaint_id', rec.complaint_id, 'currency', rec.currency,
		'number', rec.number, 'respondent_id', rec.respondent_id)`})
	if err != nil {
		return err
	}
	err = s.fileStep(ctx, query, args, c)
	if isForeignKeyViolation(err) {
		return Invalid(FieldError{Field: "respondent_id", Rule: "exists"})
	}
	return err
}

// HasObjected says whether the side (relation) of a case has objected to this arbitrator before.
func (s *Store) HasObjected(ctx context.Context, caseID, relation, arbitratorID string) (bool, error) {
	var objected bool
	err := s.db.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM workflow_events WHERE kind = 'cases' AND record_id = ?
		AND action = 'object_to_arbitrator' AND relation = ? AND payload->>'arbitrator_id' = ?)`, caseID, relation, arbitratorID).
		Scan(&objected).Error
	return objected, err
}

// Ruling is a published award as the public sees it: anonymised, without the consumer's name
// or contact details.
type Ruling struct {
	ID          string    `json:"id"`
	Number      string    `json:"number"`
	Respondent  string    `json:"respondent"`
	Procedure   string    `json:"procedure"`
	Amount      string    `json:"amount"`
	Currency    string    `json:"currency"`
	Claim       string    `json:"claim"`
	Award       JSONText  `json:"award"`
	PublishedAt time.Time `json:"published_at"`
}

// PublicRulings pages through published awards, newest first, anonymised.
func (s *Store) PublicRulings(ctx context.Context, page Page) ([]Ruling, *string, error) {
	var rows []struct {
		Ruling
		ClaimantName  string
		ClaimantEmail string
	}
	q := s.db.WithContext(ctx).Table("cases c").
		Select(`c.id, c.number, p.name AS respondent, c.procedure, c.amount, c.currency, c.claim, c.award::text AS award,
			c.published_at, u.name AS claimant_name, u.email AS claimant_email`).
		Joins("JOIN parties p ON p.id = c.respondent_id").Joins("JOIN users u ON u.id = c.claimant_id").
		Where("c.published_at IS NOT NULL").Order("c.published_at DESC, c.id DESC").Limit(page.Limit + 1)
	if page.Cursor != "" {
		q = q.Where("c.id < ?", page.Cursor)
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	out := make([]Ruling, len(rows))
	var err error
	for i, r := range rows {
		out[i] = r.Ruling
		out[i].Claim = Anonymise(r.Claim, r.ClaimantName, r.ClaimantEmail)
		if out[i].Award, err = anonymiseJSON(r.Award, r.ClaimantName, r.ClaimantEmail); err != nil {
			return nil, nil, err
		}
	}
	return pageOf(out, page.Limit, func(r Ruling) string { return r.ID })
}

var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	// Mainland mobile numbers (with or without +86) and landlines such as 0571-87654321.
	phonePattern = regexp.MustCompile(`(\+?86[ -]?)?\b1[3-9][0-9]{9}\b|\b0[0-9]{2,3}-[0-9]{7,8}\b`)
)

// Anonymise removes a consumer's name, e-mail addresses and phone numbers from published text.
func Anonymise(text, name, email string) string {
	if name = strings.TrimSpace(name); name != "" {
		text = strings.ReplaceAll(text, name, "申请人")
	}
	if email != "" {
		text = strings.ReplaceAll(text, email, "[email]")
	}
	text = emailPattern.ReplaceAllString(text, "[email]")
	return phonePattern.ReplaceAllString(text, "[phone]")
}

// anonymiseJSON anonymises every text value of a JSON document (an award), never its syntax:
// a claimant whose name is a quote or a brace leaves the document whole.
func anonymiseJSON(raw JSONText, name, email string) (JSONText, error) {
	if len(raw) == 0 {
		return raw, nil
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case string:
			return Anonymise(x, name, email)
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = walk(x[k])
			}
		}
		return v
	}
	out, err := json.Marshal(walk(doc))
	return JSONText(out), err
}
