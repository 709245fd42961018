package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"gorm.io/gorm"
)

// Credentials are opaque random strings handed to a client: API bearer tokens and browser
// session cookies. Only their SHA-256 is stored, so a copy of the database opens no account.

// newSecret returns a 256-bit random string and its SHA-256.
func newSecret(prefix string) (string, Hash) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	secret := prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

func hashSecret(secret string) Hash {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// IssueToken creates a bearer token for the user, valid for ttl.
func (s *Store) IssueToken(ctx context.Context, userID string, ttl time.Duration) (string, error) {
	token, hash := newSecret("pt_")
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Exec("INSERT INTO api_tokens (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
			hash, userID, s.Now().Add(ttl)).Error
		if err != nil {
			return err
		}
		return audit(tx, Actor{UserID: userID}, "token.issue", "user", userID, nil, map[string]any{"expires_in": ttl.String()})
	})
	return token, err
}

// UserByToken returns the user a bearer token belongs to; an unknown or expired token is EUNAUTH.
func (s *Store) UserByToken(ctx context.Context, token string) (*User, error) {
	return s.userByCredential(ctx, "api_tokens", "token_hash", token)
}

// RevokeToken ends a bearer token.
func (s *Store) RevokeToken(ctx context.Context, userID, token string) error {
	return s.revoke(ctx, "api_tokens", "token_hash", "token.revoke", userID, token)
}

// StartSession creates a browser session for the user, valid for ttl.
func (s *Store) StartSession(ctx context.Context, userID string, ttl time.Duration) (string, error) {
	secret, hash := newSecret("ps_")
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Exec("INSERT INTO web_sessions (session_hash, user_id, expires_at) VALUES (?, ?, ?)",
			hash, userID, s.Now().Add(ttl)).Error
		if err != nil {
			return err
		}
		return audit(tx, Actor{UserID: userID}, "session.start", "user", userID, nil, nil)
	})
	return secret, err
}

// UserBySession returns the user a session cookie belongs to; an unknown or expired one is EUNAUTH.
func (s *Store) UserBySession(ctx context.Context, secret string) (*User, error) {
	return s.userByCredential(ctx, "web_sessions", "session_hash", secret)
}

// EndSession signs a browser session out.
func (s *Store) EndSession(ctx context.Context, userID, secret string) error {
	return s.revoke(ctx, "web_sessions", "session_hash", "session.end", userID, secret)
}

// credentialTTL is how long a portal remembers whose a token or session is, so a client's
// requests in a burst cost one lookup. Revoking forgets it at once in the portal that revokes;
// the others stop honouring it within credentialTTL. A credential is never honoured past its
// own expiry.
const credentialTTL = 2 * time.Second

// credentialCache remembers recently served credentials, by table and hash.
type credentialCache struct {
	mu      sync.Mutex // orders remembering against revoking
	served  *expirable.LRU[string, rememberedCredential]
	revoked *expirable.LRU[string, struct{}] // revoked here: a lookup that raced the revoke must not remember it
}

// rememberedCredential is whose a credential is, and until when it is valid.
type rememberedCredential struct {
	user    User
	expires time.Time
}

func newCredentialCache() *credentialCache {
	return &credentialCache{
		served:  expirable.NewLRU[string, rememberedCredential](10_000, nil, credentialTTL),
		revoked: expirable.NewLRU[string, struct{}](10_000, nil, 2*credentialTTL),
	}
}

func credentialKey(table string, hash Hash) string { return table + ":" + string(hash) }

func (c *credentialCache) get(key string, now time.Time) (*User, bool) {
	r, ok := c.served.Get(key)
	if !ok || !now.Before(r.expires) {
		return nil, false
	}
	return r.user.clone(), true
}

func (c *credentialCache) remember(key string, u *User, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.revoked.Contains(key) {
		c.served.Add(key, rememberedCredential{user: *u.clone(), expires: expires})
	}
}

func (c *credentialCache) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.revoked.Add(key, struct{}{})
	c.served.Remove(key)
}

// table and column are constants of this file, never input.
func (s *Store) userByCredential(ctx context.Context, table, column, secret string) (*User, error) {
	hash := hashSecret(secret)
	key := credentialKey(table, hash)
	if u, ok := s.credentials.get(key, s.Now()); ok {
		return u, nil
	}
	var found struct {
		User                `gorm:"embedded"`
		CredentialExpiresAt time.Time
	}
	res := s.db.WithContext(ctx).Raw(`SELECT users.*, c.expires_at AS credential_expires_at FROM `+table+` c
		JOIN users ON users.id = c.user_id WHERE c.`+column+` = ? AND c.expires_at > ?`, hash, s.stamp()).Scan(&found)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(EUNAUTH, "bad_token")
	}
	s.credentials.remember(key, &found.User, found.CredentialExpiresAt)
	return &found.User, nil
}

// clone is a copy of the user that shares nothing with it, so what a request does with its user
// never reaches the remembered one.
func (u User) clone() *User {
	u.Roles = slices.Clone(u.Roles)
	if u.Jurisdiction != nil {
		j := *u.Jurisdiction
		u.Jurisdiction = &j
	}
	if u.PartyID != nil {
		p := *u.PartyID
		u.PartyID = &p
	}
	if u.SecondFactorSince != nil {
		t := *u.SecondFactorSince
		u.SecondFactorSince = &t
	}
	return &u
}

// Credential is the token or session a request came with (one of the two is set).
type Credential struct{ Token, Session string }

// RevokeAll ends every token and session of the user but keep ("sign out everywhere" keeps
// none), and forgets them at once in this portal; other portals stop honouring them within
// credentialTTL.
func (s *Store) RevokeAll(ctx context.Context, userID string, keep Credential) error {
	keepToken, keepSession := hashSecret(keep.Token), hashSecret(keep.Session)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, c := range []struct {
			table, column string
			keep          Hash
		}{{"api_tokens", "token_hash", keepToken}, {"web_sessions", "session_hash", keepSession}} {
			var gone []Hash
			if err := tx.Raw(`DELETE FROM `+c.table+` WHERE user_id = ? AND `+c.column+` <> ? RETURNING `+c.column,
				userID, c.keep).Scan(&gone).Error; err != nil {
				return err
			}
			for _, h := range gone {
				s.credentials.forget(credentialKey(c.table, h))
			}
		}
		return audit(tx, Actor{UserID: userID}, "user.sign_out_everywhere", "user", userID, nil, nil)
	})
}

func (s *Store) revoke(ctx context.Context, table, column, action, userID, secret string) error {
	defer s.credentials.forget(credentialKey(table, hashSecret(secret)))
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`DELETE FROM `+table+` WHERE `+column+` = ? AND user_id = ?`, hashSecret(secret), userID)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return audit(tx, Actor{UserID: userID}, action, "user", userID, nil, nil)
	})
}

// DeleteExpiredCredentials removes tokens, sessions, idempotency keys and idle sign-in counts
// past their time and says how many.
func (s *Store) DeleteExpiredCredentials(ctx context.Context) (int64, error) {
	var n int64
	for _, table := range []string{"api_tokens", "web_sessions"} {
		res := s.db.WithContext(ctx).Exec(`DELETE FROM `+table+` WHERE expires_at <= ?`, s.stamp())
		if res.Error != nil {
			return n, res.Error
		}
		n += res.RowsAffected
	}
	keys, err := s.DeleteExpiredIdempotencyKeys(ctx)
	if err != nil {
		return n, err
	}
	throttles, err := s.deleteIdleLoginThrottles(ctx)
	return n + keys + throttles, err
}
