package models

import "context"

// DemoState is what a database holds of the demo story (app.SeedDemo).
type DemoState int

const (
	// DemoAbsent: no story and no records of anybody's: the story may be loaded.
	DemoAbsent DemoState = iota
	// DemoComplete: the story is loaded (its last step wrote the marker).
	DemoComplete
	// DemoPartial: no marker, but products or complaints exist: a story stopped half-way, or
	// somebody's real data, which the story must not be mixed into.
	DemoPartial
)

// DemoState says whether the demo story, marked by the audit action marker, is in the database.
func (s *Store) DemoState(ctx context.Context, marker string) (DemoState, error) {
	var complete, used bool
	err := s.db.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM audit_records WHERE action = ?),
		EXISTS (SELECT 1 FROM products) OR EXISTS (SELECT 1 FROM complaints)`, marker).Row().Scan(&complete, &used)
	switch {
	case err != nil:
		return DemoAbsent, err
	case complete:
		return DemoComplete, nil
	case used:
		return DemoPartial, nil
	}
	return DemoAbsent, nil
}

// MarkDemoSeeded writes the marker of a loaded demo story: an audit record, like every other
// change, with what the story holds.
func (s *Store) MarkDemoSeeded(ctx context.Context, marker string, summary map[string]any) error {
	return audit(s.db.WithContext(ctx), SystemActor, marker, "demo", "story", nil, summary)
}
