package models

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"gorm.io/gorm"
)

// What the traceability registry's records (parties, products, listings, declarations,
// shipments, trace events) share: references to parties of the right kind, quantities and
// calendar days.

// partyRef is a party a new record names in one of its fields, and the kinds it must be of
// (none: any kind).
type partyRef struct {
	field string
	id    *string
	kinds []string
}

// checkPartyRefs names every field whose party is missing (rule "exists") or of another kind
// (rule "party_kind", the kinds allowed as Param).
func checkPartyRefs(tx *gorm.DB, refs ...partyRef) ([]FieldError, error) {
	var ids []string
	for _, r := range refs {
		if r.id != nil {
			ids = append(ids, *r.id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var found []Party
	if err := tx.Select("id", "kind").Where("id IN ?", ids).Find(&found).Error; err != nil {
		return nil, err
	}
	kindOf := make(map[string]string, len(found))
	for _, p := range found {
		kindOf[p.ID] = p.Kind
	}
	var fields []FieldError
	for _, r := range refs {
		if r.id == nil {
			continue
		}
		kind, ok := kindOf[*r.id]
		switch {
		case !ok:
			fields = append(fields, FieldError{Field: r.field, Rule: "exists"})
		case len(r.kinds) > 0 && !slices.Contains(r.kinds, kind):
			fields = append(fields, FieldError{Field: r.field, Rule: "party_kind", Param: strings.Join(r.kinds, ", ")})
		}
	}
	return fields, nil
}

// rowExists tells whether table has a row with this id.
func rowExists(tx *gorm.DB, table, id string) (bool, error) {
	var n int64
	err := tx.Table(table).Where("id = ?", id).Limit(1).Count(&n).Error
	return n > 0, err
}

// withFields adds field errors to what Validate returned: one EINVALID naming them all, nil when
// there are none; any other error passes through.
func withFields(err error, more ...FieldError) error {
	if err == nil {
		if len(more) == 0 {
			return nil
		}
		return Invalid(more...)
	}
	var e *Error
	if errors.As(err, &e) && e.Code == EINVALID {
		e.Fields = append(e.Fields, more...)
	}
	return err
}

// duplicate is the answer to a unique key taken: 409, naming the field.
func duplicate(field string) error {
	return &Error{Code: ECONFLICT, Message: "duplicate", Fields: []FieldError{{Field: field, Rule: "unique"}}}
}

// trimAll trims the spaces around each string a pointer points at.
func trimAll(ps ...*string) {
	for _, p := range ps {
		*p = strings.TrimSpace(*p)
	}
}

// optionalID drops an id that is only spaces, so "" means "not given".
func optionalID(p **string) {
	if *p == nil {
		return
	}
	if v := strings.TrimSpace(**p); v != "" {
		*p = &v
	} else {
		*p = nil
	}
}

// Quantity is a decimal amount of goods (numeric(14,3)): a JSON number or a decimal string on
// the way in, a JSON number on the way out.
type Quantity string

// UnmarshalJSON takes 12, 12.5 or "12.5".
func (q *Quantity) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("quantity: a number or a decimal string: %w", err)
		}
		n = json.Number(s)
	}
	*q = Quantity(strings.TrimSpace(string(n)))
	return nil
}

// MarshalJSON writes the number without trailing zeros: "2.500" as 2.5.
func (q Quantity) MarshalJSON() ([]byte, error) {
	s := string(q)
	if !quantityPattern.MatchString(s) {
		return json.Marshal(s)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return []byte(s), nil
}

// Value writes the decimal.
func (q Quantity) Value() (driver.Value, error) { return string(q), nil }

var quantityPattern = regexp.MustCompile(`^[0-9]{1,11}(\.[0-9]{1,3})?$`)

// positiveQuantity: a decimal with at most three decimals (numeric(14,3)), above zero.
func positiveQuantity(s string) bool {
	return quantityPattern.MatchString(s) && strings.Trim(s, "0.") != ""
}

// CalendarDate is a day without a time ("2026-03-01"), a Postgres date.
type CalendarDate string

// Scan reads a date column.
func (d *CalendarDate) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = CalendarDate(v.Format(time.DateOnly))
	case string:
		*d = CalendarDate(v)
	case []byte:
		*d = CalendarDate(v)
	default:
		return fmt.Errorf("calendar date: cannot scan %T", src)
	}
	return nil
}

// Value writes the day.
func (d CalendarDate) Value() (driver.Value, error) { return string(d), nil }

// parseDay checks an optional "2006-01-02" field: nil when absent, FieldError rule "date" when not a day.
func parseDay(field string, s *string) (*time.Time, *FieldError) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(*s))
	if err != nil {
		return nil, &FieldError{Field: field, Rule: "date"}
	}
	return &t, nil
}

// init adds the validator rule "quantity": a decimal above zero with at most three decimals.
func init() {
	_ = validate.RegisterValidation("quantity", func(fl validator.FieldLevel) bool { return positiveQuantity(fl.Field().String()) })
}
