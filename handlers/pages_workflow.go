package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/clock"
	"github.com/hzcbec/portal/workflows"
)

// The detail page every workflow record shares: facts, deadlines, the forms of the actions the
// caller may take now (from the engine, like GET .../actions), and the timeline.

// fact is one labelled value on a record page.
type fact struct {
	Label string // catalog id
	Value string
}

// workflowPage is what pages/workflow.html renders.
type workflowPage struct {
	Kind      string // complaints, cases, ...
	ID        string
	Number    string
	Status    string
	Facts     []fact
	Deadlines []fact
	Actions   []workflows.AvailableAction
	Timeline  []models.WorkflowEvent
	Links     []fact // label → href of linked records
	Messages  []models.Message
	Evidence  []models.Evidence
	// TimelineNext and MessagesNext link to the next hundred steps or messages ("" for none).
	TimelineNext, MessagesNext string
	// CanMessage and CanUpload say whether the caller may add to the record now.
	CanMessage, CanUpload bool
	// Arbitrators to choose from, when an action appoints one.
	Arbitrators []models.User
}

// renderWorkflow draws a record's page; errs and failed carry a failed action's form back.
func (h *Handlers) renderWorkflow(c *fiber.Ctx, status int, kind, id string, errs map[string]string, failed string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	u := currentUser(c)
	// The page shows a hundred steps and messages at a time, each list with a link to the next.
	v, err := h.Engine.View(ctx, u, kind, id, models.Page{Limit: models.MaxPageLimit, Cursor: c.Query("timeline_cursor")},
		models.Page{Limit: models.MaxPageLimit, Cursor: c.Query("messages_cursor")})
	if err != nil {
		return err
	}
	rec, st := v.Record, v.Record.State()
	p := workflowPage{Kind: kind, ID: id, Status: st.Status, Actions: v.Actions, Timeline: v.Timeline,
		Messages: v.Messages, Evidence: v.Evidence, TimelineNext: nextPage(c, "timeline_cursor", v.TimelineNext),
		MessagesNext: nextPage(c, "messages_cursor", v.MessagesNext),
		CanMessage:   v.CanMessage, CanUpload: v.CanAddEvidence}
	names := make([]string, 0, len(st.Deadlines))
	for name := range st.Deadlines {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p.Deadlines = append(p.Deadlines, fact{Label: "deadline." + name, Value: localTime(st.Deadlines[name])})
	}
	for _, a := range v.Actions {
		for _, f := range a.Fields {
			if f.Name == "arbitrator_id" && p.Arbitrators == nil {
				if p.Arbitrators, err = h.Store.UsersWithRole(ctx, models.RoleArbitrator); err != nil {
					return err
				}
			}
		}
	}
	switch r := rec.(type) {
	case *models.Complaint:
		p.Number, p.Facts, p.Links = complaintFacts(r)
	case *models.ArbitrationCase:
		p.Number, p.Facts, p.Links = caseFacts(r)
	case *models.Measure:
		p.Number, p.Facts, p.Links = measureFacts(r)
	case *models.Investigation:
		p.Number, p.Facts, p.Links = investigationFacts(r)
	case *models.Claim:
		p.Number, p.Facts, p.Links = claimFacts(r)
	}
	if err := h.nameParties(ctx, p.Facts); err != nil {
		return err
	}
	return render(c, status, "workflow", "kind."+kind, fiber.Map{"Record": p, "Errors": errs, "Failed": failed,
		"Jurisdictions": jurisdictionCodes})
}

// nextPage is this page's address with the list's cursor moved on, or "" when the list ended.
func nextPage(c *fiber.Ctx, param string, next *string) string {
	if next == nil {
		return ""
	}
	q := url.Values{}
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) { q.Set(string(k), string(v)) })
	q.Set(param, *next)
	return c.Path() + "?" + q.Encode()
}

// LocalTime shows a time in Hangzhou's zone (the template function "local").
func LocalTime(t time.Time) string { return localTime(t) }

// localTime shows a time in Hangzhou's zone.
func localTime(t time.Time) string { return t.In(clock.Hangzhou).Format("2006-01-02 15:04") }

// jsonFacts flattens a JSON object (an offer, an award) into labelled facts.
func jsonFacts(prefix string, raw models.JSONText) []fact {
	if raw == nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []fact
	for _, k := range keys {
		v := m[k]
		if v == nil || v == "" {
			continue
		}
		if nested, ok := v.(map[string]any); ok {
			b, _ := json.Marshal(nested)
			out = append(out, jsonFacts(prefix+k+".", b)...)
			continue
		}
		out = append(out, fact{Label: "field_label." + k, Value: fmt.Sprint(v)})
	}
	return out
}

// WorkflowPage shows one record.
func (h *Handlers) WorkflowPage(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return h.renderWorkflow(c, fiber.StatusOK, kind, c.Params("id"), nil, "")
	}
}

// WorkflowActionForm takes an action from the record page's form, then goes back to the page
// (post/redirect/get); invalid input shows the page again with the errors on that form.
func (h *Handlers) WorkflowActionForm(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, name := c.Params("id"), c.Params("name")
		body, err := formJSON(c)
		if err != nil {
			return err
		}
		ctx, cancel := ctx(c)
		defer cancel()
		if _, err := h.Engine.Do(ctx, currentUser(c), kind, id, name, body); err != nil {
			status := fiber.StatusUnprocessableEntity
			switch models.ErrorCode(err) {
			case models.EINVALID:
			case models.ECONFLICT:
				status = fiber.StatusConflict
			default: // not found, not allowed: the error page says so
				return err
			}
			fields, msg, err := h.formErrors(c, err)
			if err != nil {
				return err
			}
			if len(fields) == 0 {
				fields = map[string]string{"_": msg}
			}
			return h.renderWorkflow(c, status, kind, id, fields, name)
		}
		return c.Redirect("/"+kind+"/"+url.PathEscape(id), fiber.StatusSeeOther)
	}
}

// formJSON turns a posted form (without its CSRF field) into the JSON object an action takes.
func formJSON(c *fiber.Ctx) ([]byte, error) {
	m := map[string]any{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if key := string(k); key != "_csrf" && len(v) > 0 {
			m[key] = string(v)
		}
	})
	if at, ok := m["at"].(string); ok { // datetime-local inputs carry no zone: they are Hangzhou time
		if t, ok := clock.When(at).Time(); ok {
			m["at"] = t.UTC()
		}
	}
	return json.Marshal(m)
}

// MessageForm posts a message from the record page, then goes back to it.
func (h *Handlers) MessageForm(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := c.Params("id")
		ctx, cancel := ctx(c)
		defer cancel()
		if _, err := h.Engine.PostMessage(ctx, currentUser(c), kind, id, c.FormValue("body")); err != nil {
			return h.attachmentRefused(c, kind, id, "message", err)
		}
		return c.Redirect("/"+kind+"/"+url.PathEscape(id)+"#messages", fiber.StatusSeeOther)
	}
}

// EvidenceForm uploads a file from the record page, then goes back to it.
func (h *Handlers) EvidenceForm(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := c.Params("id")
		ctx, cancel := ctx(c)
		defer cancel()
		if err := h.Engine.CheckAttach(ctx, currentUser(c), kind, id, "evidence"); err != nil {
			return err
		}
		name, data, err := h.optionalEvidence(c)
		if err == nil && data == nil {
			err = models.Invalid(models.FieldError{Field: "file", Rule: "required"})
		}
		if err == nil {
			_, err = h.Engine.AddEvidence(ctx, currentUser(c), kind, id, name, data)
		}
		if err != nil {
			return h.attachmentRefused(c, kind, id, "evidence", err)
		}
		return c.Redirect("/"+kind+"/"+url.PathEscape(id)+"#evidence", fiber.StatusSeeOther)
	}
}

// attachmentRefused shows the record page again with the reason by the form that failed;
// not-found and not-allowed go to the error page.
func (h *Handlers) attachmentRefused(c *fiber.Ctx, kind, id, form string, err error) error {
	if code := models.ErrorCode(err); code != models.EINVALID {
		return err
	}
	fields, msg, err := h.formErrors(c, err)
	if err != nil {
		return err
	}
	fields["_"+form] = msg
	return h.renderWorkflow(c, fiber.StatusUnprocessableEntity, kind, id, fields, form)
}

// partyFields are the facts whose values are party ids, shown by name.
var partyFields = map[string]bool{"field_label.respondent_id": true, "field_label.platform_id": true, "field_label.target_party_id": true}

func (h *Handlers) nameParties(ctx context.Context, facts []fact) error {
	var ids []string
	for _, f := range facts {
		if partyFields[f.Label] {
			ids = append(ids, f.Value)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	names, err := h.Store.PartyNames(ctx, ids)
	if err != nil {
		return err
	}
	for i, f := range facts {
		if name, ok := names[f.Value]; ok && partyFields[f.Label] {
			facts[i].Value = name
		}
	}
	return nil
}
