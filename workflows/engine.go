package workflows

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/hzcbec/portal/models"
)

// Engine runs every workflow: it asks the policy, validates the payload and applies an action in
// one transaction with its timeline entry, audit record, notifications and deadline jobs.
type Engine struct {
	store    *models.Store
	policy   *models.Policy
	calendar Calendar
	flows    map[string]*Workflow
	// DefaultJurisdiction handles complaints whose parties are all outside Hangzhou.
	DefaultJurisdiction string
	// EvidenceDir holds the evidence files, content-addressed (attachments.go).
	EvidenceDir string
	// EvidenceMaxBytes is the largest evidence file accepted; 0 means DefaultEvidenceMaxBytes.
	EvidenceMaxBytes int64
}

// allWorkflows are every workflow of the portal.
var allWorkflows = []*Workflow{complaintFlow, caseFlow, claimFlow, measureFlow, investigationFlow}

// NewEngine builds the engine with every workflow of the portal.
func NewEngine(store *models.Store, policy *models.Policy, calendar Calendar) (*Engine, error) {
	e := &Engine{store: store, policy: policy, calendar: calendar, flows: map[string]*Workflow{}, DefaultJurisdiction: "330102"}
	for _, wf := range allWorkflows {
		e.flows[wf.Kind] = wf
	}
	return e, nil
}

// Step is an action being applied: what the effect functions read and fill.
type Step struct {
	Ctx   context.Context
	Store *models.Store
	// User is who takes the step (nil for the system).
	User       *models.User
	Record     Record
	Relations  []string
	Actor      models.Actor
	Payload    any
	Now        time.Time
	Transition *models.Transition
	object     string
	calendar   Calendar
	engine     *Engine
	// inTx is more work for the transaction that applies the step (creating a linked record),
	// each writing through the store it is given.
	inTx []func(st *models.Store) error
}

// CreditRecord marks the party's credit record in the step's transaction (Art. 20, 31).
func (s *Step) CreditRecord(partyID, reason string) {
	ctx, kind, id, actor := s.Ctx, s.Transition.Kind, s.Transition.RecordID, s.Actor
	s.InTransaction(func(st *models.Store) error { return st.AddCreditRecord(ctx, actor, partyID, reason, kind, id) })
}

// ConsumerCreditRecord is CreditRecord for a mark the consumer's own steps brought about: it
// is capped and does not count when the consumer is related to the party (models/credit.go).
func (s *Step) ConsumerCreditRecord(consumerID, partyID, reason string) {
	ctx, kind, id, actor := s.Ctx, s.Transition.Kind, s.Transition.RecordID, s.Actor
	s.InTransaction(func(st *models.Store) error {
		return st.AddConsumerCreditRecord(ctx, actor, consumerID, partyID, reason, kind, id)
	})
}

// InTransaction adds work to the transaction that applies the step.
func (s *Step) InTransaction(fn func(st *models.Store) error) { s.inTx = append(s.inTx, fn) }

// StartDeadline sets a deadline to fall after its period from now.
func (s *Step) StartDeadline(field, name string) {
	s.Transition.Deadlines[field] = s.calendar.Due(name, s.Now)
}

// StopDeadlines removes deadlines; their jobs find them gone and do nothing.
func (s *Step) StopDeadlines(fields ...string) {
	for _, f := range fields {
		delete(s.Transition.Deadlines, f)
	}
}

// Notify tells recipients that the step needs their attention.
func (s *Step) Notify(rs ...models.Recipient) {
	s.Transition.Notify = append(s.Transition.Notify, rs...)
}

// Holders is whom a notice to the holders of a relation of the record goes to.
func (s *Step) Holders(relation string) models.Recipient {
	return models.RecipientOf(s.object, relation, s.Record)
}

// Set sets a column of the record.
func (s *Step) Set(column string, value any) {
	if s.Transition.Fields == nil {
		s.Transition.Fields = map[string]any{}
	}
	s.Transition.Fields[column] = value
}

// AvailableAction is an action the caller may take now, with the fields it asks for.
type AvailableAction struct {
	Name   string  `json:"name"`
	Fields []Field `json:"fields"`
}

func (e *Engine) flow(kind string) (*Workflow, error) {
	wf, ok := e.flows[kind]
	if !ok {
		return nil, models.Errorf(models.ENOTFOUND, "not_found")
	}
	return wf, nil
}

// Open loads a record the user may see; one they may not see is ENOTFOUND, never EFORBIDDEN.
func (e *Engine) Open(ctx context.Context, u *models.User, kind, id string) (Record, []string, error) {
	wf, err := e.flow(kind)
	if err != nil {
		return nil, nil, err
	}
	rec := wf.New()
	if err := e.store.LoadRecord(ctx, rec, id); err != nil {
		return nil, nil, err
	}
	rels := models.RelationsOf(wf.Object, rec, u)
	st := rec.State()
	if !e.policy.Allowed(rels, st.Jurisdiction, wf.Object, "read", st.Status) {
		return nil, nil, models.Errorf(models.ENOTFOUND, "not_found")
	}
	return rec, rels, nil
}

// Actions lists what the user may do to the record now: the same check Do makes.
func (e *Engine) Actions(ctx context.Context, u *models.User, kind, id string) ([]AvailableAction, error) {
	rec, rels, err := e.Open(ctx, u, kind, id)
	if err != nil {
		return nil, err
	}
	return e.available(e.flows[kind], rec, rels), nil
}

func (e *Engine) available(wf *Workflow, rec Record, rels []string) []AvailableAction {
	out := []AvailableAction{}
	now := e.store.Now()
	for _, a := range wf.Actions {
		if e.check(wf, a, rec, rels, now) != nil {
			continue
		}
		var p any
		if a.Payload != nil {
			p = a.Payload()
		}
		out = append(out, AvailableAction{Name: a.Name, Fields: fieldsOf(p)})
	}
	return out
}

// View is a record as its page shows it, opened once: the record, what the caller may do now,
// a page of its timeline and of its messages, its evidence, and whether the caller may add a
// message or a file now.
type View struct {
	Record                     Record
	Actions                    []AvailableAction
	Timeline                   []models.WorkflowEvent
	TimelineNext               *string
	Messages                   []models.Message
	MessagesNext               *string
	Evidence                   []models.Evidence
	CanMessage, CanAddEvidence bool
}

// View opens a record for its page (ENOTFOUND when the user may not see it) with the pages of
// its timeline and messages the cursors ask for.
func (e *Engine) View(ctx context.Context, u *models.User, kind, id string, timeline, messages models.Page) (*View, error) {
	rec, rels, err := e.Open(ctx, u, kind, id)
	if err != nil {
		return nil, err
	}
	wf, st := e.flows[kind], rec.State()
	v := &View{Record: rec, Actions: e.available(wf, rec, rels),
		CanMessage:     e.policy.Allowed(rels, st.Jurisdiction, wf.Object, "message", st.Status),
		CanAddEvidence: e.policy.Allowed(rels, st.Jurisdiction, wf.Object, "evidence", st.Status)}
	if v.Timeline, v.TimelineNext, err = e.store.Timeline(ctx, kind, id, timeline); err != nil {
		return nil, err
	}
	if v.Messages, v.MessagesNext, err = e.store.Messages(ctx, kind, id, messages); err != nil {
		return nil, err
	}
	if v.Evidence, _, err = e.store.ListEvidence(ctx, kind, id, models.Page{Limit: models.MaxPageLimit}); err != nil {
		return nil, err
	}
	return v, nil
}

// check says whether the relations may take the action in the record's current state:
// nil, EFORBIDDEN (never theirs to take) or ECONFLICT (theirs, but not now).
func (e *Engine) check(wf *Workflow, a *Action, rec Record, rels []string, now time.Time) error {
	st := rec.State()
	if a.startsFrom(st.Status) {
		if !e.policy.Allowed(rels, st.Jurisdiction, wf.Object, a.Name, st.Status) {
			return models.Errorf(models.EFORBIDDEN, "forbidden")
		}
		if a.Guard != nil {
			return a.Guard(rec, rels, now)
		}
		return nil
	}
	for _, from := range a.From {
		if e.policy.Allowed(rels, st.Jurisdiction, wf.Object, a.Name, from) {
			return models.Errorf(models.ECONFLICT, "invalid_in_state")
		}
	}
	return models.Errorf(models.EFORBIDDEN, "forbidden")
}

// File files a new record of a kind for a user: 403 unless the policy lets their roles create
// the kind, 422 if what they send is invalid (payload, a pointer to the kind's Filing.Payload).
func (e *Engine) File(ctx context.Context, u *models.User, kind string, payload any) (Record, error) {
	wf, err := e.flow(kind)
	if err != nil {
		return nil, err
	}
	if wf.Filing == nil || !e.policy.MayAs(u, wf.Object, "create") {
		return nil, models.Errorf(models.EFORBIDDEN, "forbidden")
	}
	return e.file(ctx, u, wf, payload)
}

// file applies a kind's Filing: its effect makes the record, the store writes it.
func (e *Engine) file(ctx context.Context, u *models.User, wf *Workflow, payload any) (Record, error) {
	return e.fileWith(ctx, u, wf, payload, wf.Filing.Effect)
}

// fileWith is file with another effect (a case filed by a complaint's own action).
func (e *Engine) fileWith(ctx context.Context, u *models.User, wf *Workflow, payload any, effect func(s *Step) error) (Record, error) {
	now := e.store.Now()
	if err := validateFiling(payload, now); err != nil {
		return nil, err
	}
	f, rec := wf.Filing, wf.New()
	actor := models.Actor{UserID: u.ID}
	t := &models.Transition{Kind: wf.Kind, Actor: actor, Action: f.Name, To: f.To, At: now, Deadlines: models.Deadlines{}}
	step := &Step{Ctx: ctx, Store: e.store, User: u, Record: rec, Actor: actor, Payload: payload, Now: now,
		Transition: t, object: wf.Object, calendar: e.calendar, engine: e}
	if err := effect(step); err != nil {
		return nil, err
	}
	if len(t.Fields) > 0 || len(step.inTx) > 0 {
		// A filing's effect fills the new record itself and adds nothing to the transaction.
		return nil, fmt.Errorf("workflows: the %s filing sets columns or adds work, which a filing does not write", wf.Kind)
	}
	st := rec.State()
	st.Status, st.Version, st.Deadlines = f.To, 1, t.Deadlines
	relation := f.By
	if rels := models.RelationsOf(wf.Object, rec, u); len(rels) > 0 {
		relation = rels[0]
	}
	if err := e.store.File(ctx, models.Filing{Actor: actor, Action: f.Name, Relation: relation, Notify: t.Notify}, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// validateFiling checks what a filer sends: with its own Validate (given the portal's now when
// it asks for it: dates in the past), else by its tags.
func validateFiling(payload any, now time.Time) error {
	switch p := payload.(type) {
	case interface{ Validate(time.Time) error }:
		return p.Validate(now)
	case interface{ Validate() error }:
		return p.Validate()
	}
	return models.Validate(payload)
}

// FileAs is File with the new record as its model (*models.Complaint, ...).
func FileAs[T any, P interface {
	*T
	Record
}](ctx context.Context, e *Engine, u *models.User, kind string, payload any) (P, error) {
	rec, err := e.File(ctx, u, kind, payload)
	if err != nil {
		return nil, err
	}
	r, ok := rec.(P)
	if !ok {
		return nil, fmt.Errorf("workflows: %s records are not %T", kind, P(nil))
	}
	return r, nil
}

// Do applies an action for a user: 404 if they may not see the record, 403 if the action is not
// theirs, 409 if not valid now (or another action won the race), 422 if the payload is invalid.
func (e *Engine) Do(ctx context.Context, u *models.User, kind, id, name string, body []byte) (Record, error) {
	rec, rels, err := e.Open(ctx, u, kind, id)
	if err != nil {
		return nil, err
	}
	return e.apply(ctx, u, kind, rec, rels, name, body)
}

// Timeout applies the action a deadline names, as the system, if the deadline still stands as
// it was when the job was scheduled. Applying it twice is harmless: the second finds it gone.
// A job that runs before the portal's clock reaches due is snoozed until then.
func (e *Engine) Timeout(ctx context.Context, kind, id, deadline string, due time.Time) error {
	wf, err := e.flow(kind)
	if err != nil {
		return err
	}
	rec := wf.New()
	if err := e.store.LoadRecord(ctx, rec, id); err != nil {
		return err
	}
	action, acts := wf.Timeouts[deadline]
	current, ok := rec.State().Deadlines[deadline]
	if !acts || !ok || !current.Equal(due) {
		return nil // informational deadlines (no timeout action) only show when something is due
	}
	if early := due.Sub(e.store.Now()); early > 0 {
		return river.JobSnooze(max(early, time.Second))
	}
	_, err = e.apply(ctx, nil, kind, rec, []string{"system"}, action, nil)
	if code := models.ErrorCode(err); code == models.ECONFLICT || code == models.EFORBIDDEN {
		return nil // the record moved on, or the action no longer applies: nothing to do
	}
	return err
}

// apply takes an action for u (nil: the system, when a deadline falls).
func (e *Engine) apply(ctx context.Context, u *models.User, kind string, rec Record, rels []string, name string, body []byte) (Record, error) {
	actor := models.SystemActor
	if u != nil {
		actor = models.Actor{UserID: u.ID}
	}
	wf := e.flows[kind]
	var action *Action
	for _, a := range wf.Actions {
		if a.Name == name {
			action = a
		}
	}
	if action == nil {
		return nil, models.Errorf(models.ENOTFOUND, "no_such_action")
	}
	now := e.store.Now()
	if err := e.check(wf, action, rec, rels, now); err != nil {
		return nil, err
	}
	var payload any
	if action.Payload != nil {
		payload = action.Payload()
		if len(body) == 0 {
			body = []byte("{}")
		}
		if len(body) > 0 {
			if err := json.Unmarshal(body, payload); err != nil {
				return nil, &models.Error{Code: models.EBADREQUEST, Message: "bad_json"}
			}
		}
		// A deadline acting as the system brings no payload; the action's effect says what it means.
		if !has(rels, "system") {
			if err := models.Validate(payload); err != nil {
				return nil, err
			}
		}
	}
	st := rec.State()
	t := &models.Transition{
		Kind: kind, RecordID: rec.RecordID(), Actor: actor, Relation: e.relationOf(wf, rels, st, name),
		Action: name, From: st.Status, To: action.To, Version: st.Version, At: now,
		Deadlines: models.Deadlines{}, Payload: payload,
	}
	if t.To == "" {
		t.To = st.Status
	}
	for k, v := range st.Deadlines {
		t.Deadlines[k] = v
	}
	step := &Step{Ctx: ctx, Store: e.store, User: u, Record: rec, Relations: rels, Actor: actor, Payload: payload, Now: now,
		Transition: t, object: wf.Object, calendar: e.calendar, engine: e}
	if action.Effect != nil {
		if err := action.Effect(step); err != nil {
			return nil, err
		}
	}
	// The transition is one statement with its deadlines' jobs; credit records and linked records
	// join it in a transaction.
	t.Schedule = movedDeadlines(st.Deadlines, t.Deadlines)
	var after func(st *models.Store) error
	if len(step.inTx) > 0 {
		after = func(st *models.Store) error {
			for _, fn := range step.inTx {
				if err := fn(st); err != nil {
					return err
				}
			}
			return nil
		}
	}
	applied := wf.New()
	if err := e.store.ApplyTransition(ctx, *t, applied, after); err != nil {
		return nil, err
	}
	return applied, nil
}

// relationOf names the relation under which the actor takes the action, for the timeline.
func (e *Engine) relationOf(wf *Workflow, rels []string, st *models.WorkflowState, action string) string {
	for _, r := range rels {
		if e.policy.Allowed([]string{r}, st.Jurisdiction, wf.Object, action, st.Status) {
			return r
		}
	}
	return ""
}

// movedDeadlines are the deadlines of after that are new or moved since before.
func movedDeadlines(before, after models.Deadlines) models.Deadlines {
	moved := models.Deadlines{}
	for name, due := range after {
		if old, had := before[name]; !had || !old.Equal(due) {
			moved[name] = due
		}
	}
	return moved
}

// Timeline lists the steps of a record the user may see.
func (e *Engine) Timeline(ctx context.Context, u *models.User, kind, id string, page models.Page) ([]models.WorkflowEvent, *string, error) {
	if _, _, err := e.Open(ctx, u, kind, id); err != nil {
		return nil, nil, err
	}
	return e.store.Timeline(ctx, kind, id, page)
}

// DeadlineArgs asks for a deadline's timeout action to be applied when it falls; the steps
// that set deadlines write these jobs (models/deadline_jobs.go).
type DeadlineArgs = models.DeadlineJob

// DeadlineWorker applies timeouts.
type DeadlineWorker struct {
	river.WorkerDefaults[DeadlineArgs]
	engine *Engine
}

// Work applies one timeout.
func (w *DeadlineWorker) Work(ctx context.Context, job *river.Job[DeadlineArgs]) error {
	a := job.Args
	return w.engine.Timeout(ctx, a.Workflow, a.RecordID, a.Deadline, a.Due)
}

// List pages through the records of a kind the user may read, in one status or all: the
// records Open would show them, read with the policy's answer as SQL.
func List[T any, P interface {
	*T
	Record
}](ctx context.Context, e *Engine, u *models.User, kind, status string, page models.Page) ([]T, *string, error) {
	wf, err := e.flow(kind)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := wf.New().(P); !ok {
		return nil, nil, fmt.Errorf("workflows: %s records are not %T", kind, P(nil))
	}
	return models.ListReadable[T, P](ctx, e.store, e.policy.Readable(wf.Object, u), status, page)
}
