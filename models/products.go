package models

import (
	"context"
	"strings"
	"time"

	"github.com/hzcbec/portal/models/codes"
	"gorm.io/gorm"
)

// Product is a trade item: what a listing sells, a declaration line declares and a trace
// follows back to its manufacturer.
type Product struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	NameEn         string    `json:"name_en"`
	Brand          string    `json:"brand"`
	Model          string    `json:"model"`
	GTIN           *string   `json:"gtin" gorm:"column:gtin"` // 14 digits
	HSCode         *string   `json:"hs_code" gorm:"column:hs_code"`
	Category       string    `json:"category"`
	OriginCountry  string    `json:"origin_country"`
	ManufacturerID *string   `json:"manufacturer_id"`
	CreatedBy      *string   `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// NewProduct is a product an inspector registers.
type NewProduct struct {
	Name           string  `json:"name" validate:"required,max=300"`
	NameEn         string  `json:"name_en" validate:"max=300"`
	Brand          string  `json:"brand" validate:"required,max=200"`
	Model          string  `json:"model" validate:"max=200"`
	GTIN           *string `json:"gtin" validate:"omitempty,gtin"`
	HSCode         *string `json:"hs_code" validate:"omitempty,hs_code"`
	Category       string  `json:"category" validate:"required,max=100"`
	OriginCountry  string  `json:"origin_country" validate:"required,iso3166_1_alpha2"`
	ManufacturerID *string `json:"manufacturer_id" validate:"omitempty,max=64"`
}

// Validate checks the fields and turns the GTIN into its 14 digits.
func (in *NewProduct) Validate() error {
	trimAll(&in.Name, &in.NameEn, &in.Brand, &in.Model, &in.Category, &in.OriginCountry)
	in.OriginCountry = strings.ToUpper(in.OriginCountry)
	optionalID(&in.GTIN)
	optionalID(&in.HSCode)
	optionalID(&in.ManufacturerID)
	if err := Validate(in); err != nil {
		return err
	}
	if in.GTIN != nil {
		g, _ := codes.NormalizeGTIN(*in.GTIN)
		in.GTIN = &g
	}
	return nil
}

// CreateProduct registers a product with its audit record. The manufacturer must be a party of
// kind manufacturer; a GTIN already registered is a duplicate (ECONFLICT).
func (s *Store) CreateProduct(ctx context.Context, actor Actor, in NewProduct) (*Product, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := &Product{ID: newID(), Name: in.Name, NameEn: in.NameEn, Brand: in.Brand, Model: in.Model, GTIN: in.GTIN,
		HSCode: in.HSCode, Category: in.Category, OriginCountry: in.OriginCountry, ManufacturerID: in.ManufacturerID,
		CreatedBy: actorUser(actor)}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		fields, err := checkPartyRefs(tx, partyRef{"manufacturer_id", p.ManufacturerID, []string{"manufacturer"}})
		if err != nil {
			return err
		}
		if len(fields) > 0 {
			return Invalid(fields...)
		}
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		return audit(tx, actor, "product.create", "product", p.ID, nil, p)
	})
	if isUniqueViolation(err) {
		return nil, duplicate("gtin")
	}
	if err != nil {
		return nil, err
	}
	return s.ProductByID(ctx, p.ID)
}

// actorUser is the user id to keep in a created_by column: none for the portal itself.
func actorUser(a Actor) *string {
	if a.UserID == "" || a.UserID == SystemActor.UserID {
		return nil
	}
	id := a.UserID
	return &id
}

// ProductByID loads one product.
func (s *Store) ProductByID(ctx context.Context, id string) (*Product, error) {
	var p Product
	res := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&p)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return &p, nil
}

// ProductFilter narrows the list of products: by GTIN (any length, compared as 14 digits),
// by manufacturer, by HS code prefix.
type ProductFilter struct {
	GTIN           string
	ManufacturerID string
	HSCode         string
}

// ListProducts pages through the products, newest first. A GTIN filter that is not a valid
// GTIN is a field error.
func (s *Store) ListProducts(ctx context.Context, f ProductFilter, page Page) ([]Product, *string, error) {
	q := s.db.WithContext(ctx).Model(&Product{}).Order("id DESC").Limit(page.Limit + 1)
	if f.GTIN != "" {
		g, ok := codes.NormalizeGTIN(f.GTIN)
		if !ok {
			return nil, nil, Invalid(FieldError{Field: "gtin", Rule: "gtin"})
		}
		q = q.Where("gtin = ?", g)
	}
	if f.ManufacturerID != "" {
		q = q.Where("manufacturer_id = ?", f.ManufacturerID)
	}
	if f.HSCode != "" {
		if strings.Trim(f.HSCode, "0123456789") != "" || len(f.HSCode) > 10 {
			return nil, nil, Invalid(FieldError{Field: "hs_code", Rule: "numeric"})
		}
		q = q.Where("hs_code LIKE ?", f.HSCode+"%")
	}
	if page.Cursor != "" {
		q = q.Where("id < ?", page.Cursor)
	}
	var out []Product
	if err := q.Find(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(p Product) string { return p.ID })
}

// Batch is a production lot of a product.
type Batch struct {
	ID         string        `json:"id"`
	ProductID  string        `json:"product_id"`
	Lot        string        `json:"lot"`
	ProducedOn *CalendarDate `json:"produced_on"`
	ExpiresOn  *CalendarDate `json:"expires_on"`
	CreatedAt  time.Time     `json:"created_at"`
}

// NewBatch is a lot an inspector registers on a product; days are "2006-01-02".
type NewBatch struct {
	Lot        string  `json:"lot" validate:"required,max=100"`
	ProducedOn *string `json:"produced_on"`
	ExpiresOn  *string `json:"expires_on"`
}

// Validate checks the fields: real days, and a batch cannot expire before it was made.
func (in *NewBatch) Validate() error {
	in.Lot = strings.TrimSpace(in.Lot)
	err := Validate(in)
	var fields []FieldError
	produced, fe := parseDay("produced_on", in.ProducedOn)
	if fe != nil {
		fields = append(fields, *fe)
	}
	expires, fe := parseDay("expires_on", in.ExpiresOn)
	if fe != nil {
		fields = append(fields, *fe)
	}
	if produced != nil && expires != nil && expires.Before(*produced) {
		fields = append(fields, FieldError{Field: "expires_on", Rule: "not_before", Param: "produced_on"})
	}
	return withFields(err, fields...)
}

// CreateBatch adds a lot to a product with its audit record: ENOTFOUND when there is no such
// product, ECONFLICT when the product already has this lot.
func (s *Store) CreateBatch(ctx context.Context, actor Actor, productID string, in NewBatch) (*Batch, error) {
	if _, err := s.ProductByID(ctx, productID); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	b := &Batch{ID: newID(), ProductID: productID, Lot: in.Lot}
	if d, _ := parseDay("", in.ProducedOn); d != nil {
		day := CalendarDate(d.Format(time.DateOnly))
		b.ProducedOn = &day
	}
	if d, _ := parseDay("", in.ExpiresOn); d != nil {
		day := CalendarDate(d.Format(time.DateOnly))
		b.ExpiresOn = &day
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(b).Error; err != nil {
			return err
		}
		return audit(tx, actor, "batch.create", "batch", b.ID, nil, b)
	})
	switch {
	case isUniqueViolation(err):
		return nil, duplicate("lot")
	case isForeignKeyViolation(err):
		return nil, Errorf(ENOTFOUND, "not_found")
	case err != nil:
		return nil, err
	}
	return s.batchByID(ctx, b.ID)
}

func (s *Store) batchByID(ctx context.Context, id string) (*Batch, error) {
	var b Batch
	res := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&b)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return &b, nil
}

// ListBatches pages through a product's lots, newest first: ENOTFOUND when there is no such product.
func (s *Store) ListBatches(ctx context.Context, productID string, page Page) ([]Batch, *string, error) {
	if _, err := s.ProductByID(ctx, productID); err != nil {
		return nil, nil, err
	}
	q := s.db.WithContext(ctx).Where("product_id = ?", productID).Order("id DESC").Limit(page.Limit + 1)
	if page.Cursor != "" {
		q = q.Where("id < ?", page.Cursor)
	}
	var out []Batch
	if err := q.Find(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(b Batch) string { return b.ID })
}
