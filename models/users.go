package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Roles a user can hold (API.md, "Accounts").
const (
	RoleConsumer   = "consumer"
	RoleMerchant   = "merchant"
	RolePlatform   = "platform"
	RoleInspector  = "inspector"
	RoleArbitrator = "arbitrator"
	RoleAdmin      = "admin"
)

// AllRoles lists the roles in the order the pages show them.
var AllRoles = []string{RoleConsumer, RoleMerchant, RolePlatform, RoleInspector, RoleArbitrator, RoleAdmin}

// Locales the portal speaks; the first is the default.
var Locales = []string{"zh-CN", "en"}

// Roles are a user's role names.
type Roles = TextList

// User is an account of any role.
type User struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	PasswordHash string    `json:"-"`
	Roles        Roles     `json:"roles" gorm:"type:text[]"`
	Jurisdiction *string   `json:"jurisdiction"`
	PartyID      *string   `json:"party_id"`
	Locale       string    `json:"locale"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"-"`
	// SecondFactorSince is when the user enrolled a TOTP second factor; nil when not.
	SecondFactorSince *time.Time `json:"second_factor_since" gorm:"column:totp_enrolled_at"`
	TOTPSecret        string     `json:"-" gorm:"column:totp_secret"`
	TOTPPending       string     `json:"-" gorm:"column:totp_pending"`
	TOTPLastStep      int64      `json:"-" gorm:"column:totp_last_step"`
	// EmailNotices says the user's notices also come by e-mail (docs/notices.md); on unless
	// they turned it off on /account.
	EmailNotices bool `json:"email_notices" gorm:"default:true"`
}

// HasSecondFactor says the user signs in with a TOTP code as well as the password.
func (u *User) HasSecondFactor() bool { return u.TOTPSecret != "" }

// auditSummary is what the audit trail keeps of a user: never the password hash.
func (u *User) auditSummary() map[string]any {
	return map[string]any{"email": u.Email, "name": u.Name, "roles": u.Roles,
		"jurisdiction": u.Jurisdiction, "party_id": u.PartyID, "locale": u.Locale}
}

// NewUser is what an admin (or the command line) gives to create an account of any role.
type NewUser struct {
	Email        string   `json:"email" validate:"required,email,max=254"`
	Password     string   `json:"password" validate:"required,min=10,max=200"`
	Name         string   `json:"name" validate:"required,max=100"`
	Roles        []string `json:"roles" validate:"required,min=1,dive,oneof=consumer merchant platform inspector arbitrator admin"`
	Jurisdiction *string  `json:"jurisdiction" validate:"omitempty,numeric,len=6"`
	PartyID      *string  `json:"party_id" validate:"omitempty,max=64"`
	Locale       string   `json:"locale" validate:"omitempty,oneof=zh-CN en"`
}

// Registration is what anyone gives to sign up; the role is always consumer.
type Registration struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Password string `json:"password" validate:"required,min=10,max=200"`
	Name     string `json:"name" validate:"required,max=100"`
	Locale   string `json:"locale" validate:"omitempty,oneof=zh-CN en"`
	// Address is the client's address (set by the server, never by the client): credit marks
	// do not count between accounts that share one (credit.go).
	Address string `json:"-"`
}

// Register creates a consumer account.
func (s *Store) Register(ctx context.Context, in Registration) (*User, error) {
	u, err := s.CreateUser(ctx, Actor{}, NewUser{Email: in.Email, Password: in.Password, Name: in.Name,
		Roles: []string{RoleConsumer}, Locale: in.Locale})
	if err != nil {
		return nil, err
	}
	return u, s.noteAddress(ctx, u.ID, in.Address)
}

// noteAddress remembers that an account was used from an address (credit.go).
func (s *Store) noteAddress(ctx context.Context, userID, address string) error {
	if address == "" {
		return nil
	}
	return s.db.WithContext(ctx).Exec(`INSERT INTO user_addresses (user_id, address, last_seen) VALUES (?, ?, ?)
		ON CONFLICT (user_id, address) DO UPDATE SET last_seen = excluded.last_seen`, userID, address, s.stamp()).Error
}

// CreateUser creates an account. A merchant or platform user must belong to a party, an inspector
// to a jurisdiction. An empty actor means the user creates themself (registration).
func (s *Store) CreateUser(ctx context.Context, actor Actor, in NewUser) (*User, error) {
	in.Email = strings.TrimSpace(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	if err := Validate(in); err != nil {
		return nil, err
	}
	if err := checkRoleTies(in); err != nil {
		return nil, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u := &User{ID: newID(), Email: in.Email, Name: in.Name, PasswordHash: hash, Roles: in.Roles,
		Jurisdiction: in.Jurisdiction, PartyID: in.PartyID, Locale: in.Locale}
	if u.Locale == "" {
		u.Locale = Locales[0]
	}
	if actor.UserID == "" {
		actor.UserID = u.ID
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(u).Error; err != nil {
			return err
		}
		return audit(tx, actor, "user.create", "user", u.ID, nil, u.auditSummary())
	})
	switch {
	case isUniqueViolation(err):
		return nil, &Error{Code: ECONFLICT, Message: "email_taken", Fields: []FieldError{{Field: "email", Rule: "unique"}}}
	case isForeignKeyViolation(err):
		field := "party_id"
		if strings.Contains(err.Error(), "jurisdiction") {
			field = "jurisdiction"
		}
		return nil, Invalid(FieldError{Field: field, Rule: "exists"})
	case err != nil:
		return nil, err
	}
	return u, nil
}

func checkRoleTies(in NewUser) error {
	var fields []FieldError
	roles := Roles(in.Roles)
	if (roles.Has(RoleMerchant) || roles.Has(RolePlatform)) && (in.PartyID == nil || *in.PartyID == "") {
		fields = append(fields, FieldError{Field: "party_id", Rule: "required_for_role"})
	}
	if roles.Has(RoleInspector) && (in.Jurisdiction == nil || *in.Jurisdiction == "") {
		fields = append(fields, FieldError{Field: "jurisdiction", Rule: "required_for_role"})
	}
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	return nil
}

// UserByID loads one user.
func (s *Store) UserByID(ctx context.Context, id string) (*User, error) {
	return byID[User](ctx, s.db, id)
}

// UserByEmail loads one user by e-mail, case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	res := s.db.WithContext(ctx).Where("lower(email) = lower(?)", strings.TrimSpace(email)).Limit(1).Find(&u)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return &u, nil
}

// ListUsers pages through accounts, oldest first.
func (s *Store) ListUsers(ctx context.Context, page Page) ([]User, *string, error) {
	q := s.db.WithContext(ctx).Order("id").Limit(page.Limit + 1)
	if page.Cursor != "" {
		q = q.Where("id > ?", page.Cursor)
	}
	var users []User
	if err := q.Find(&users).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(users, page.Limit, func(u User) string { return u.ID })
}

// Authenticate checks an e-mail, password and, once the user has enrolled one, a TOTP code
// (second_factor.go) for a client at address. Every try is counted first (login_throttle.go); a
// try while its e-mail or its e-mail and address wait, an unknown e-mail, a wrong password and a
// wrong or missing code all answer EUNAUTH after one Argon2id check.
func (s *Store) Authenticate(ctx context.Context, email, password, code, address string) (*User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	admitted, err := s.admitLogin(ctx, email, address)
	if err != nil {
		return nil, err
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	if !admitted || u == nil {
		_, _ = CheckPassword(password, dummyHash) // the same cost as a real check
		return nil, Errorf(EUNAUTH, "bad_credentials")
	}
	ok, err := CheckPassword(password, u.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, Errorf(EUNAUTH, "bad_credentials")
	}
	if u.HasSecondFactor() {
		if ok, err := s.checkTOTP(ctx, u, code); err != nil {
			return nil, err
		} else if !ok {
			return nil, Errorf(EUNAUTH, "bad_credentials")
		}
	}
	if err := s.noteAddress(ctx, u.ID, address); err != nil {
		return nil, err
	}
	return u, s.clearLogin(ctx, email, address)
}

// EnsureAdmin makes sure an admin account with this e-mail exists (PORTAL_ADMIN_EMAIL); an
// existing account keeps its password. It reports whether it created one.
func (s *Store) EnsureAdmin(ctx context.Context, email, password string) (bool, error) {
	_, err := s.UserByEmail(ctx, email)
	if err == nil {
		return false, nil
	}
	if ErrorCode(err) != ENOTFOUND {
		return false, err
	}
	_, err = s.CreateUser(ctx, SystemActor, NewUser{Email: email, Password: password, Name: "Administrator",
		Roles: []string{RoleAdmin}})
	if ErrorCode(err) == ECONFLICT { // another instance made it at the same moment
		return false, nil
	}
	return err == nil, err
}

// UsersWithRole lists the accounts holding a role, by name (the arbitrators a secretary appoints from).
func (s *Store) UsersWithRole(ctx context.Context, role string) ([]User, error) {
	var users []User
	err := s.db.WithContext(ctx).Where("? = ANY (roles)", role).Order("name").Limit(500).Find(&users).Error
	return users, err
}
