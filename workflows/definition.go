package workflows

import (
	"reflect"
	"strings"
	"time"

	"github.com/hzcbec/portal/models"
)

// Record is a workflow record as the engine sees it: a pointer to its model (*models.Complaint,
// ...), with its id and shared workflow state.
type Record = models.WorkflowRecord

// Workflow declares one kind of case as data: its states, its actions, its two sides and which
// action each deadline applies. How a user stands to a record (relations) is declared with the
// record's model (models.Relations[Object]).
type Workflow struct {
	Kind   string // the URL segment and table: "complaints"
	Object string // the policy's object kind: "complaint"
	States []string
	// Open states are those a record can still move from (withdraw applies to them).
	Open []string
	// Filing is the kind's first action: it makes a record.
	Filing  *Filing
	Actions []*Action
	// New is an empty record of the kind, to read a record into.
	New func() Record
	// Sides are the relations of the two sides of a dispute, who are told of each other's
	// messages and evidence; none for a kind whose records are not sided.
	Sides []string
	// Timeouts name the action the system applies when a deadline passes.
	Timeouts map[string]string
}

// Filing is the first action of a kind; the policy's "create" on the kind says which roles may
// take it. Payload is what the filer sends (checked by its Validate method, or its tags); Effect
// makes the new record (s.Record, empty) from it: its fields (the filer's among them, which make
// their relation to it), its jurisdiction, its deadlines (s.StartDeadline) and whom to tell
// (s.Notify). The engine writes it in one statement with its number, first step, notices,
// deadline jobs and audit record (models.Store.File).
type Filing struct {
	Name    string // the step: "file", "issue", "handoff"
	To      string // the record's first state
	Payload func() any
	Effect  func(s *Step) error
	// By names the filer's step when they hold no relation to what they file (an office handing
	// a case to another); "" when they always do.
	By string
}

// Action is one step of a workflow.
type Action struct {
	Name string
	From []string
	// To is the state after the action; "" keeps the current one.
	To string
	// Payload returns a new value to decode the request body into; nil means no body.
	Payload func() any
	// Guard is a further condition beyond state and policy (e.g. "only after the deadline");
	// it returns a domain error (ECONFLICT) when it does not hold.
	Guard func(rec Record, relations []string, now time.Time) error
	// Effect fills the transition: fields to set, deadlines to start or stop, who to notify.
	Effect func(s *Step) error
}

func (a *Action) startsFrom(state string) bool {
	for _, f := range a.From {
		if f == state {
			return true
		}
	}
	return false
}

// Field describes one payload field to a client: GET .../actions lists them so pages and API
// clients build the same forms.
type Field struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Options  []string `json:"options,omitempty"`
}

// fieldsOf reads a payload struct's json and validate tags.
func fieldsOf(payload any) []Field {
	if payload == nil {
		return []Field{}
	}
	t := reflect.TypeOf(payload)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	fields := []Field{}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		f := Field{Name: name, Type: "string"}
		switch sf.Type.Kind() {
		case reflect.Int, reflect.Int64, reflect.Float64:
			f.Type = "number"
		case reflect.Bool:
			f.Type = "boolean"
		}
		for _, rule := range strings.Split(sf.Tag.Get("validate"), ",") {
			switch {
			case rule == "required":
				f.Required = true
			case strings.HasPrefix(rule, "oneof="):
				f.Options = strings.Fields(strings.TrimPrefix(rule, "oneof="))
			case rule == "money":
				f.Type = "money"
			case strings.HasPrefix(rule, "datetime") || sf.Type == reflect.TypeOf(time.Time{}):
				f.Type = "datetime"
			}
		}
		fields = append(fields, f)
	}
	return fields
}
