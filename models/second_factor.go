package models

import (
	"context"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
)

// The second factor is a TOTP code (RFC 6238: 6 digits, 30 s, SHA-1, what authenticator apps
// use), from github.com/pquerna/otp. Once a user has enrolled, every sign-in needs a code as
// well as the password; a wrong or missing code is answered like a wrong password.

// totpOpts are the code's parameters; the current step and the ones either side are accepted
// (a phone's clock may be off by a few seconds).
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPEnrolment is what a user types or scans into their authenticator app.
type TOTPEnrolment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
}

// BeginTOTP makes a new secret for the user to add to their app; it takes effect once they
// confirm a code from it (ConfirmTOTP). An enrolled user replaces their app the same way, with
// a current code of the old one (current): a stolen session alone cannot swap the second factor.
func (s *Store) BeginTOTP(ctx context.Context, u *User, current string) (*TOTPEnrolment, error) {
	full, err := s.UserByID(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if full.HasSecondFactor() {
		if ok, err := s.checkTOTP(ctx, full, current); err != nil {
			return nil, err
		} else if !ok {
			return nil, Invalid(FieldError{Field: "otp", Rule: "otp"})
		}
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Hangzhou CBEC portal", AccountName: u.Email})
	if err != nil {
		return nil, err
	}
	if err := s.db.WithContext(ctx).Exec(`UPDATE users SET totp_pending = ? WHERE id = ?`, key.Secret(), u.ID).Error; err != nil {
		return nil, err
	}
	return &TOTPEnrolment{Secret: key.Secret(), URL: key.URL()}, nil
}

// ConfirmTOTP enrols the secret shown by BeginTOTP once the user types a current code from it.
func (s *Store) ConfirmTOTP(ctx context.Context, userID, code string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		if err := tx.Raw(`SELECT * FROM users WHERE id = ? FOR UPDATE`, userID).Scan(&u).Error; err != nil {
			return err
		}
		step, ok := totpStep(code, u.TOTPPending, s.Now())
		if u.TOTPPending == "" || !ok {
			return Invalid(FieldError{Field: "otp", Rule: "otp"})
		}
		if err := tx.Exec(`UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ?, totp_enrolled_at = ?
			WHERE id = ?`, step, tx.NowFunc(), userID).Error; err != nil {
			return err
		}
		return audit(tx, Actor{UserID: userID}, "user.second_factor", "user", userID, nil, map[string]any{"enrolled": true})
	})
}

// checkTOTP says whether code is a current code of the user's enrolled secret that has not
// been used before; a used one is remembered so it cannot be replayed.
func (s *Store) checkTOTP(ctx context.Context, u *User, code string) (bool, error) {
	step, ok := totpStep(code, u.TOTPSecret, s.Now())
	if !ok || step <= u.TOTPLastStep {
		return false, nil
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, u.ID, step)
	return res.RowsAffected == 1, res.Error
}

// totpStep finds the 30-second step, now or either side, whose code is code.
func totpStep(code, secret string, now time.Time) (int64, bool) {
	if secret == "" || len(code) != 6 {
		return 0, false
	}
	for _, d := range []time.Duration{0, -30 * time.Second, 30 * time.Second} {
		at := now.Add(d)
		if ok, err := totp.ValidateCustom(code, secret, at, totpOpts); err == nil && ok {
			return at.Unix() / 30, true
		}
	}
	return 0, false
}

// ChangePassword sets a new password after checking the current one, and ends every other
// session and token of the user (keep is the credential the change was made with).
func (s *Store) ChangePassword(ctx context.Context, u *User, current, next string, keep Credential) error {
	var fields []FieldError
	if len(next) < 10 || len(next) > 200 {
		fields = append(fields, FieldError{Field: "new_password", Rule: "min", Param: "10"})
	}
	full, err := s.UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	if ok, err := CheckPassword(current, full.PasswordHash); err != nil {
		return err
	} else if !ok {
		fields = append(fields, FieldError{Field: "current_password", Rule: "password"})
	}
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, tx.NowFunc(), u.ID).Error; err != nil {
			return err
		}
		return audit(tx, Actor{UserID: u.ID}, "user.password", "user", u.ID, nil, nil)
	})
	if err != nil {
		return err
	}
	return s.RevokeAll(ctx, u.ID, keep)
}
