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
	Status      int    // 0 while the first request is still running
	Body        []byte
	ContentType string
}

// How long a key is remembered.
const idempotencyTTL = 24 * time.Hour

// ClaimIdempotencyKey reserves a key for the caller's request (its method, path and the hash of
// its body). It returns nil when the key is new (the caller goes ahead and later calls
// SaveIdempotentAnswer), or what is already stored for it: the answer, or the request running.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, scope, key, method, path string, requestHash []byte) (*IdempotentAnswer, error) {
	res := s.db.WithContext(ctx).Exec(`INSERT INTO idempotency_keys (scope, key, method, path, request_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING`, scope, key, method, path, requestHash, s.stamp())
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

// SaveIdempotentAnswer stores the answer for a claimed key; a failed request releases the key
// instead, so that the client may try again.
func (s *Store) SaveIdempotentAnswer(ctx context.Context, scope, key string, status int, body []byte, contentType string) error {
	if status >= 500 {
		return s.db.WithContext(ctx).Exec(`DELETE FROM idempotency_keys WHERE scope = ? AND key = ?`, scope, key).Error
	}
	return s.db.WithContext(ctx).Exec(`UPDATE idempotency_keys SET status = ?, body = ?, content_type = ? WHERE scope = ? AND key = ?`,
		status, body, contentType, scope, key).Error
}

// DeleteExpiredIdempotencyKeys forgets keys older than a day.
func (s *Store) DeleteExpiredIdempotencyKeys(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Exec(`DELETE FROM idempotency_keys WHERE created_at < ?`, s.Now().Add(-idempotencyTTL))
	return res.RowsAffected, res.Error
}
