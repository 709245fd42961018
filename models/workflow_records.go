package models

import "context"

// WorkflowRecord is a record of a workflow kind: its id and its shared workflow state. The
// five models are the records the engine moves; nothing adapts them.
type WorkflowRecord interface {
	RecordID() string
	SetRecordID(id string)
	State() *WorkflowState
}

// State is the record's shared workflow state.
func (w *WorkflowState) State() *WorkflowState { return w }

func (c *Complaint) RecordID() string       { return c.ID }
func (c *Claim) RecordID() string           { return c.ID }
func (c *ArbitrationCase) RecordID() string { return c.ID }
func (m *Measure) RecordID() string         { return m.ID }
func (i *Investigation) RecordID() string   { return i.ID }

func (c *Complaint) SetRecordID(id string)       { c.ID = id }
func (c *Claim) SetRecordID(id string)           { c.ID = id }
func (c *ArbitrationCase) SetRecordID(id string) { c.ID = id }
func (m *Measure) SetRecordID(id string)         { m.ID = id }
func (i *Investigation) SetRecordID(id string)   { i.ID = id }

// LoadRecord reads the record with the id into row, a pointer to its model; ENOTFOUND if none.
func (s *Store) LoadRecord(ctx context.Context, row WorkflowRecord, id string) error {
	return loadByID(ctx, s.db, row, id)
}

// ListReadable pages through the records of a workflow kind that the access reads, newest
// first, in one status or all ("").
func ListReadable[T any, P interface {
	*T
	WorkflowRecord
}](ctx context.Context, s *Store, a Access, status string, page Page) ([]T, *string, error) {
	var args sqlArgs
	where := a.where(args.gorm)
	q := s.db.WithContext(ctx).Model(new(T)).Where(where, args...).Order("id DESC").Limit(page.Limit + 1)
	if status != "" {
		q = q.Where("status = ?", status)
	}
	if page.Cursor != "" {
		q = q.Where("id < ?", page.Cursor)
	}
	out := []T{}
	if err := q.Find(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(r T) string { return P(&r).RecordID() })
}
