package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Shipment is goods on their way under a waybill: the carrier, where from and where to (e.g.
// the bonded warehouse), and the declaration it belongs to.
type Shipment struct {
	ID            string     `json:"id"`
	DeclarationID *string    `json:"declaration_id"`
	CarrierID     *string    `json:"carrier_id"`
	Waybill       string     `json:"waybill"`
	Status        string     `json:"status"`
	FromPartyID   *string    `json:"from_party_id"`
	ToPartyID     *string    `json:"to_party_id"`
	ShippedAt     *time.Time `json:"shipped_at"`
	ArrivedAt     *time.Time `json:"arrived_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

// ShipmentStatuses are where a shipment stands.
var ShipmentStatuses = []string{"booked", "in_transit", "arrived", "released", "delivered", "returned"}

// NewShipment is a shipment an inspector registers; status defaults to in_transit.
type NewShipment struct {
	DeclarationID *string    `json:"declaration_id" validate:"omitempty,max=64"`
	CarrierID     *string    `json:"carrier_id" validate:"omitempty,max=64"`
	Waybill       string     `json:"waybill" validate:"required,max=64"`
	Status        string     `json:"status" validate:"omitempty,oneof=booked in_transit arrived released delivered returned"`
	FromPartyID   *string    `json:"from_party_id" validate:"omitempty,max=64"`
	ToPartyID     *string    `json:"to_party_id" validate:"omitempty,max=64"`
	ShippedAt     *time.Time `json:"shipped_at"`
	ArrivedAt     *time.Time `json:"arrived_at"`
}

// Validate checks the fields: a shipment cannot arrive before it left.
func (in *NewShipment) Validate() error {
	trimAll(&in.Waybill, &in.Status)
	for _, p := range []**string{&in.DeclarationID, &in.CarrierID, &in.FromPartyID, &in.ToPartyID} {
		optionalID(p)
	}
	err := Validate(in)
	if in.ShippedAt != nil && in.ArrivedAt != nil && in.ArrivedAt.Before(*in.ShippedAt) {
		err = withFields(err, FieldError{Field: "arrived_at", Rule: "not_before", Param: "shipped_at"})
	}
	if err != nil {
		return err
	}
	if in.Status == "" {
		in.Status = "in_transit"
	}
	return nil
}

// CreateShipment registers a shipment with its audit record. The carrier must be a party of
// kind logistics; the declaration and the parties it goes from and to must exist.
func (s *Store) CreateShipment(ctx context.Context, actor Actor, in NewShipment) (*Shipment, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	sh := &Shipment{ID: newID(), DeclarationID: in.DeclarationID, CarrierID: in.CarrierID, Waybill: in.Waybill,
		Status: in.Status, FromPartyID: in.FromPartyID, ToPartyID: in.ToPartyID, ShippedAt: utcMicro(in.ShippedAt),
		ArrivedAt: utcMicro(in.ArrivedAt)}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		fields, err := checkPartyRefs(tx,
			partyRef{"carrier_id", sh.CarrierID, []string{"logistics"}},
			partyRef{"from_party_id", sh.FromPartyID, nil},
			partyRef{"to_party_id", sh.ToPartyID, nil})
		if err != nil {
			return err
		}
		if sh.DeclarationID != nil {
			ok, err := rowExists(tx, "declarations", *sh.DeclarationID)
			if err != nil {
				return err
			}
			if !ok {
				fields = append(fields, FieldError{Field: "declaration_id", Rule: "exists"})
			}
		}
		if len(fields) > 0 {
			return Invalid(fields...)
		}
		if err := tx.Create(sh).Error; err != nil {
			return err
		}
		return audit(tx, actor, "shipment.create", "shipment", sh.ID, nil, sh)
	})
	if err != nil {
		return nil, err
	}
	return s.ShipmentByID(ctx, sh.ID)
}

// utcMicro is a time as Postgres keeps it: UTC, microseconds.
func utcMicro(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

// ShipmentByID loads one shipment.
func (s *Store) ShipmentByID(ctx context.Context, id string) (*Shipment, error) {
	var sh Shipment
	res := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&sh)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return &sh, nil
}

// ShipmentFilter narrows the list of shipments: by declaration, waybill, carrier, status.
type ShipmentFilter struct {
	DeclarationID string
	Waybill       string
	CarrierID     string
	Status        string
}

// ListShipments pages through the shipments, newest first.
func (s *Store) ListShipments(ctx context.Context, f ShipmentFilter, page Page) ([]Shipment, *string, error) {
	q := s.db.WithContext(ctx).Model(&Shipment{}).Order("id DESC").Limit(page.Limit + 1)
	for col, v := range map[string]string{"declaration_id": f.DeclarationID, "waybill": strings.TrimSpace(f.Waybill),
		"carrier_id": f.CarrierID, "status": f.Status} {
		if v != "" {
			q = q.Where(col+" = ?", v)
		}
	}
	if page.Cursor != "" {
		q = q.Where("id < ?", page.Cursor)
	}
	var out []Shipment
	if err := q.Find(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(sh Shipment) string { return sh.ID })
}
