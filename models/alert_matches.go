package models

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
)

// AlertMatch is a product or listing that an alert may concern, found by the same GTIN (strong)
// or by the same brand and model (weaker), proposed to the inspectors, who confirm or reject it.
type AlertMatch struct {
	ID          string     `json:"id"`
	AlertID     string     `json:"alert_id"`
	AlertNumber string     `json:"alert_number"`
	AlertTitle  string     `json:"alert_title"`
	SubjectType string     `json:"subject_type"` // product, listing
	SubjectID   string     `json:"subject_id"`
	Method      string     `json:"method"` // gtin, brand_model
	Status      string     `json:"status"` // proposed, confirmed, rejected
	DecidedBy   *string    `json:"decided_by"`
	DecidedAt   *time.Time `json:"decided_at"`
	CreatedAt   time.Time  `json:"created_at"`
	// What the inspector compares with the alert: the product's or listing's name, brand, model, GTINs.
	SubjectName  string   `json:"subject_name"`
	SubjectBrand string   `json:"subject_brand"`
	SubjectModel string   `json:"subject_model"`
	SubjectGTINs TextList `json:"subject_gtins" gorm:"column:subject_gtins"`
	SubjectURL   string   `json:"subject_url,omitempty" gorm:"column:subject_url"`
}

// Match methods and statuses.
const (
	MatchGTIN       = "gtin"
	MatchBrandModel = "brand_model"

	MatchProposed  = "proposed"
	MatchConfirmed = "confirmed"
	MatchRejected  = "rejected"
)

// matchBatch is how many alerts one transaction of matching handles.
const matchBatch = 50

// Normalising brands and models. The SQL expressions and the Go functions must agree: a brand is
// compared lowercased without ®, ™ and © and without spaces or dots at its ends ("OPEL." is
// "opel"); a model lowercased without spaces and dashes ("CR-V" is "crv").
const (
	sqlBrand = `btrim(regexp_replace(lower(%s), '[®™©]', '', 'g'), ' .')`
	sqlModel = `regexp_replace(lower(%s), '[[:space:]‐–—-]', '', 'g')`
)

func normBrand(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '®' || r == '™' || r == '©' {
			return -1
		}
		return r
	}, strings.ToLower(s))
	return strings.Trim(s, " .")
}

func normModel(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '‐' || r == '–' || r == '—' {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// modelVariants are the normalised models an alert names: the whole model, and each of a list
// ("Civic, CR-V, Accord", "S60 / V60", "X and Y"). Parts shorter than two characters say too little.
func modelVariants(model string) []string {
	var out []string
	add := func(s string) {
		if n := normModel(s); len([]rune(n)) >= 2 && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	add(model)
	parts := strings.FieldsFunc(model, func(r rune) bool { return r == ',' || r == ';' || r == '/' })
	for _, p := range parts {
		for _, q := range strings.Split(p, " and ") {
			add(q)
		}
	}
	return out
}

// sqlNorm fills a normalising expression with a column.
func sqlNorm(expr, column string) string { return strings.Replace(expr, "%s", column, 1) }

// MatchAlerts finds, for each alert, the products and listings it may concern and proposes each
// once: products whose GTIN is one of the alert's and listings that show one of them, or whose
// product has one (method gtin); then products of the same brand and model, listings of such a
// product, and listings whose title names the brand and a model of at least four characters
// (method brand_model). A subject already proposed, confirmed or rejected for the alert is not
// proposed again. Each proposal is audited as the system's. It returns how many it proposed.
func (s *Store) MatchAlerts(ctx context.Context, alertIDs []string, progress func(n int)) (int, error) {
	proposed := 0
	for start := 0; start < len(alertIDs); start += matchBatch {
		batch := alertIDs[start:min(start+matchBatch, len(alertIDs))]
		n := 0
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			n = 0
			var alerts []Alert
			if err := tx.Raw(`SELECT id, brand, model, gtins, product_ids FROM alerts WHERE id IN ? ORDER BY id`, batch).Scan(&alerts).Error; err != nil {
				return err
			}
			for i := range alerts {
				added, err := proposeMatches(tx, &alerts[i])
				if err != nil {
					return err
				}
				n += added
			}
			return nil
		})
		if err != nil {
			return proposed, err
		}
		proposed += n
		if progress != nil {
			progress(len(batch))
		}
	}
	return proposed, nil
}

// proposeMatches proposes, inside tx, the products and listings an alert may concern that are not
// proposed yet, each with its audit record by the system; products already among the alert's
// own are left out. It returns how many it proposed.
func proposeMatches(tx *gorm.DB, a *Alert) (int, error) {
	found, err := matchCandidates(tx, a.GTINs, a.Brand, a.Model)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range found {
		if c.subjectType == "product" && a.ProductIDs.Has(c.id) {
			continue
		}
		m := AlertMatch{ID: newID(), AlertID: a.ID, SubjectType: c.subjectType, SubjectID: c.id, Method: c.method}
		res := tx.Exec(`INSERT INTO alert_matches (id, alert_id, subject_type, subject_id, method) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (alert_id, subject_type, subject_id) DO NOTHING`, m.ID, m.AlertID, m.SubjectType, m.SubjectID, m.Method)
		if res.Error != nil {
			return n, res.Error
		}
		if res.RowsAffected == 0 {
			continue
		}
		n++
		if err := audit(tx, SystemActor, "alert_match.propose", "alert_match", m.ID, nil, map[string]any{
			"alert_id": m.AlertID, "subject_type": m.SubjectType, "subject_id": m.SubjectID, "method": m.Method}); err != nil {
			return n, err
		}
	}
	return n, nil
}

type candidate struct{ subjectType, id, method string }

// matchCandidates lists the subjects an alert may concern, strongest method first, each once.
func matchCandidates(tx *gorm.DB, gtins []string, brand, model string) ([]candidate, error) {
	var out []candidate
	seen := map[string]bool{}
	add := func(subjectType, method string, ids []string) {
		for _, id := range ids {
			if key := subjectType + "/" + id; !seen[key] {
				seen[key] = true
				out = append(out, candidate{subjectType, id, method})
			}
		}
	}
	if len(gtins) > 0 {
		var products, listings []string
		if err := tx.Raw(`SELECT id FROM products WHERE gtin::text IN ? ORDER BY id`, gtins).Scan(&products).Error; err != nil {
			return nil, err
		}
		if err := tx.Raw(`SELECT id FROM listings WHERE gtins && ?::text[]
			OR product_id IN (SELECT id FROM products WHERE gtin::text IN ?) ORDER BY id`, TextList(gtins), gtins).Scan(&listings).Error; err != nil {
			return nil, err
		}
		add("product", MatchGTIN, products)
		add("listing", MatchGTIN, listings)
	}
	b, models := normBrand(brand), modelVariants(model)
	if b == "" || len(models) == 0 {
		return out, nil
	}
	var products []string
	if err := tx.Raw(`SELECT id FROM products WHERE `+sqlNorm(sqlBrand, "brand")+` = ? AND `+sqlNorm(sqlModel, "model")+` IN ? ORDER BY id`,
		b, models).Scan(&products).Error; err != nil {
		return nil, err
	}
	add("product", MatchBrandModel, products)
	q, args := `SELECT id FROM listings WHERE false`, []any{}
	if len(products) > 0 {
		q += ` OR product_id IN ?`
		args = append(args, products)
	}
	var long TextList
	for _, m := range models {
		if len([]rune(m)) >= 4 && !strings.ContainsAny(m, `,{}"\`) {
			long = append(long, m)
		}
	}
	if len(long) > 0 && normModel(b) != "" {
		title := sqlNorm(sqlModel, "title")
		q += ` OR (strpos(` + title + `, ?) > 0 AND EXISTS (SELECT 1 FROM unnest(?::text[]) AS m (v) WHERE strpos(` + title + `, m.v) > 0))`
		args = append(args, normModel(b), long)
	}
	if len(args) == 0 {
		return out, nil
	}
	var listings []string
	if err := tx.Raw(q+` ORDER BY id`, args...).Scan(&listings).Error; err != nil {
		return nil, err
	}
	add("listing", MatchBrandModel, listings)
	return out, nil
}

const alertMatchColumns = `SELECT m.id, m.alert_id, a.number AS alert_number, a.title AS alert_title, m.subject_type, m.subject_id,
	m.method, m.status, m.decided_by, m.decided_at, m.created_at,
	coalesce(p.name, l.title, '') AS subject_name, coalesce(p.brand, lp.brand, '') AS subject_brand,
	coalesce(p.model, lp.model, '') AS subject_model,
	CASE WHEN m.subject_type = 'listing' THEN coalesce(l.gtins, '{}') WHEN p.gtin IS NULL THEN '{}' ELSE ARRAY[p.gtin::text] END AS subject_gtins,
	coalesce(l.url, '') AS subject_url
	FROM alert_matches m JOIN alerts a ON a.id = m.alert_id
	LEFT JOIN products p ON m.subject_type = 'product' AND p.id = m.subject_id
	LEFT JOIN listings l ON m.subject_type = 'listing' AND l.id = m.subject_id
	LEFT JOIN products lp ON lp.id = l.product_id`

// AlertMatchFilter narrows the list of matches: to one alert, to one status.
type AlertMatchFilter struct {
	AlertID string
	Status  string `validate:"omitempty,oneof=proposed confirmed rejected"`
}

// ListAlertMatches pages through matches, newest first: an alert's, or the inspectors' queue of
// proposals when filtered by status proposed.
func (s *Store) ListAlertMatches(ctx context.Context, f AlertMatchFilter, page Page) ([]AlertMatch, *string, error) {
	if err := Validate(f); err != nil {
		return nil, nil, err
	}
	q := alertMatchColumns + ` WHERE true`
	var args []any
	if f.AlertID != "" {
		q += ` AND m.alert_id = ?`
		args = append(args, f.AlertID)
	}
	if f.Status != "" {
		q += ` AND m.status = ?`
		args = append(args, f.Status)
	}
	if page.Cursor != "" {
		q += ` AND m.id < ?`
		args = append(args, page.Cursor)
	}
	q += ` ORDER BY m.id DESC LIMIT ?`
	args = append(args, page.Limit+1)
	var out []AlertMatch
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(m AlertMatch) string { return m.ID })
}

// DecideAlertMatch confirms or rejects a proposed match of an alert; confirming a product adds it
// to the alert's products. Deciding again the same way changes nothing; the other way is a
// conflict. Each decision is audited.
func (s *Store) DecideAlertMatch(ctx context.Context, actor Actor, alertID, matchID, decision string) (*AlertMatch, error) {
	if decision != MatchConfirmed && decision != MatchRejected {
		return nil, Invalid(FieldError{Field: "decision", Rule: "oneof", Param: "confirmed rejected"})
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var m struct{ SubjectType, SubjectID, Method, Status string }
		res := tx.Raw(`SELECT subject_type, subject_id, method, status FROM alert_matches WHERE id = ? AND alert_id = ? FOR UPDATE`,
			matchID, alertID).Scan(&m)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ENOTFOUND, "not_found")
		}
		if m.Status == decision {
			return nil
		}
		if m.Status != MatchProposed {
			return Errorf(ECONFLICT, "invalid_in_state")
		}
		if err := tx.Exec(`UPDATE alert_matches SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
			decision, actorUser(actor), tx.NowFunc(), matchID).Error; err != nil {
			return err
		}
		if decision == MatchConfirmed && m.SubjectType == "product" {
			if err := tx.Exec(`UPDATE alerts SET product_ids = array_append(product_ids, ?::text) WHERE id = ? AND NOT (?::text = ANY (product_ids))`,
				m.SubjectID, alertID, m.SubjectID).Error; err != nil {
				return err
			}
		}
		action := "alert_match.confirm"
		if decision == MatchRejected {
			action = "alert_match.reject"
		}
		return audit(tx, actor, action, "alert_match", matchID, map[string]any{"status": m.Status},
			map[string]any{"status": decision, "alert_id": alertID, "subject_type": m.SubjectType, "subject_id": m.SubjectID, "method": m.Method})
	})
	if err != nil {
		return nil, err
	}
	return s.alertMatchByID(ctx, matchID)
}

func (s *Store) alertMatchByID(ctx context.Context, id string) (*AlertMatch, error) {
	var m AlertMatch
	res := s.db.WithContext(ctx).Raw(alertMatchColumns+` WHERE m.id = ?`, id).Scan(&m)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return &m, nil
}

// ProductNames maps product ids to their names, for the pages that list an alert's products.
// Ids of no product are left out.
func (s *Store) ProductNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct{ ID, Name string }
	if err := s.db.WithContext(ctx).Raw(`SELECT id, name FROM products WHERE id IN ?`, ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}
