package models

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/hzcbec/portal/models/clock"
)

// A step of a workflow (filing a record, or an action on it) is written as one statement: a
// first CTE, rec, writes the record and returns its row; the timeline entry, the notices and
// the audit record are inserted from rec, so that when rec writes nothing (a stale version)
// nothing else is written either; the statement answers rec's row. One statement is one round
// trip and, on its own, one transaction.

// stepWrite is what a step writes beside its record.
type stepWrite struct {
	Kind, Action, Relation, From, To string
	Actor                            Actor
	At                               time.Time // the portal's now: the step's and the notices' time (the audit record's is the database's)
	Payload                          any       // the timeline entry's payload; nil is {}
	Notify                           []Recipient
	// AuditBefore and AuditAfter are the audit record's summaries; AuditAfterSQL, when set, is
	// SQL over rec's columns that makes AuditAfter instead (what only the database knows yet).
	AuditBefore, AuditAfter any
	AuditAfterSQL           string
	AuditAfterArgs          []any // the arguments of AuditAfterSQL's placeholders
}

// stepSQL finishes a statement that starts with the CTE rec (in q, with its args).
func stepSQL(q *strings.Builder, args []any, w stepWrite) (string, []any, error) {
	payload := []byte("{}")
	if w.Payload != nil {
		var err error
		if payload, err = json.Marshal(w.Payload); err != nil {
			return "", nil, err
		}
	}
	before, err := summary(w.AuditBefore)
	if err != nil {
		return "", nil, err
	}
	after, err := summary(w.AuditAfter)
	if err != nil {
		return "", nil, err
	}

	q.WriteString(`,
step AS (INSERT INTO workflow_events (kind, record_id, action, actor_id, relation, from_state, to_state, payload, at)
	SELECT ?, id, ?, ?, ?, ?, ?, ?::jsonb, ?::timestamptz FROM rec)`)
	at := w.At.UTC().Truncate(time.Microsecond)
	args = append(args, w.Kind, w.Action, w.Actor.UserID, w.Relation, w.From, w.To, string(payload), at)
	if len(w.Notify) > 0 {
		args = append(args, w.Kind, w.Action, at)
		rows := make([]string, len(w.Notify))
		for i, r := range w.Notify {
			rows[i] = "(?, ?)"
			args = append(args, r.Type, r.ID)
		}
		q.WriteString(`,
notices AS (INSERT INTO notifications (recipient_type, recipient_id, kind, record_id, event, created_at)
	SELECT n.type, n.id, ?, rec.id, ?, ?::timestamptz FROM rec, (VALUES ` + strings.Join(rows, ", ") + `) AS n(type, id))`)
	}
	args = append(args, w.Actor.UserID, w.Kind+"."+w.Action, w.Kind, nullJSON(before))
	afterSQL := "?::json"
	if w.AuditAfterSQL != "" {
		afterSQL = w.AuditAfterSQL
		args = append(args, w.AuditAfterArgs...)
	} else {
		args = append(args, nullJSON(after))
	}
	q.WriteString(`,
audited AS (INSERT INTO audit_records (actor_id, action, object_type, object_id, before, after)
	SELECT ?, ?, ?, id, ?::json, ` + afterSQL + ` FROM rec)
SELECT * FROM rec`)
	return q.String(), args, nil
}

// insertNumbered starts the statement of a filing: rec inserts the new record into table with
// the given columns, its created and updated times (now), and its number (prefix, the year in
// Hangzhou and the next value of sequence, taken inside the statement, in at least six digits).
func insertNumbered(now time.Time, table, sequence, prefix string, columns []string, values []any) (*strings.Builder, []any) {
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ")
	var q strings.Builder
	q.WriteString("WITH rec AS (INSERT INTO " + pgx.Identifier{table}.Sanitize() + " (number, created_at, updated_at, " +
		strings.Join(columns, ", ") + ")\n\tVALUES ((SELECT ? || lpad(n::text, greatest(6, length(n::text)), '0') " +
		"FROM nextval(?::regclass) AS n), ?::timestamptz, ?::timestamptz, " + marks + ")\n\tRETURNING *)")
	at := now.UTC().Truncate(time.Microsecond)
	args := append([]any{fmt.Sprintf("%s-%d-", prefix, now.In(clock.Hangzhou).Year()), sequence, at, at}, values...)
	return &q, args
}

// fileStep runs a filing's statement (insertNumbered, stepSQL), reading the new row into row,
// and then after (its deadline jobs), in one transaction.
func (s *Store) fileStep(ctx context.Context, query string, args []any, row any, after func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Raw(query, args...).Scan(row).Error; err != nil {
			return err
		}
		if after != nil {
			return after(tx)
		}
		return nil
	})
}

// transitionSQL is the statement of an action: the UPDATE of the record, only at the version
// the decision was made on, then the step's writes.
func transitionSQL(t Transition) (string, []any, error) {
	newVersion := t.Version + 1
	at := t.At.UTC().Truncate(time.Microsecond)
	set := []string{"status = ?", "version = ?", "deadlines = ?", "updated_at = ?"}
	args := []any{t.To, newVersion, t.Deadlines, at}
	columns := make([]string, 0, len(t.Fields))
	for column := range t.Fields {
		columns = append(columns, column)
	}
	sort.Strings(columns) // the same action makes the same SQL text, one prepared statement
	for _, column := range columns {
		set = append(set, pgx.Identifier{column}.Sanitize()+" = ?")
		args = append(args, t.Fields[column])
	}
	if t.Pause {
		set = append(set, "paused_at = ?")
		args = append(args, at)
	}
	if t.Resume {
		set = append(set, "paused_at = NULL")
	}
	var q strings.Builder
	q.WriteString("WITH rec AS (UPDATE " + pgx.Identifier{t.Kind}.Sanitize() + " SET " + strings.Join(set, ", ") +
		" WHERE id = ? AND version = ? RETURNING *)")
	args = append(args, t.RecordID, t.Version)
	return stepSQL(&q, args, stepWrite{Kind: t.Kind, Action: t.Action, Relation: t.Relation, From: t.From, To: t.To,
		Actor: t.Actor, At: t.At, Payload: t.Payload, Notify: t.Notify,
		AuditBefore: map[string]any{"status": t.From, "version": t.Version},
		AuditAfter:  map[string]any{"status": t.To, "version": newVersion, "payload": t.Payload}})
}
