package models

import (
	"context"
	"encoding/json"

	"gorm.io/gorm"

	"github.com/hzcbec/portal/models/recalls"
)

// importBatch is how many alerts one transaction of an import stores.
const importBatch = 100

// ImportResult sums up an import: rows read, alerts created, alerts already there from an earlier
// import (the same source and reference), rows skipped and why.
type ImportResult struct {
	Read            int
	Created         int
	AlreadyPresent  int
	Skipped         []recalls.SkippedRow
	InvalidBarcodes int
	// AlertIDs are the file's alerts in the database, created now or before: what to match.
	AlertIDs []string
}

// ImportAlerts stores the alerts of a source file as public alerts, each with its audit record by
// the system, importBatch to a transaction. An alert whose source and reference are already stored
// is left as it is, so importing the same file again creates nothing. progress, when given, is
// told how many alerts each batch handled.
func (s *Store) ImportAlerts(ctx context.Context, f *recalls.File, progress func(n int)) (ImportResult, error) {
	res := ImportResult{Read: f.Rows, Skipped: f.Skipped}
	for _, a := range f.Alerts {
		res.InvalidBarcodes += len(a.InvalidBarcodes)
	}
	for start := 0; start < len(f.Alerts); start += importBatch {
		batch := f.Alerts[start:min(start+importBatch, len(f.Alerts))]
		var created, present int
		var ids []string
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			created, present, ids = 0, 0, nil
			refs := make([]string, len(batch))
			for i, a := range batch {
				refs[i] = a.SourceRef
			}
			var existing []struct{ ID, SourceRef string }
			if err := tx.Raw(`SELECT id, source_ref FROM alerts WHERE source = ? AND source_ref IN ?`, f.Source, refs).
				Scan(&existing).Error; err != nil {
				return err
			}
			known := make(map[string]string, len(existing))
			for _, e := range existing {
				known[e.SourceRef] = e.ID
			}
			for i := range batch {
				ea := &batch[i]
				if id, ok := known[ea.SourceRef]; ok {
					present++
					ids = append(ids, id)
					continue
				}
				external, err := json.Marshal(ea.Row) // the row as read, header → value
				if err != nil {
					return err
				}
				a := &Alert{ID: newID(), Title: ea.Title, Level: ea.Level, Hazards: ea.Hazards, ProductIDs: TextList{},
					GTINs: nonNil(ea.GTINs), BatchIDs: TextList{}, Description: ea.Description, Measures: nonNil(ea.Measures),
					Public: true, Source: f.Source, SourceRef: ea.SourceRef, Brand: ea.Brand, Model: ea.Model,
					Country: ea.Country, Product: ea.Product, IssuedOn: (*CalendarDate)(ea.IssuedOn), External: JSONText(external)}
				if err := insertAlert(tx, SystemActor, a); err != nil {
					return err
				}
				created++
				ids = append(ids, a.ID)
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		res.Created += created
		res.AlreadyPresent += present
		res.AlertIDs = append(res.AlertIDs, ids...)
		if progress != nil {
			progress(len(batch))
		}
	}
	return res, nil
}
