package models

import (
	"context"
	"time"
)

// IdempotentAnswer is the stored first answer to a POST carrying an Idempotency-Key.
type IdempotentAnswer struct {
	Method      string
	Path        string
	RequestHash []byte // SHA-256 of the first request's body
	Status      int
	Body        []byte
	ContentType string
}

// How long a key is remembered.
const idempotencyTTL = 24 * time.Hour

// ClaimIdempotencyKey reserves a key for the caller's request (its method, path and the hash of
// its body), in the request's transaction (InRequestTransaction). It returns nil when the key is
// new (the caller goes ahead and calls SaveIdempotentAnswer before committing), or what is kept
// for it. While another request holds the key (its transaction runs: the lease is that
// transaction's advisory lock), it answers 409 idempotency_key_in_progress with a Retry-After at
// once, never waiting: waiting copies would each hold a connection. A key a portal of an older
// version left unanswered (status 0) is taken over.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, scope, key, method, path string, requestHash []byte) (*IdempotentAnswer, error) {
	var mine bool
	if err := s.db.WithContext(ctx).Raw(`SELECT pg_try_advisory_xact_lock(hashtextextended(? || chr(31) || ?, 0))`, scope, key).
		Scan(&mine).Error; err != nil {
		return nil, err
	}
	if !mine {
		return nil, &Error{Code: ECONFLICT, Message: "idempotency_key_in_progress", RetryAfter: 1}
	}
	res := s.db.WithContext(ctx).Exec(`INSERT INTO idempotency_keys (scope, key, method, path, request_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET method = excluded.method, path = excluded.path,
			request_hash = excluded.request_hash, created_at = excluded.created_at
		WHERE idempotency_keys.status = 0`, scope, key, method, path, requestHash, s.stamp())
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 1 {
		return nil, nil
	}
	var a IdempotentAnswer
	err := s.db.WithContext(ctx).Raw(`SELECT method, path, request_hash, status, body, content_type FROM idempotency_keys
		WHERE scope = ? AND key = ?`, scope, key).Scan(&a).Error
	return &a, err
}

// SaveIdempotentAnswer keeps the answer for a claimed key, in the request's transaction: it
// commits with the effects of the request, or neither does.
func (s *Store) SaveIdempotentAnswer(ctx context.Context, scope, key string, status int, body []byte, contentType string) error {
	return s.db.WithContext(ctx).Exec(`UPDATE idempotency_keys SET status = ?, body = ?, content_type = ? WHERE scope = ? AND key = ?`,
		status, body, contentType, scope, key).Error
}

// DeleteExpiredIdempotencyKeys forgets keys older than a day.
func (s *Store) DeleteExpiredIdempotencyKeys(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Exec(`DELETE FROM idempotency_keys WHERE created_at < ?`, s.Now().Add(-idempotencyTTL))
	return res.RowsAffected, res.Error
}
