package models

import "context"

// Jurisdiction is a district or county of Hangzhou (属地), by administrative division code.
type Jurisdiction struct {
	Code   string `json:"code"`
	NameZh string `json:"name_zh"`
	NameEn string `json:"name_en"`
}

// Jurisdictions lists the 13 districts and counties by code.
func (s *Store) Jurisdictions(ctx context.Context) ([]Jurisdiction, error) {
	var js []Jurisdiction
	err := s.db.WithContext(ctx).Order("code").Find(&js).Error
	return js, err
}
