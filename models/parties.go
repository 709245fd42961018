package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Party is a firm in the supply chain: manufacturer, importer, platform, merchant, lab, ...
type Party struct {
	ID               string    `json:"id"`
	Kind             string    `json:"kind"`
	Name             string    `json:"name"`
	NameEn           string    `json:"name_en"`
	Country          string    `json:"country"`
	RegistrationCode string    `json:"registration_code"`
	Jurisdiction     *string   `json:"jurisdiction"`
	Address          string    `json:"address"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"-"`
}

// EnsureParty creates a party with a fixed id unless it exists (demo data). It reports whether it created it.
func (s *Store) EnsureParty(ctx context.Context, actor Actor, p Party) (bool, error) {
	created := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&p)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		created = true
		return audit(tx, actor, "party.create", "party", p.ID, nil, p)
	})
	return created, err
}

// PartiesOfKind lists parties of the given kinds by name, for the pickers of the forms.
func (s *Store) PartiesOfKind(ctx context.Context, kinds ...string) ([]Party, error) {
	var out []Party
	err := s.db.WithContext(ctx).Where("kind IN ?", kinds).Order("name").Limit(500).Find(&out).Error
	return out, err
}

// PartyNames maps party ids to their names, for showing records.
func (s *Store) PartyNames(ctx context.Context, ids []string) (map[string]string, error) {
	var parties []Party
	if err := s.db.WithContext(ctx).Select("id", "name").Where("id IN ?", ids).Find(&parties).Error; err != nil {
		return nil, err
	}
	out := make(map[string]string, len(parties))
	for _, p := range parties {
		out[p.ID] = p.Name
	}
	return out, nil
}
