package models

import (
	"context"
	"strings"

	"github.com/hzcbec/portal/models/codes"
	"gorm.io/gorm"
)

// Registering parties through the API (inspector, admin); the Party type is in parties.go.

// PartyKinds are the kinds of party (API.md).
var PartyKinds = []string{"manufacturer", "brand_owner", "exporter", "importer", "ebc", "platform",
	"merchant", "logistics", "warehouse", "lab", "authority"}

// NewParty is a firm an inspector registers.
type NewParty struct {
	Kind             string  `json:"kind" validate:"required,oneof=manufacturer brand_owner exporter importer ebc platform merchant logistics warehouse lab authority"`
	Name             string  `json:"name" validate:"required,max=200"`
	NameEn           string  `json:"name_en" validate:"max=200"`
	Country          string  `json:"country" validate:"required,iso3166_1_alpha2"`
	RegistrationCode string  `json:"registration_code" validate:"max=64"`
	Jurisdiction     *string `json:"jurisdiction" validate:"omitempty,numeric,len=6"`
	Address          string  `json:"address" validate:"max=500"`
}

// Validate checks the fields; a Chinese firm's registration code must be a unified social
// credit code with a correct check character (GB 32100-2015), kept in upper case.
func (in *NewParty) Validate() error {
	trimAll(&in.Kind, &in.Name, &in.NameEn, &in.Country, &in.RegistrationCode, &in.Address)
	in.Country = strings.ToUpper(in.Country)
	optionalID(&in.Jurisdiction)
	err := Validate(in)
	if in.Country == "CN" && in.RegistrationCode != "" {
		if code, ok := codes.NormalizeUSCC(in.RegistrationCode); ok {
			in.RegistrationCode = code
		} else {
			return withFields(err, FieldError{Field: "registration_code", Rule: "uscc"})
		}
	}
	return err
}

// CreateParty registers a party with its audit record. The jurisdiction must be one of
// Hangzhou's districts and counties; a registration code already registered in the same
// country is a duplicate (ECONFLICT).
func (s *Store) CreateParty(ctx context.Context, actor Actor, in NewParty) (*Party, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := &Party{ID: newID(), Kind: in.Kind, Name: in.Name, NameEn: in.NameEn, Country: in.Country,
		RegistrationCode: in.RegistrationCode, Jurisdiction: in.Jurisdiction, Address: in.Address}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if p.Jurisdiction != nil {
			var n int64
			if err := tx.Table("jurisdictions").Where("code = ?", *p.Jurisdiction).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return Invalid(FieldError{Field: "jurisdiction", Rule: "jurisdiction"})
			}
		}
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		return audit(tx, actor, "party.create", "party", p.ID, nil, p)
	})
	if isUniqueViolation(err) {
		return nil, duplicate("registration_code")
	}
	if err != nil {
		return nil, err
	}
	return s.PartyByID(ctx, p.ID)
}

// PartyByID loads one party.
func (s *Store) PartyByID(ctx context.Context, id string) (*Party, error) {
	var p Party
	res := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&p)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return &p, nil
}

// PartyFilter narrows the list of parties: by kind, by country, by registration code.
type PartyFilter struct {
	Kind             string
	Country          string
	RegistrationCode string
}

// ListParties pages through the parties, newest first.
func (s *Store) ListParties(ctx context.Context, f PartyFilter, page Page) ([]Party, *string, error) {
	q := s.db.WithContext(ctx).Model(&Party{}).Order("id DESC").Limit(page.Limit + 1)
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Country != "" {
		q = q.Where("country = ?", strings.ToUpper(f.Country))
	}
	if f.RegistrationCode != "" {
		q = q.Where("upper(registration_code) = upper(?)", strings.TrimSpace(f.RegistrationCode))
	}
	if page.Cursor != "" {
		q = q.Where("id < ?", page.Cursor)
	}
	var out []Party
	if err := q.Find(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(p Party) string { return p.ID })
}
