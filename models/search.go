package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// SearchTables are the kinds of searchable record, each one table, in the order reindexing
// walks them. A "case" record is also its published ruling (document type "ruling").
var SearchTables = []string{"product", "listing", "inspection", "alert", "complaint", "claim", "case"}

// SearchTypes are the document types of the index: one per searchable table, plus rulings.
var SearchTypes = []string{"product", "listing", "inspection", "alert", "ruling", "complaint", "claim", "case"}

// SearchDocTypes are the document types a record of table gives.
func SearchDocTypes(table string) []string {
	if table == "case" {
		return []string{"case", "ruling"}
	}
	return []string{table}
}

// SearchRow is one searchable record as the index sees it, read from Postgres: its words, its
// filters and who may see it. Private records name who may open them: users (the complainant),
// parties with the role of their staff ("merchant:<party>" for the respondent's merchants,
// "platform:<party>" for the platform's operators), jurisdictions (their inspectors) and roles
// (every admin, every arbitrator); public ones are for everyone. Products, listings,
// inspections and alerts that are not public are for whoever the access policy lets read the
// kind as a whole (inspectors and admins).
type SearchRow struct {
	Type          string
	ID            string
	Number        string
	Title         string
	Body          string
	Parties       []string // party names
	Keywords      []string // brands, models, GTINs, order references, hazards
	Status        string
	Category      string
	Level         string
	Hazards       []string
	OriginCountry string
	Jurisdiction  string
	PartyIDs      []string
	Date          time.Time // the record's own date: filed, sampled, discovered, issued or published
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Public        bool
	Access        []string // the access terms of a workflow record (relations.go)
	// AnonName and AnonEmail are the consumer that Anonymise removes from a ruling's text.
	AnonName  string
	AnonEmail string
	URL       string
}

// searchColumns are the columns every leg of searchSQL gives, in SearchRow's order.
const searchColumns = `d.type, d.id, d.number, d.title, d.body, d.parties, d.keywords, d.status, d.category, d.level,
	d.hazards, d.origin_country, d.jurisdiction, d.party_ids, d.date, d.created_at, d.updated_at,
	d.public, d.access, d.anon_name, d.anon_email, d.url`

// searchText is each table's own searchable text, the expression its trigram index was built on
// (migrations/00030_search.sql): the same text, character for character, or the index is not used.
var searchText = map[string]string{
	"product":    `(p.name || ' ' || p.name_en || ' ' || p.brand || ' ' || p.model || ' ' || coalesce(p.gtin::text, '') || ' ' || coalesce(p.hs_code::text, ''))`,
	"listing":    `(l.title || ' ' || l.url || ' ' || search_join(l.gtins))`,
	"inspection": `(i.report_no || ' ' || search_items(i.items))`,
	"alert": `(a.number || ' ' || a.title || ' ' || a.description || ' ' || a.product || ' ' || a.brand || ' ' || a.model || ' '
		|| search_join(a.hazards) || ' ' || search_join(a.gtins) || ' ' || a.source_ref)`,
	"complaint": `(c.number || ' ' || c.order_ref || ' ' || c.description || ' ' || c.request || ' ' || c.listing_url)`,
	"claim":     `(c.number || ' ' || c.order_ref || ' ' || c.reason)`,
	"case":      `(c.number || ' ' || c.claim || ' ' || coalesce(c.award ->> 'reasoning', ''))`,
}

// searchLegs read each document type. Postgres pushes the outer conditions (type, id, access,
// text) into every leg of the UNION ALL, so a lookup by id is a primary-key read and a text
// match a trigram index scan.
var searchLegs = map[string]string{
	"product": `SELECT 'product'::text AS type, p.id, coalesce(p.gtin::text, '') AS number, p.name AS title,
		concat_ws(' ', nullif(p.name_en, ''), p.brand, nullif(p.model, '')) AS body,
		ARRAY[coalesce(m.name, ''), coalesce(m.name_en, '')] AS parties,
		ARRAY[p.brand, p.model, coalesce(p.gtin::text, ''), coalesce(p.hs_code::text, '')] AS keywords,
		''::text AS status, p.category, ''::text AS level, '{}'::text[] AS hazards, p.origin_country::text AS origin_country,
		coalesce(m.jurisdiction, '') AS jurisdiction,
		CASE WHEN p.manufacturer_id IS NULL THEN '{}'::text[] ELSE ARRAY[p.manufacturer_id] END AS party_ids,
		p.created_at AS date, p.created_at, p.updated_at,
		false AS public, '{}'::text[] AS access,
		''::text AS anon_name, ''::text AS anon_email, '/products/' || p.id || '/trace' AS url, ` + searchText["product"] + ` AS search_text
		FROM products p LEFT JOIN parties m ON m.id = p.manufacturer_id`,
	"listing": `SELECT 'listing'::text, l.id, ''::text, l.title, l.url,
		ARRAY[mp.name, mp.name_en, pp.name, pp.name_en], l.gtins,
		l.status, ''::text, ''::text, '{}'::text[], ''::text, coalesce(mp.jurisdiction, ''),
		ARRAY[l.merchant_id, l.platform_id], l.discovered_at, l.created_at, l.updated_at,
		false, '{}'::text[], ''::text, ''::text, '/listings/' || l.id, ` + searchText["listing"] + `
		FROM listings l JOIN parties mp ON mp.id = l.merchant_id JOIN parties pp ON pp.id = l.platform_id`,
	"inspection": `SELECT 'inspection'::text, i.id, i.report_no, concat_ws(' ', pr.name, nullif(pr.name_en, '')), search_items(i.items),
		ARRAY[coalesce(lab.name, ''), coalesce(lab.name_en, '')], ARRAY[pr.brand, pr.model, coalesce(pr.gtin::text, '')],
		i.conclusion, i.kind, ''::text, '{}'::text[], pr.origin_country::text, coalesce(i.jurisdiction, ''),
		CASE WHEN i.lab_id IS NULL THEN '{}'::text[] ELSE ARRAY[i.lab_id] END, i.sampled_at, i.created_at, i.created_at,
		false, '{}'::text[], ''::text, ''::text,
		CASE WHEN i.listing_id IS NOT NULL THEN '/listings/' || i.listing_id ELSE '/products/' || i.product_id || '/trace' END,
		` + searchText["inspection"] + `
		FROM inspections i JOIN products pr ON pr.id = i.product_id LEFT JOIN parties lab ON lab.id = i.lab_id`,
	"alert": `SELECT 'alert'::text, a.id, a.number, a.title, concat_ws(E'\n', nullif(a.description, ''), nullif(a.product, '')),
		'{}'::text[], ARRAY[a.brand, a.model, a.source_ref] || a.gtins || a.hazards,
		''::text, a.source, a.level, a.hazards, a.country, coalesce(a.jurisdiction, ''),
		'{}'::text[], coalesce(a.issued_on::timestamptz, a.created_at), a.created_at, a.created_at,
		a.public, '{}'::text[], ''::text, ''::text,
		CASE WHEN a.public THEN '/alerts/' || a.id ELSE '/api/v1/alerts/' || a.id END, ` + searchText["alert"] + `
		FROM alerts a`,
	"complaint": `SELECT 'complaint'::text, c.id, c.number, c.number || ' ' || rp.name, c.description || E'\n' || c.request,
		ARRAY[rp.name, rp.name_en, coalesce(pp.name, ''), coalesce(pp.name_en, '')], ARRAY[c.order_ref, c.listing_url],
		c.status, c.category, ''::text, '{}'::text[], ''::text, c.jurisdiction,
		CASE WHEN c.platform_id IS NULL THEN ARRAY[c.respondent_id] ELSE ARRAY[c.respondent_id, c.platform_id] END,
		c.created_at, c.created_at, c.updated_at,
		false, ` + accessTermsSQL("complaint", "c") + `, ''::text, ''::text, '/complaints/' || c.id, ` + searchText["complaint"] + `
		FROM complaints c JOIN parties rp ON rp.id = c.respondent_id LEFT JOIN parties pp ON pp.id = c.platform_id`,
	"claim": `SELECT 'claim'::text, c.id, c.number, c.number || ' ' || rp.name, c.reason,
		ARRAY[rp.name, rp.name_en], ARRAY[c.order_ref],
		c.status, c.type, ''::text, '{}'::text[], ''::text, c.jurisdiction, ARRAY[c.respondent_id],
		c.created_at, c.created_at, c.updated_at,
		false, ` + accessTermsSQL("claim", "c") + `, ''::text, ''::text,
		'/claims/' || c.id, ` + searchText["claim"] + `
		FROM claims c JOIN parties rp ON rp.id = c.respondent_id`,
	"case": `SELECT 'case'::text, c.id, c.number, c.number || ' ' || rp.name, c.claim || E'\n' || coalesce(c.award ->> 'reasoning', ''),
		ARRAY[rp.name, rp.name_en], '{}'::text[],
		c.status, c.procedure, ''::text, '{}'::text[], ''::text, c.jurisdiction, ARRAY[c.respondent_id],
		c.created_at, c.created_at, c.updated_at,
		false, ` + accessTermsSQL("case", "c") + `, ''::text, ''::text,
		'/cases/' || c.id, ` + searchText["case"] + `
		FROM cases c JOIN parties rp ON rp.id = c.respondent_id`,
	// A published award, for everyone; its text is anonymised (search builds it with Anonymise).
	"ruling": `SELECT 'ruling'::text, c.id, c.number, c.number || ' ' || rp.name, c.claim || E'\n' || coalesce(c.award ->> 'reasoning', ''),
		ARRAY[rp.name, rp.name_en], '{}'::text[],
		c.status, c.procedure, ''::text, '{}'::text[], ''::text, c.jurisdiction, ARRAY[c.respondent_id],
		c.published_at, c.created_at, c.updated_at,
		true, '{}'::text[], u.name, u.email,
		'/rulings#' || c.id, ` + searchText["case"] + `
		FROM cases c JOIN parties rp ON rp.id = c.respondent_id JOIN users u ON u.id = c.claimant_id
		WHERE c.published_at IS NOT NULL`,
}

// searchSQL is every leg, as one relation d.
var searchSQL = func() string {
	legs := make([]string, len(SearchTypes))
	for i, t := range SearchTypes {
		legs[i] = searchLegs[t]
	}
	return "(" + strings.Join(legs, "\nUNION ALL\n") + ") d"
}()

// searchTable maps a record kind to its table.
var searchTable = map[string]string{"product": "products", "listing": "listings", "inspection": "inspections",
	"alert": "alerts", "complaint": "complaints", "claim": "claims", "case": "cases"}

func scanSearchRows(rows pgx.Rows) ([]SearchRow, error) {
	defer rows.Close()
	var out []SearchRow
	for rows.Next() {
		var r SearchRow
		if err := rows.Scan(&r.Type, &r.ID, &r.Number, &r.Title, &r.Body, &r.Parties, &r.Keywords, &r.Status, &r.Category,
			&r.Level, &r.Hazards, &r.OriginCountry, &r.Jurisdiction, &r.PartyIDs, &r.Date, &r.CreatedAt, &r.UpdatedAt,
			&r.Public, &r.Access, &r.AnonName, &r.AnonEmail, &r.URL); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SearchRecords reads the search rows of records of one table (nil when a record is gone) and
// calls send with them while holding a lock on each record, so two workers indexing the same
// record send what they read in the order they read it: the last one sent is the newest.
func (s *Store) SearchRecords(ctx context.Context, table string, ids []string, send func([]SearchRow) error) error {
	if searchTable[table] == "" {
		return fmt.Errorf("search: no table of kind %q", table)
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('search:' || $1 || ':' || id, 0))
			FROM unnest($2::text[]) AS id ORDER BY id`, table, ids); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+searchColumns+` FROM `+searchSQL+` WHERE d.type = ANY($1) AND d.id = ANY($2)`,
			SearchDocTypes(table), ids)
		if err != nil {
			return err
		}
		found, err := scanSearchRows(rows)
		if err != nil {
			return err
		}
		return send(found)
	})
}

// SearchIDs pages through the ids of a table in id order, after the given id.
func (s *Store) SearchIDs(ctx context.Context, table, after string, limit int) ([]string, error) {
	t := searchTable[table]
	if t == "" {
		return nil, fmt.Errorf("search: no table of kind %q", table)
	}
	rows, err := s.pool.Query(ctx, `SELECT id FROM `+t+` WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// SearchCount counts the records of a table.
func (s *Store) SearchCount(ctx context.Context, table string) (int, error) {
	t := searchTable[table]
	if t == "" {
		return 0, fmt.Errorf("search: no table of kind %q", table)
	}
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM `+t).Scan(&n)
	return n, err
}

// SearchViewer is what the searcher may read: the document types they read as a whole (the
// access policy's read on the kind, by role) and, of the workflow kinds, what the live policy
// lets the relations they hold read (Policy.Readable).
type SearchViewer struct {
	Kinds []string
	Reads []Access
}

// SearchMatch is a text search in Postgres, for when Meilisearch is away: every term must occur
// in the record's own text (one of its alternatives, the term and its synonyms).
type SearchMatch struct {
	Types  []string
	Terms  [][]string
	Viewer SearchViewer
	Limit  int
}

// SearchFallback finds the records a viewer may see whose own text holds every term, newest
// first. The text is each table's own (numbers, descriptions, titles, brands, GTINs), not the
// names of parties, so each term is a trigram index scan.
func (s *Store) SearchFallback(ctx context.Context, m SearchMatch) ([]SearchRow, error) {
	var args sqlArgs
	where := []string{"d.type = ANY(" + args.pgx(m.Types) + ")",
		"(d.public OR d.type = ANY(" + args.pgx(orEmpty(m.Viewer.Kinds)) + ") OR " + searchWhere(m.Viewer.Reads, args.pgx) + ")"}
	for _, alternatives := range m.Terms {
		var ors []string
		for _, a := range alternatives {
			ors = append(ors, "d.search_text ILIKE "+args.pgx("%"+likeEscape(a)+"%"))
		}
		if len(ors) > 0 {
			where = append(where, "("+strings.Join(ors, " OR ")+")")
		}
	}
	limit := args.pgx(m.Limit)
	rows, err := s.pool.Query(ctx, `SELECT `+searchColumns+` FROM `+searchSQL+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY d.date DESC, d.id DESC LIMIT `+limit, args...)
	if err != nil {
		return nil, err
	}
	return scanSearchRows(rows)
}

// SearchBacklog counts the indexing jobs not yet done (waiting, retrying or running).
func (s *Store) SearchBacklog(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'search_index'
		AND state IN ('available', 'scheduled', 'retryable', 'running', 'pending')`).Scan(&n)
	return n, err
}

// ResumeSearchJobs makes the indexing jobs that wait due now, so a backlog drains as soon as
// Meilisearch answers rather than at each job's next try: those snoozed while it was away
// (state scheduled) and, with retrying, those failed and waiting for their backoff. River's
// scheduler does the same to jobs whose time has come.
func (s *Store) ResumeSearchJobs(ctx context.Context, retrying bool) (int64, error) {
	states := []string{"scheduled"}
	if retrying {
		states = append(states, "retryable")
	}
	tag, err := s.pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now()
		WHERE kind = 'search_index' AND state = ANY($1::river_job_state[]) AND scheduled_at > now()`, states)
	return tag.RowsAffected(), err
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// orEmpty makes a nil list an empty array for Postgres (a nil one is NULL, which && never matches).
func orEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
