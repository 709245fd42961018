package models

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/hzcbec/portal/models/clock"
	"github.com/hzcbec/portal/models/codes"
	"github.com/hzcbec/portal/models/creditscore"
	"gorm.io/gorm"
)

// Listing is an online discovery (网上发现): a product page on a platform by a merchant, as an
// inspector found it, with the GTINs seen on the page.
type Listing struct {
	ID           string    `json:"id"`
	PlatformID   string    `json:"platform_id"`
	MerchantID   string    `json:"merchant_id"`
	URL          string    `json:"url" gorm:"column:url"`
	Title        string    `json:"title"`
	Price        string    `json:"price"`
	Currency     string    `json:"currency"`
	ProductID    *string   `json:"product_id"`
	GTINs        TextList  `json:"gtins" gorm:"column:gtins;type:text[]"`
	DiscoveredAt time.Time `json:"discovered_at"`
	DiscoveredBy *string   `json:"discovered_by"`
	Status       string    `json:"status"`
	// FlaggedForInspection is set when the merchant's credit grade was D at discovery.
	FlaggedForInspection bool      `json:"flagged_for_inspection"`
	FlagReason           string    `json:"flag_reason"`
	CreatedAt            time.Time `json:"created_at"`
	UpdatedAt            time.Time `json:"updated_at"`
}

// ListingSnapshotKind is the evidence kind of listings' captured pages.
const ListingSnapshotKind = "listings"

// ListingView is a listing with its captured pages, oldest first.
type ListingView struct {
	Listing
	Snapshots []Evidence `json:"snapshots"`
}

// NewListing is a discovery an inspector records; discovered_at defaults to now.
type NewListing struct {
	PlatformID   string     `json:"platform_id" validate:"required,max=64"`
	MerchantID   string     `json:"merchant_id" validate:"required,max=64"`
	URL          string     `json:"url" validate:"required,http_url,max=2000"`
	Title        string     `json:"title" validate:"required,max=500"`
	Price        string     `json:"price" validate:"required,money"`
	Currency     string     `json:"currency" validate:"required,iso4217"`
	ProductID    *string    `json:"product_id" validate:"omitempty,max=64"`
	GTINs        []string   `json:"gtins" validate:"max=50,dive,gtin"`
	DiscoveredAt clock.When `json:"discovered_at"` // a time, or a day in Hangzhou (clock.When); empty: now

	discoveredAt time.Time // DiscoveredAt as read by Validate
}

// Validate checks the fields, turns the GTINs into 14 digits (once each) and reads discovered_at
// (now when not given; never after now).
func (in *NewListing) Validate(now time.Time) error {
	trimAll(&in.PlatformID, &in.MerchantID, &in.URL, &in.Title, &in.Price, &in.Currency)
	in.Currency = strings.ToUpper(in.Currency)
	optionalID(&in.ProductID)
	var bad *FieldError
	in.discoveredAt, bad = happened("discovered_at", in.DiscoveredAt, now)
	if err := withFields(Validate(in), addField(nil, bad)...); err != nil {
		return err
	}
	seen := map[string]bool{}
	gtins := make([]string, 0, len(in.GTINs))
	for _, g := range in.GTINs {
		if n, _ := codes.NormalizeGTIN(g); !seen[n] {
			seen[n] = true
			gtins = append(gtins, n)
		}
	}
	in.GTINs = gtins
	if in.discoveredAt.IsZero() {
		in.discoveredAt = now.UTC().Truncate(time.Microsecond)
	}
	return nil
}

// CreateListing records a discovery with its audit record. The platform must be a party of kind
// platform, the merchant of kind merchant or ebc, the product (when given) a registered one.
func (s *Store) CreateListing(ctx context.Context, actor Actor, in NewListing) (*ListingView, error) {
	if err := in.Validate(s.Now()); err != nil {
		return nil, err
	}
	l := &Listing{ID: newID(), PlatformID: in.PlatformID, MerchantID: in.MerchantID, URL: in.URL, Title: in.Title,
		Price: in.Price, Currency: in.Currency, ProductID: in.ProductID, GTINs: TextList(in.GTINs),
		DiscoveredAt: in.discoveredAt, DiscoveredBy: actorUser(actor), Status: "active"}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		fields, err := checkPartyRefs(tx,
			partyRef{"platform_id", &l.PlatformID, []string{"platform"}},
			partyRef{"merchant_id", &l.MerchantID, []string{"merchant", "ebc"}})
		if err != nil {
			return err
		}
		if l.ProductID != nil {
			if ok, err := rowExists(tx, "products", *l.ProductID); err != nil {
				return err
			} else if !ok {
				fields = append(fields, FieldError{Field: "product_id", Rule: "exists"})
			}
		}
		if len(fields) > 0 {
			return Invalid(fields...)
		}
		if err := flagByGrade(tx, l); err != nil {
			return err
		}
		if err := tx.Create(l).Error; err != nil {
			return err
		}
		return audit(tx, actor, "listing.create", "listing", l.ID, nil, l)
	})
	if err != nil {
		return nil, err
	}
	return s.ListingByID(ctx, l.ID)
}

// ListingByID loads one listing with its snapshots.
func (s *Store) ListingByID(ctx context.Context, id string) (*ListingView, error) {
	var v ListingView
	res := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&v.Listing)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	v.Snapshots = []Evidence{}
	err := s.db.WithContext(ctx).Where("kind = ? AND record_id = ?", ListingSnapshotKind, id).Order("id").Limit(MaxPageLimit).Find(&v.Snapshots).Error
	return &v, err
}

// ListingFilter narrows the list of listings: by product, merchant, platform, a GTIN seen, status.
type ListingFilter struct {
	ProductID  string
	MerchantID string
	PlatformID string
	GTIN       string
	Status     string
}

// ListListings pages through the listings, newest first; a GTIN filter that is not a valid GTIN
// is a field error.
func (s *Store) ListListings(ctx context.Context, f ListingFilter, page Page) ([]Listing, *string, error) {
	q := s.db.WithContext(ctx).Model(&Listing{}).Order("id DESC").Limit(page.Limit + 1)
	for col, v := range map[string]string{"product_id": f.ProductID, "merchant_id": f.MerchantID,
		"platform_id": f.PlatformID, "status": f.Status} {
		if v != "" {
			q = q.Where(col+" = ?", v)
		}
	}
	if f.GTIN != "" {
		g, ok := codes.NormalizeGTIN(f.GTIN)
		if !ok {
			return nil, nil, Invalid(FieldError{Field: "gtin", Rule: "gtin"})
		}
		q = q.Where("gtins @> ARRAY[?]::text[]", g)
	}
	if page.Cursor != "" {
		q = q.Where("id < ?", page.Cursor)
	}
	var out []Listing
	if err := q.Find(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(l Listing) string { return l.ID })
}

// AddListingSnapshot stores the row of a listing's captured page (evidence of kind "listings")
// with its audit record, in one transaction: ENOTFOUND when there is no such listing. The file
// must already be on disk under its SHA-256.
func (s *Store) AddListingSnapshot(ctx context.Context, actor Actor, listingID string, ev *Evidence) error {
	return s.AddRecordFile(ctx, actor, "listings", "snapshot", listingID, "listing.snapshot", ev)
}

// recordFileTables are the records outside the workflows that keep files, by evidence kind.
var recordFileTables = map[string]string{ListingSnapshotKind: "listings", "inspections": "inspections"}

// AddRecordFile stores the row of a file kept on a record (a listing's snapshot, an inspection's
// report) with its audit record, in one transaction: ENOTFOUND when there is no such record.
func (s *Store) AddRecordFile(ctx context.Context, actor Actor, kind, relation, recordID, action string, ev *Evidence) error {
	ev.ID = newID()
	ev.Kind, ev.RecordID, ev.UploadedBy, ev.Relation = kind, recordID, actor.UserID, relation
	ev.CreatedAt = s.stamp()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ok, err := rowExists(tx, recordFileTables[kind], recordID)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(ENOTFOUND, "not_found")
		}
		if err := tx.Create(ev).Error; err != nil {
			return err
		}
		return audit(tx, actor, action, kind, recordID, nil, map[string]any{
			"evidence_id": ev.ID, "name": ev.Name, "content_type": ev.ContentType, "sha256": hex.EncodeToString(ev.SHA256)})
	})
}

// flagByGrade flags a new listing for inspection when its merchant's credit grade is D: grades
// drive supervision (Art. 20, 31).
func flagByGrade(tx *gorm.DB, l *Listing) error {
	var records []CreditRecord
	if err := tx.Where("party_id = ?", l.MerchantID).Find(&records).Error; err != nil {
		return err
	}
	if score := creditscore.Compute(creditMarks(records), tx.NowFunc()); score.Grade == "D" {
		l.FlaggedForInspection = true
		l.FlagReason = fmt.Sprintf("merchant credit grade D (score %.2f)", score.Score)
	}
	return nil
}
