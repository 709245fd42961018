package handlers

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/clock"
)

// The registry pages are the browser half of the traceability registry (parties, products and
// their batches, declarations, shipments, trace events). They call the same model functions as
// the API and show the models' field errors next to the fields; nothing is validated twice.

// formRefused shows a registry form again with the model's field errors (422). Not found and
// not allowed are no mistake of the form: they go to the error page.
func (h *Handlers) formRefused(c *fiber.Ctx, err error, show func(fields map[string]string, msg string) error) error {
	switch models.ErrorCode(err) {
	case models.ENOTFOUND, models.EFORBIDDEN:
		return err
	}
	fields, msg, err := h.formErrors(c, err)
	if err != nil {
		return err
	}
	return show(fields, msg)
}

// optionalField is nil for a field left empty (a select's "—"), else the value typed.
func optionalField(v string) *string {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	return &v
}

// dateTimeLayout is what <input type="datetime-local"> sends.
const dateTimeLayout = "2006-01-02T15:04"

// formDateTime reads a datetime-local input, typed in Hangzhou's time. ok is false for a value
// that is not a time; an empty value is the zero time, ok.
func formDateTime(v string) (t time.Time, ok bool) {
	if w := clock.When(v); !w.IsZero() {
		return w.Time()
	}
	return time.Time{}, true
}

// unreadable names the times that could not be read together with what else the model found
// wrong (err, from the input's Validate), in place of the "required" they got for being empty.
func unreadable(err error, bad ...models.FieldError) error {
	if err == nil {
		return models.Invalid(bad...)
	}
	return mergeInvalid(err, bad)
}

// nowForInput is the present as a datetime-local value, the default of the forms' times.
func (h *Handlers) nowForInput() string {
	return h.Store.Now().In(clock.Hangzhou).Format(dateTimeLayout)
}

// rowIndex matches the index of a row field's error: "lines[1].hs_code".
var rowIndex = regexp.MustCompile(`^([a-z_]+)\[(\d+)\]`)

// renumber names the form's own rows in the errors of a list the form sent without its empty
// rows: the model's lines[1] is the form's row kept[1].
func renumber(fields map[string]string, list string, kept []int) map[string]string {
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		if m := rowIndex.FindStringSubmatch(k); m != nil && m[1] == list {
			if i, err := strconv.Atoi(m[2]); err == nil && i < len(kept) {
				k = list + "[" + strconv.Itoa(kept[i]) + "]" + k[len(m[0]):]
			}
		}
		out[k] = v
	}
	return out
}

// formRows reads how many rows a form with a variable number of rows shows: the count it sent
// (one more when "add a row" was pressed), between 1 and max, else def.
func formRows(c *fiber.Ctx, def, max int) int {
	n, err := strconv.Atoi(c.FormValue("rows"))
	if err != nil || n < 1 {
		n = def
	}
	if c.FormValue("add_row") != "" {
		n++
	}
	return min(n, max)
}
