package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Sign-in throttling (issue 12). Every try is counted before its password is checked, so that
// parallel tries all count, under two keys:
//   - the e-mail and the client's address: after 3 failures each further try waits 1 s, 2 s,
//     4 s, … up to 15 minutes; a guesser at one address slows down only itself;
//   - the e-mail alone, from any address: after 10 failures a gentler wait, 1 s doubling up to
//     one minute, which does not hold back an address the account has signed in from before, so
//     guessers spread over many addresses cannot keep the owner out.
//
// Unknown e-mails are counted the same way as known ones, and a try during a wait is refused
// with the same answer (401 bad_credentials) and the same cost (one Argon2id check) as a wrong
// password, so neither the answer nor its timing tells whether an account exists or waits.
type loginThrottle struct {
	free     int           // failures before tries wait
	maxDelay time.Duration // the longest wait
}

var loginThrottles = []loginThrottle{
	{free: 10, maxDelay: time.Minute},     // "email:<e-mail>"
	{free: 3, maxDelay: 15 * time.Minute}, // "pair:<e-mail>|<address>"
}

// throttleKeys are the keys of a try, in the order of loginThrottles and in sorting order (so
// that concurrent tries lock them in one order).
func throttleKeys(email, address string) []string {
	return []string{"email:" + email, "pair:" + email + "|" + address}
}

// admitLogin counts a try under both keys and says whether it may be checked now: false while
// either key waits (the try is then not counted).
func (s *Store) admitLogin(ctx context.Context, email, address string) (bool, error) {
	keys := throttleKeys(email, address)
	now := s.stamp()
	admitted := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO login_throttles (key, updated_at) VALUES (?, ?), (?, ?) ON CONFLICT (key) DO NOTHING`,
			keys[0], now, keys[1], now).Error; err != nil {
			return err
		}
		// The e-mail's own wait does not hold back an address the account has signed in from
		// before: guessers elsewhere must not keep the owner out of their usual place.
		var waiting int64
		if err := tx.Raw(`SELECT count(*) FILTER (WHERE next_try_at > ? AND NOT (key = ? AND EXISTS (
				SELECT 1 FROM user_addresses a JOIN users u ON u.id = a.user_id WHERE lower(u.email) = ? AND a.address = ?))) FROM
			(SELECT key, next_try_at FROM login_throttles WHERE key IN (?, ?) ORDER BY key FOR UPDATE) t`,
			now, keys[0], email, address, keys[0], keys[1]).Scan(&waiting).Error; err != nil || waiting > 0 {
			return err
		}
		args := []any{now, now}
		values := make([]string, len(loginThrottles))
		for i, lt := range loginThrottles {
			values[i] = "(?, ?::int, ?::interval)"
			args = append(args, keys[i], lt.free, fmt.Sprintf("%d seconds", int(lt.maxDelay.Seconds())))
		}
		admitted = true
		return tx.Exec(`UPDATE login_throttles t SET failures = t.failures + 1, updated_at = ?,
			next_try_at = CASE WHEN t.failures + 1 >= v.free
				THEN ?::timestamptz + least(interval '1 second' * power(2, t.failures + 1 - v.free), v.max_delay) END
			FROM (VALUES `+strings.Join(values, ", ")+`) AS v(key, free, max_delay) WHERE t.key = v.key`, args...).Error
	})
	return admitted && err == nil, err
}

// clearLogin forgets the tries under both keys after the right password.
func (s *Store) clearLogin(ctx context.Context, email, address string) error {
	keys := throttleKeys(email, address)
	return s.db.WithContext(ctx).Exec(`DELETE FROM login_throttles WHERE key IN (?, ?)`, keys[0], keys[1]).Error
}

// deleteIdleLoginThrottles forgets keys untouched for a day and not waiting.
func (s *Store) deleteIdleLoginThrottles(ctx context.Context) (int64, error) {
	now := s.stamp()
	res := s.db.WithContext(ctx).Exec(`DELETE FROM login_throttles WHERE updated_at < ? AND (next_try_at IS NULL OR next_try_at < ?)`,
		now.Add(-24*time.Hour), now)
	return res.RowsAffected, res.Error
}
