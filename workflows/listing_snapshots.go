package workflows

import (
	"context"
	"crypto/sha256"

	"github.com/hzcbec/portal/models"
)

// AddListingSnapshot stores the captured page of a listing (a screenshot or a PDF print of it)
// the way evidence is stored: judged by its bytes (JPEG, PNG, WebP or PDF, else EUNSUPPORTED),
// at most MaxEvidenceBytes (else ETOOLARGE), on disk under its SHA-256, its row in the evidence
// table (kind "listings"). ENOTFOUND when there is no such listing. Who may add one is the
// route's policy check (listing, create).
func (e *Engine) AddListingSnapshot(ctx context.Context, actor models.Actor, listingID, name string, data []byte) (*models.Evidence, error) {
	ev, err := e.storeRecordFile(name, data)
	if err != nil {
		return nil, err
	}
	if err := e.store.AddListingSnapshot(ctx, actor, listingID, ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// AddInspectionReport stores an inspection's lab report (PDF or an image of it) like a snapshot,
// hashed, with its row in the evidence table (kind "inspections").
func (e *Engine) AddInspectionReport(ctx context.Context, actor models.Actor, inspectionID, name string, data []byte) (*models.Evidence, error) {
	ev, err := e.storeRecordFile(name, data)
	if err != nil {
		return nil, err
	}
	if err := e.store.AddRecordFile(ctx, actor, "inspections", "report", inspectionID, "inspection.report", ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// storeRecordFile checks a file by its bytes and size and writes it under its SHA-256. The file
// comes first, then the row, as for evidence: a row never points at a missing file.
func (e *Engine) storeRecordFile(name string, data []byte) (*models.Evidence, error) {
	if len(data) == 0 {
		return nil, models.Invalid(models.FieldError{Field: "file", Rule: "required"})
	}
	if int64(len(data)) > e.MaxEvidenceBytes() {
		return nil, models.Errorf(models.ETOOLARGE, "evidence_too_large")
	}
	contentType, err := models.EvidenceContentType(data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	rel, err := e.storeEvidenceFile(sum, data)
	if err != nil {
		return nil, err
	}
	return &models.Evidence{Name: models.SanitizeFileName(name, contentType), Size: int64(len(data)),
		ContentType: contentType, SHA256: models.Hash(sum[:]), StoragePath: rel}, nil
}
