package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hzcbec/portal/models/clock"
	"github.com/hzcbec/portal/models/codes"
	"github.com/hzcbec/portal/models/recalls"
	"gorm.io/gorm"
)

// Hazards are the Safety Gate risk types an alert may name.
var Hazards = []string{"chemical", "choking", "injuries", "electric_shock", "fire", "burns", "cuts", "strangulation",
	"suffocation", "drowning", "entrapment", "damage_to_hearing", "damage_to_sight", "microbiological",
	"environment", "health_risk", "asphyxiation", "security", "other"}

// MeasureKinds are the measures an alert may call for and an inspector may order.
var MeasureKinds = []string{"delist", "sales_ban", "withdrawal", "recall", "destruction", "import_rejection"}

// Alert is a risk alert (风险预警): raised by an inspector, from complaints, or imported from
// the EU Safety Gate and the US CPSC.
type Alert struct {
	ID           string        `json:"id"`
	Number       string        `json:"number"`
	Title        string        `json:"title"`
	Level        string        `json:"level"`
	Hazards      TextList      `json:"hazards" gorm:"type:text[]"`
	ProductIDs   TextList      `json:"product_ids" gorm:"column:product_ids;type:text[]"`
	GTINs        TextList      `json:"gtins" gorm:"column:gtins;type:text[]"`
	BatchIDs     TextList      `json:"batch_ids" gorm:"column:batch_ids;type:text[]"`
	Description  string        `json:"description"`
	Measures     TextList      `json:"measures" gorm:"type:text[]"`
	Public       bool          `json:"public"`
	Source       string        `json:"source"`
	SourceRef    string        `json:"source_ref"`
	Brand        string        `json:"brand"`
	Model        string        `json:"model"`
	Country      string        `json:"country"`
	Product      string        `json:"product"`   // the product as the source names it
	IssuedOn     *CalendarDate `json:"issued_on"` // when the source issued it; nil when it does not say
	External     JSONText      `json:"external,omitempty"`
	Jurisdiction *string       `json:"jurisdiction"`
	CreatedBy    *string       `json:"created_by"`
	CreatedAt    time.Time     `json:"created_at"`
}

// Issued is the day the source issued the alert ("2026-08-27"); for a Safety Gate alert whose
// export gives no day, the year of its number ("2022"); "" when neither is known.
func (a *Alert) Issued() string {
	if a.IssuedOn != nil {
		return string(*a.IssuedOn)
	}
	if a.Source == recalls.SourceSafetyGate {
		return recalls.SafetyGateYear(a.SourceRef)
	}
	return ""
}

// NewAlert is what an inspector raises.
type NewAlert struct {
	Title        string   `json:"title" validate:"required,max=500"`
	Level        string   `json:"level" validate:"required,oneof=low medium high serious"`
	Hazards      []string `json:"hazards" validate:"required,min=1,dive,oneof=chemical choking injuries electric_shock fire burns cuts strangulation suffocation drowning entrapment damage_to_hearing damage_to_sight microbiological environment health_risk asphyxiation security other"`
	ProductIDs   []string `json:"product_ids" validate:"max=100,dive,max=64"`
	GTINs        []string `json:"gtins" validate:"max=100"`
	BatchIDs     []string `json:"batch_ids" validate:"max=100,dive,max=64"`
	Description  string   `json:"description" validate:"required,max=10000"`
	Measures     []string `json:"measures" validate:"dive,oneof=delist sales_ban withdrawal recall destruction import_rejection"`
	Public       bool     `json:"public"`
	InspectionID *string  `json:"inspection_id" validate:"omitempty,max=64"`
}

// CreateAlert stores an inspector's alert: the products, GTINs (normalised to 14 digits) and
// batches must exist or be valid; the inspection it comes from, when named, too. Other products
// and listings with its GTINs are proposed as matches.
func (s *Store) CreateAlert(ctx context.Context, actor Actor, jurisdiction *string, in NewAlert) (*Alert, error) {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	if err := Validate(in); err != nil {
		return nil, err
	}
	gtins := make(TextList, 0, len(in.GTINs))
	for i, g := range in.GTINs {
		n, ok := codes.NormalizeGTIN(g)
		if !ok {
			return nil, Invalid(FieldError{Field: fmt.Sprintf("gtins[%d]", i), Rule: "gtin"})
		}
		gtins = append(gtins, n)
	}
	a := &Alert{ID: newID(), Title: in.Title, Level: in.Level, Hazards: in.Hazards, ProductIDs: nonNil(in.ProductIDs),
		GTINs: gtins, BatchIDs: nonNil(in.BatchIDs), Description: in.Description, Measures: nonNil(in.Measures),
		Public: in.Public, Source: "internal", IssuedOn: today(s.Now()), Jurisdiction: jurisdiction, CreatedBy: &actor.UserID}
	if in.InspectionID != nil {
		a.Source, a.SourceRef = "inspection", *in.InspectionID
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for field, check := range map[string]struct {
			table string
			ids   []string
		}{"product_ids": {"products", a.ProductIDs}, "batch_ids": {"batches", a.BatchIDs}} {
			if err := allExist(tx, check.table, check.ids, field); err != nil {
				return err
			}
		}
		if in.InspectionID != nil {
			if err := allExist(tx, "inspections", []string{*in.InspectionID}, "inspection_id"); err != nil {
				return err
			}
		}
		if err := insertAlert(tx, actor, a); err != nil {
			return err
		}
		_, err := proposeMatches(tx, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// insertAlert numbers and stores an alert with its audit record.
func insertAlert(tx *gorm.DB, actor Actor, a *Alert) error {
	var seq int64
	if err := tx.Raw("SELECT nextval('alert_number_seq')").Scan(&seq).Error; err != nil {
		return err
	}
	a.Number = fmt.Sprintf("RA-%d-%06d", tx.NowFunc().In(clock.Hangzhou).Year(), seq)
	if err := tx.Omit("External", "CreatedAt").Create(a).Error; err != nil {
		return err
	}
	if a.External != nil {
		if err := tx.Exec(`UPDATE alerts SET external = ?::jsonb WHERE id = ?`, string(a.External), a.ID).Error; err != nil {
			return err
		}
	}
	return audit(tx, actor, "alert.create", "alerts", a.ID, nil,
		map[string]any{"number": a.Number, "level": a.Level, "source": a.Source, "public": a.Public})
}

// allExist checks that every id names a row of table (a constant of the caller); a missing one is
// a field error on field[i].
func allExist(tx *gorm.DB, table string, ids []string, field string) error {
	if len(ids) == 0 {
		return nil
	}
	var found []string
	if err := tx.Table(table).Where("id IN ?", ids).Pluck("id", &found).Error; err != nil {
		return err
	}
	have := map[string]bool{}
	for _, id := range found {
		have[id] = true
	}
	for i, id := range ids {
		if !have[id] {
			if len(ids) == 1 && !strings.HasSuffix(field, "s") {
				return Invalid(FieldError{Field: field, Rule: "exists"})
			}
			return Invalid(FieldError{Field: fmt.Sprintf("%s[%d]", field, i), Rule: "exists"})
		}
	}
	return nil
}

// today is the calendar day in Hangzhou at now, the day an internal alert is issued.
func today(now time.Time) *CalendarDate {
	d := CalendarDate(clock.Day(now))
	return &d
}

func nonNil(v []string) TextList {
	if v == nil {
		return TextList{}
	}
	return v
}

// AlertByID loads one alert.
func (s *Store) AlertByID(ctx context.Context, id string) (*Alert, error) {
	var a Alert
	res := s.db.WithContext(ctx).Raw(alertColumns+` WHERE id = ?`, id).Scan(&a)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return &a, nil
}

// AlertsByID loads the alerts of the ids given, by id; ids that name no alert are left out.
func (s *Store) AlertsByID(ctx context.Context, ids []string) (map[string]*Alert, error) {
	out := map[string]*Alert{}
	if len(ids) == 0 {
		return out, nil
	}
	var alerts []Alert
	if err := s.db.WithContext(ctx).Raw(alertColumns+` WHERE id IN ?`, ids).Scan(&alerts).Error; err != nil {
		return nil, err
	}
	for i := range alerts {
		out[alerts[i].ID] = &alerts[i]
	}
	return out, nil
}

const alertColumns = `SELECT id, number, title, level, hazards, product_ids, gtins, batch_ids, description, measures, public,
	source, source_ref, brand, model, country, product, issued_on, external::text AS external, jurisdiction, created_by, created_at FROM alerts`

// ListAlerts pages through alerts, newest first by the day the source issued them (those whose
// source gives no day last), then by id; onlyPublic keeps those shown to everyone. The cursor is
// "day~id" ("-~id" past the dated ones).
func (s *Store) ListAlerts(ctx context.Context, onlyPublic bool, page Page) ([]Alert, *string, error) {
	q := alertColumns + ` WHERE true`
	var args []any
	if onlyPublic {
		q += ` AND public`
	}
	if page.Cursor != "" {
		day, id, ok := strings.Cut(page.Cursor, "~")
		if !ok {
			return nil, nil, Invalid(FieldError{Field: "cursor", Rule: "cursor"})
		}
		if day == "-" {
			q += ` AND issued_on IS NULL AND id < ?`
			args = append(args, id)
		} else {
			if _, err := time.Parse(time.DateOnly, day); err != nil {
				return nil, nil, Invalid(FieldError{Field: "cursor", Rule: "cursor"})
			}
			q += ` AND (issued_on < ?::date OR (issued_on = ?::date AND id < ?) OR issued_on IS NULL)`
			args = append(args, day, day, id)
		}
	}
	q += ` ORDER BY issued_on DESC NULLS LAST, id DESC LIMIT ?`
	args = append(args, page.Limit+1)
	var out []Alert
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(a Alert) string {
		if a.IssuedOn == nil {
			return "-~" + a.ID
		}
		return string(*a.IssuedOn) + "~" + a.ID
	})
}
