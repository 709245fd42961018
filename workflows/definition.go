package workflows

import (
	"context"
	"reflect"
	"strings"
	"time"

	"github.com/hzcbec/portal/models"
)

// Record is a workflow record as the engine sees it: its shared workflow state and its id.
type Record interface {
	RecordID() string
	State() *models.WorkflowState
	// Row is the model behind the record (*models.Complaint, ...), for reading a row into.
	Row() any
}

// Workflow declares one kind of case as data: its states, its actions, how a user stands to a
// record (relations, derived from the record itself), and which action each deadline applies.
type Workflow struct {
	Kind   string // the URL segment and table: "complaints"
	Object string // the policy's object kind: "complaint"
	States []string
	// Open states are those a record can still move from (withdraw applies to them).
	Open    []string
	Actions []*Action
	// New is an empty record of the kind: an applied action reads the record's new row into it.
	New func() Record
	// Load reads one record.
	Load func(ctx context.Context, store *models.Store, id string) (Record, error)
	// Relations are the ways a user stands to a record: complainant, respondent, ... The policy
	// grants actions to relations, never to single users. A relation is never named like a
	// role (hence "administrator", "platform_operator"): roles inherit "user" and "public" in
	// the policy, and a relation of the same name would inherit their rules too.
	Relations func(rec Record, u *models.User) []string
	// Timeouts name the action the system applies when a deadline passes.
	Timeouts map[string]string
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
