package models

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hzcbec/portal/models/clock"
)

// A step of a workflow (filing a record, or an action on it) is written as one statement: a
// first CTE, rec, writes the record and returns its row; the timeline entry, the notices (each
// with its e-mail job: mail.go) and the audit record are inserted from rec, so that when rec
// writes nothing (a stale version) nothing else is written either; the statement answers rec's
// row. One statement is one round trip and, on its own, one transaction.

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
	// Schedule are the deadlines the step sets (new or moved) on the record RecordID, which is
	// then at Version: each gets its job (deadline_jobs.go).
	RecordID string
	Schedule Deadlines
	Version  int
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
	SELECT n.type, n.id, ?, rec.id, ?, ?::timestamptz FROM rec, (VALUES ` + strings.Join(rows, ", ") + `) AS n(type, id)
	RETURNING id)`)
		noticeMailJobsSQL(q)
	}
	args, err = deadlineJobsSQL(q, args, w.Kind, w.RecordID, w.Schedule, w.Version, w.At)
	if err != nil {
		return "", nil, err
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

// Filing is a new record's first step: who files it, the step's name, the relation the filer
// holds to the record, and whom to tell.
type Filing struct {
	Actor    Actor
	Action   string
	Relation string
	Notify   []Recipient
}

// File writes a new record of a workflow kind (rec, its model, with its id, fields, state and
// deadlines set) in one statement: its number, its first step, its notices, its deadlines' jobs
// and its audit record. A record given no id gets a new one.
func (s *Store) File(ctx context.Context, f Filing, rec WorkflowRecord) error {
	if rec.RecordID() == "" {
		rec.SetRecordID(newID())
	}
	switch r := rec.(type) {
	case *Complaint:
		return s.fileComplaint(ctx, f, r)
	case *Claim:
		return s.fileClaim(ctx, f, r)
	case *ArbitrationCase:
		return s.fileCase(ctx, f, r)
	case *Measure:
		return s.fileMeasure(ctx, f, r)
	case *Investigation:
		return s.fileInvestigation(ctx, f, r)
	}
	return fmt.Errorf("models: no filing of %T", rec)
}

// fileStep runs a filing's statement (insertNumbered, stepSQL), reading the new row into row.
func (s *Store) fileStep(ctx context.Context, query string, args []any, row any) error {
	return s.db.WithContext(ctx).Raw(query, args...).Scan(row).Error
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
		RecordID: t.RecordID, Schedule: t.Schedule, Version: newVersion,
		AuditBefore: map[string]any{"status": t.From, "version": t.Version},
		AuditAfter:  map[string]any{"status": t.To, "version": newVersion, "payload": t.Payload}})
}
