package search

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"

	"github.com/hzcbec/portal/models"
)

// Document is one record in the index. Dates are unix seconds, so they filter and sort.
// public, type, access, status and jurisdiction say who may see it (access.go): access carries
// the record's relations as terms, and the live policy says which may read in which state.
type Document struct {
	ID            string   `json:"id"`
	Type          string   `json:"type"`
	RecordID      string   `json:"record_id"`
	Number        string   `json:"number"`
	Title         string   `json:"title"`
	Body          string   `json:"body"`
	Parties       []string `json:"parties"`
	Keywords      []string `json:"keywords"`
	Status        string   `json:"status"`
	Category      string   `json:"category"`
	Level         string   `json:"level"`
	Hazards       []string `json:"hazards"`
	OriginCountry string   `json:"origin_country"`
	Jurisdiction  string   `json:"jurisdiction"`
	PartyIDs      []string `json:"party_ids"`
	Date          int64    `json:"date"`
	CreatedAt     int64    `json:"created_at"`
	UpdatedAt     int64    `json:"updated_at"`
	URL           string   `json:"url"`
	Public        bool     `json:"public"`
	Access        []string `json:"access"`
}

var safeID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,400}$`)

// DocumentID is the index's id of a record's document of a type: "<type>-<id>", or, for an id
// Meilisearch would refuse, "<type>--" and a hash of it.
func DocumentID(typ, id string) string {
	if safeID.MatchString(id) {
		return typ + "-" + id
	}
	sum := sha256.Sum256([]byte(id))
	return typ + "--" + hex.EncodeToString(sum[:16])
}

// NewDocument builds the document of a row. A ruling's text is anonymised here, the way the
// public rulings page shows it: the consumer's name, e-mail and phone numbers never reach the
// index.
func NewDocument(r models.SearchRow) Document {
	d := Document{
		ID: DocumentID(r.Type, r.ID), Type: r.Type, RecordID: r.ID, Number: r.Number, Title: r.Title, Body: r.Body,
		Parties: words(r.Parties), Keywords: words(r.Keywords), Status: r.Status, Category: r.Category, Level: r.Level,
		Hazards: words(r.Hazards), OriginCountry: r.OriginCountry, Jurisdiction: r.Jurisdiction, PartyIDs: words(r.PartyIDs),
		Date: r.Date.Unix(), CreatedAt: r.CreatedAt.Unix(), UpdatedAt: r.UpdatedAt.Unix(), URL: r.URL,
		Public: r.Public, Access: words(r.Access),
	}
	if r.Type == "ruling" {
		d.Title = models.Anonymise(d.Title, r.AnonName, r.AnonEmail)
		d.Body = models.Anonymise(d.Body, r.AnonName, r.AnonEmail)
	}
	return d
}

// text is everything a query may match in a document, for the Postgres fallback's check.
func (d Document) text() string {
	return strings.Join(append([]string{d.Title, d.Number, d.Body, strings.Join(d.Parties, " ")}, d.Keywords...), " ")
}

// words drops empty and repeated values, keeping the order.
func words(in []string) []string {
	out := make([]string, 0, len(in))
	for _, w := range in {
		if w = strings.TrimSpace(w); w != "" && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}
