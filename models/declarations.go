package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hzcbec/portal/models/clock"
	"github.com/hzcbec/portal/models/codes"
	"gorm.io/gorm"
)

// Declaration is a cross-border e-commerce inventory (清单) as filed with customs: the order,
// payment and waybill it covers, the trade mode, the importer, the e-commerce company (ebc) and
// platform (ebp), and its lines.
type Declaration struct {
	ID          string            `json:"id"`
	Number      string            `json:"number"`
	OrderNo     string            `json:"order_no"`
	PaymentNo   string            `json:"payment_no"`
	LogisticsNo string            `json:"logistics_no"`
	TradeMode   string            `json:"trade_mode"`
	ImporterID  string            `json:"importer_id"`
	EbcID       *string           `json:"ebc_id"`
	EbpID       *string           `json:"ebp_id"`
	CustomsCode string            `json:"customs_code"`
	PortCode    string            `json:"port_code"`
	DeclaredAt  time.Time         `json:"declared_at"`
	CreatedBy   *string           `json:"created_by"`
	CreatedAt   time.Time         `json:"created_at"`
	Lines       []DeclarationLine `json:"lines,omitempty" gorm:"-"`
}

// DeclarationLine is one line of goods on a declaration.
type DeclarationLine struct {
	DeclarationID string   `json:"-"`
	LineNo        int      `json:"line_no"`
	ProductID     *string  `json:"product_id"`
	HSCode        string   `json:"hs_code" gorm:"column:hs_code"`
	Name          string   `json:"name"`
	Model         string   `json:"model"`
	Barcode       string   `json:"barcode"` // a GTIN, 14 digits, when the goods carry one
	OriginCountry string   `json:"origin_country"`
	Quantity      Quantity `json:"quantity"`
	Unit          string   `json:"unit"`
	Price         string   `json:"price"`
	Currency      string   `json:"currency"`
}

// TradeModes are the customs supervision modes of cross-border e-commerce: 9610 direct
// purchase import, 1210 bonded import, 9710 B2B direct export, 9810 export to overseas warehouses.
var TradeModes = []string{"9610", "1210", "9710", "9810"}

// NewDeclaration is a declaration an inspector registers, with at least one line.
type NewDeclaration struct {
	Number      string               `json:"number" validate:"required,max=64"`
	OrderNo     string               `json:"order_no" validate:"required,max=64"`
	PaymentNo   string               `json:"payment_no" validate:"max=64"`
	LogisticsNo string               `json:"logistics_no" validate:"required,max=64"`
	TradeMode   string               `json:"trade_mode" validate:"required,oneof=9610 1210 9710 9810"`
	ImporterID  string               `json:"importer_id" validate:"required,max=64"`
	EbcID       *string              `json:"ebc_id" validate:"omitempty,max=64"`
	EbpID       *string              `json:"ebp_id" validate:"omitempty,max=64"`
	CustomsCode string               `json:"customs_code" validate:"max=10"`
	PortCode    string               `json:"port_code" validate:"max=10"`
	DeclaredAt  clock.When           `json:"declared_at" validate:"required"` // a time, or a day in Hangzhou (clock.When)
	Lines       []NewDeclarationLine `json:"lines" validate:"required,min=1,max=500,dive"`

	declaredAt time.Time // DeclaredAt as read by Validate
}

// NewDeclarationLine is one line of a new declaration.
type NewDeclarationLine struct {
	ProductID     *string  `json:"product_id" validate:"omitempty,max=64"`
	HSCode        string   `json:"hs_code" validate:"required,hs_code"`
	Name          string   `json:"name" validate:"required,max=300"`
	Model         string   `json:"model" validate:"max=200"`
	Barcode       string   `json:"barcode" validate:"omitempty,gtin"`
	OriginCountry string   `json:"origin_country" validate:"required,iso3166_1_alpha2"`
	Quantity      Quantity `json:"quantity" validate:"required,quantity"`
	Unit          string   `json:"unit" validate:"required,max=20"`
	Price         string   `json:"price" validate:"required,money"`
	Currency      string   `json:"currency" validate:"required,iso4217"`
}

// Validate checks the declaration and every line, and turns barcodes into 14-digit GTINs.
func (in *NewDeclaration) Validate(now time.Time) error {
	trimAll(&in.Number, &in.OrderNo, &in.PaymentNo, &in.LogisticsNo, &in.TradeMode, &in.ImporterID,
		&in.CustomsCode, &in.PortCode)
	optionalID(&in.EbcID)
	optionalID(&in.EbpID)
	for i := range in.Lines {
		l := &in.Lines[i]
		trimAll(&l.HSCode, &l.Name, &l.Model, &l.Barcode, &l.OriginCountry, &l.Unit, &l.Price, &l.Currency)
		l.OriginCountry, l.Currency = strings.ToUpper(l.OriginCountry), strings.ToUpper(l.Currency)
		optionalID(&l.ProductID)
	}
	var bad *FieldError
	in.declaredAt, bad = happened("declared_at", in.DeclaredAt, now)
	if err := withFields(Validate(in), addField(nil, bad)...); err != nil {
		return err
	}
	for i := range in.Lines {
		if in.Lines[i].Barcode != "" {
			in.Lines[i].Barcode, _ = codes.NormalizeGTIN(in.Lines[i].Barcode)
		}
	}
	return nil
}

// CreateDeclaration stores a declaration and its lines with the audit record, all or nothing.
// The importer must be a party of kind importer, the ebc of kind merchant or ebc, the ebp of kind
// platform; a number already declared is a duplicate (ECONFLICT).
func (s *Store) CreateDeclaration(ctx context.Context, actor Actor, in NewDeclaration) (*Declaration, error) {
	if err := in.Validate(s.Now()); err != nil {
		return nil, err
	}
	d := &Declaration{ID: newID(), Number: in.Number, OrderNo: in.OrderNo, PaymentNo: in.PaymentNo,
		LogisticsNo: in.LogisticsNo, TradeMode: in.TradeMode, ImporterID: in.ImporterID, EbcID: in.EbcID, EbpID: in.EbpID,
		CustomsCode: in.CustomsCode, PortCode: in.PortCode, DeclaredAt: in.declaredAt,
		CreatedBy: actorUser(actor)}
	lines := make([]DeclarationLine, len(in.Lines))
	for i, l := range in.Lines {
		lines[i] = DeclarationLine{DeclarationID: d.ID, LineNo: i + 1, ProductID: l.ProductID, HSCode: l.HSCode, Name: l.Name,
			Model: l.Model, Barcode: l.Barcode, OriginCountry: l.OriginCountry, Quantity: l.Quantity, Unit: l.Unit,
			Price: l.Price, Currency: l.Currency}
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		fields, err := checkPartyRefs(tx,
			partyRef{"importer_id", &d.ImporterID, []string{"importer"}},
			partyRef{"ebc_id", d.EbcID, []string{"merchant", "ebc"}},
			partyRef{"ebp_id", d.EbpID, []string{"platform"}})
		if err != nil {
			return err
		}
		for i, l := range lines {
			if l.ProductID == nil {
				continue
			}
			ok, err := rowExists(tx, "products", *l.ProductID)
			if err != nil {
				return err
			}
			if !ok {
				fields = append(fields, FieldError{Field: fmt.Sprintf("lines[%d].product_id", i), Rule: "exists"})
			}
		}
		if len(fields) > 0 {
			return Invalid(fields...)
		}
		if err := tx.Create(d).Error; err != nil {
			return err
		}
		if err := tx.Create(&lines).Error; err != nil {
			return err
		}
		return audit(tx, actor, "declaration.create", "declaration", d.ID, nil, map[string]any{
			"number": d.Number, "trade_mode": d.TradeMode, "importer_id": d.ImporterID, "logistics_no": d.LogisticsNo, "lines": len(lines)})
	})
	if isUniqueViolation(err) {
		return nil, duplicate("number")
	}
	if err != nil {
		return nil, err
	}
	return s.DeclarationByID(ctx, d.ID)
}

// DeclarationByID loads one declaration with its lines.
func (s *Store) DeclarationByID(ctx context.Context, id string) (*Declaration, error) {
	var d Declaration
	res := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&d)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	d.Lines = []DeclarationLine{}
	if err := s.db.WithContext(ctx).Where("declaration_id = ?", id).Order("line_no").Find(&d.Lines).Error; err != nil {
		return nil, err
	}
	return &d, nil
}

// DeclarationFilter narrows the list of declarations: by waybill, importer, ebc, number.
type DeclarationFilter struct {
	LogisticsNo string
	ImporterID  string
	EbcID       string
	Number      string
}

// ListDeclarations pages through the declarations (without their lines), newest first.
func (s *Store) ListDeclarations(ctx context.Context, f DeclarationFilter, page Page) ([]Declaration, *string, error) {
	q := s.db.WithContext(ctx).Model(&Declaration{}).Order("id DESC").Limit(page.Limit + 1)
	for col, v := range map[string]string{"logistics_no": f.LogisticsNo, "importer_id": f.ImporterID, "ebc_id": f.EbcID, "number": f.Number} {
		if v != "" {
			q = q.Where(col+" = ?", v)
		}
	}
	if page.Cursor != "" {
		q = q.Where("id < ?", page.Cursor)
	}
	var out []Declaration
	if err := q.Find(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(d Declaration) string { return d.ID })
}
