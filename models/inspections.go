package models

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/hzcbec/portal/models/clock"
	"gorm.io/gorm"
)

// Inspection is a sampling and test of a product (网上抽查, port, market) with its lab results.
type Inspection struct {
	ID           string    `json:"id"`
	ProductID    string    `json:"product_id"`
	BatchID      *string   `json:"batch_id"`
	ListingID    *string   `json:"listing_id"`
	Kind         string    `json:"kind"`
	SampledAt    time.Time `json:"sampled_at"`
	LabID        *string   `json:"lab_id"`
	Items        JSONText  `json:"items"`
	Conclusion   string    `json:"conclusion"`
	ReportNo     string    `json:"report_no"`
	Jurisdiction *string   `json:"jurisdiction"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
}

// InspectionItem is one test: an analyte measured against a standard's limit.
type InspectionItem struct {
	Name     string `json:"name" validate:"required,max=200"`
	Standard string `json:"standard" validate:"required,max=100"` // e.g. GB 6675.4-2014, EN 71-3
	Value    string `json:"value" validate:"required,max=100"`
	Unit     string `json:"unit" validate:"max=50"`
	Limit    string `json:"limit" validate:"required,max=100"`
	Verdict  string `json:"verdict" validate:"required,oneof=pass fail"`
}

// NewInspection is what an inspector records.
type NewInspection struct {
	ProductID  string           `json:"product_id" validate:"required,max=64"`
	BatchID    *string          `json:"batch_id" validate:"omitempty,max=64"`
	ListingID  *string          `json:"listing_id" validate:"omitempty,max=64"`
	Kind       string           `json:"kind" validate:"required,oneof=online_purchase port market"`
	SampledAt  clock.When       `json:"sampled_at" validate:"required"` // a time, or a day in Hangzhou (clock.When)
	LabID      *string          `json:"lab_id" validate:"omitempty,max=64"`
	Items      []InspectionItem `json:"items" validate:"required,min=1,max=200,dive"`
	Conclusion string           `json:"conclusion" validate:"required,oneof=conformant non_conformant"`
	ReportNo   string           `json:"report_no" validate:"max=100"`

	sampledAt time.Time // SampledAt as read by Validate
}

// Validate checks the fields, that the sample was not taken after now, and that the conclusion
// follows from the verdicts: one failed item makes the sample non-conformant.
func (in *NewInspection) Validate(now time.Time) error {
	var bad *FieldError
	in.sampledAt, bad = happened("sampled_at", in.SampledAt, now)
	if err := withFields(Validate(in), addField(nil, bad)...); err != nil {
		return err
	}
	failed := false
	for _, it := range in.Items {
		failed = failed || it.Verdict == "fail"
	}
	if failed && in.Conclusion != "non_conformant" {
		return Invalid(FieldError{Field: "conclusion", Rule: "follows_verdicts", Param: "non_conformant"})
	}
	if !failed && in.Conclusion != "conformant" {
		return Invalid(FieldError{Field: "conclusion", Rule: "follows_verdicts", Param: "conformant"})
	}
	return nil
}

// CreateInspection stores an inspection with its audit record; a non-conformant result marks the
// credit record of the listing's merchant and of the product's manufacturer (Art. 20).
func (s *Store) CreateInspection(ctx context.Context, actor Actor, jurisdiction *string, in NewInspection) (*Inspection, error) {
	if err := in.Validate(s.Now()); err != nil {
		return nil, err
	}
	items, err := json.Marshal(in.Items)
	if err != nil {
		return nil, err
	}
	ins := &Inspection{ID: newID(), ProductID: in.ProductID, BatchID: in.BatchID, ListingID: in.ListingID, Kind: in.Kind,
		SampledAt: in.sampledAt, LabID: in.LabID, Items: items, Conclusion: in.Conclusion,
		ReportNo: strings.TrimSpace(in.ReportNo), Jurisdiction: jurisdiction, CreatedBy: actor.UserID}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(ins).Error; err != nil {
			return err
		}
		if err := audit(tx, actor, "inspection.create", "inspections", ins.ID, nil,
			map[string]any{"product_id": ins.ProductID, "conclusion": ins.Conclusion, "report_no": ins.ReportNo}); err != nil {
			return err
		}
		if ins.Conclusion != "non_conformant" {
			return nil
		}
		parties, err := responsibleParties(tx, ins.ProductID, ins.ListingID)
		if err != nil {
			return err
		}
		for _, p := range parties {
			if err := addCreditRecord(tx, actor, p, nil, "inspection_failed", "inspections", ins.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if isForeignKeyViolation(err) {
		return nil, Invalid(FieldError{Field: foreignKeyField(err, map[string]string{
			"product": "product_id", "batch": "batch_id", "listing": "listing_id", "lab": "lab_id"}), Rule: "exists"})
	}
	return ins, err
}

// responsibleParties are who answers for a product found non-conformant: the merchant of the
// listing it was bought from, and its manufacturer.
func responsibleParties(tx *gorm.DB, productID string, listingID *string) ([]string, error) {
	var ids []string
	q := `SELECT manufacturer_id FROM products WHERE id = ? AND manufacturer_id IS NOT NULL`
	args := []any{productID}
	if listingID != nil {
		q += ` UNION SELECT merchant_id FROM listings WHERE id = ?`
		args = append(args, *listingID)
	}
	err := tx.Raw(q, args...).Scan(&ids).Error
	return ids, err
}

// foreignKeyField names the field whose reference is missing, from the violated constraint's name.
func foreignKeyField(err error, byWord map[string]string) string {
	msg := err.Error()
	for word, field := range byWord {
		if strings.Contains(msg, word) {
			return field
		}
	}
	return "id"
}

// InspectionByID loads one inspection.
func (s *Store) InspectionByID(ctx context.Context, id string) (*Inspection, error) {
	var ins Inspection
	res := s.db.WithContext(ctx).Raw(`SELECT id, product_id, batch_id, listing_id, kind, sampled_at, lab_id, items::text AS items,
		conclusion, report_no, jurisdiction, created_by, created_at FROM inspections WHERE id = ?`, id).Scan(&ins)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return &ins, nil
}

// ListInspections pages through inspections, newest first; productID narrows.
func (s *Store) ListInspections(ctx context.Context, productID string, page Page) ([]Inspection, *string, error) {
	q := `SELECT id, product_id, batch_id, listing_id, kind, sampled_at, lab_id, items::text AS items,
		conclusion, report_no, jurisdiction, created_by, created_at FROM inspections WHERE true`
	var args []any
	if productID != "" {
		q += ` AND product_id = ?`
		args = append(args, productID)
	}
	if page.Cursor != "" {
		q += ` AND id < ?`
		args = append(args, page.Cursor)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, page.Limit+1)
	var out []Inspection
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(i Inspection) string { return i.ID })
}
