package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/models"
)

func TestTokensAreOpaqueHashedAndExpire(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	u := newUser(t, s, "tokens@example.com")

	token, err := s.IssueToken(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) < 40 || strings.Contains(token, u.ID) {
		t.Fatalf("token %q is short or reveals the user", token)
	}
	got, err := s.UserByToken(ctx, token)
	if err != nil || got.ID != u.ID {
		t.Fatalf("token lookup: %v %v", got, err)
	}
	// The database holds only the hash.
	var stored int64
	s.Gorm().Raw("SELECT count(*) FROM api_tokens WHERE token_hash = ?::bytea", token).Scan(&stored)
	if stored != 0 {
		t.Fatal("the token is stored in clear")
	}

	if _, err := s.UserByToken(ctx, token+"x"); models.ErrorCode(err) != models.EUNAUTH {
		t.Fatalf("a changed token: %v, want EUNAUTH", err)
	}

	short, err := s.IssueToken(ctx, u.ID, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if _, err := s.UserByToken(ctx, short); models.ErrorCode(err) != models.EUNAUTH {
		t.Fatalf("an expired token: %v, want EUNAUTH", err)
	}
	if n, err := s.DeleteExpiredCredentials(ctx); err != nil || n < 1 {
		t.Fatalf("cleanup deleted %d, %v", n, err)
	}

	if err := s.RevokeToken(ctx, u.ID, token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByToken(ctx, token); models.ErrorCode(err) != models.EUNAUTH {
		t.Fatalf("a revoked token: %v, want EUNAUTH", err)
	}
}

func TestFailedLoginsGrowADelay(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	newUser(t, s, "delay@example.com")

	for i := 0; i < 3; i++ {
		if _, err := s.Authenticate(ctx, "delay@example.com", "wrong password"); models.ErrorCode(err) != models.EUNAUTH {
			t.Fatalf("failure %d: %v, want EUNAUTH", i+1, err)
		}
	}
	// The third failure started a wait: even the right password is refused until it passes.
	_, err := s.Authenticate(ctx, "delay@example.com", "correct horse battery")
	var de *models.Error
	if models.ErrorCode(err) != models.ETOOMANY {
		t.Fatalf("during the wait: %v, want ETOOMANY", err)
	}
	de = err.(*models.Error)
	if de.RetryAfter < 1 {
		t.Fatalf("RetryAfter %d", de.RetryAfter)
	}
	time.Sleep(time.Duration(de.RetryAfter) * time.Second)
	if u, err := s.Authenticate(ctx, "DELAY@example.com", "correct horse battery"); err != nil || u == nil {
		t.Fatalf("after the wait: %v", err)
	}
	// Success resets the count: one more failure does not lock.
	if _, err := s.Authenticate(ctx, "delay@example.com", "wrong password"); models.ErrorCode(err) != models.EUNAUTH {
		t.Fatalf("after reset: %v", err)
	}
	if _, err := s.Authenticate(ctx, "nobody@example.com", "whatever"); models.ErrorCode(err) != models.EUNAUTH {
		t.Fatalf("unknown e-mail: %v", err)
	}
}

func TestCreateUserValidatesAndRefusesDuplicates(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	_, err := s.CreateUser(ctx, models.SystemActor, models.NewUser{Email: "not-an-email", Password: "short", Roles: []string{"wizard"}})
	fields := fieldsOf(t, err)
	for _, f := range []string{"email", "password", "name", "roles[0]"} {
		if fields[f] == "" {
			t.Errorf("no error on %s; got %v", f, fields)
		}
	}
	_, err = s.CreateUser(ctx, models.SystemActor, models.NewUser{Email: "i@example.com", Password: "long enough pw", Name: "I",
		Roles: []string{models.RoleInspector, models.RoleMerchant}})
	fields = fieldsOf(t, err)
	if fields["jurisdiction"] != "required_for_role" || fields["party_id"] != "required_for_role" {
		t.Errorf("role ties not checked: %v", fields)
	}
	bad := "999999"
	_, err = s.CreateUser(ctx, models.SystemActor, models.NewUser{Email: "j@example.com", Password: "long enough pw", Name: "J",
		Roles: []string{models.RoleInspector}, Jurisdiction: &bad})
	if fieldsOf(t, err)["jurisdiction"] != "exists" {
		t.Errorf("unknown jurisdiction accepted: %v", err)
	}

	newUser(t, s, "dup@example.com")
	_, err = s.CreateUser(ctx, models.SystemActor, models.NewUser{Email: "Dup@Example.com", Password: "long enough pw", Name: "D", Roles: []string{"consumer"}})
	if models.ErrorCode(err) != models.ECONFLICT {
		t.Fatalf("duplicate e-mail (other case): %v, want ECONFLICT", err)
	}
}

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	de, ok := err.(*models.Error)
	if !ok {
		t.Fatalf("error %v is not a domain error", err)
	}
	out := map[string]string{}
	for _, f := range de.Fields {
		out[f.Field] = f.Rule
	}
	return out
}

// A portal remembers a served token for a moment: revoking it there forgets it at once, and a
// token revoked elsewhere (another portal on the same database) stops working within the moment.
func TestRevokedTokensStopWorking(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	other := openStore(t) // another portal on the same database
	u := newUser(t, s, "revoked@example.com")

	here, err := s.IssueToken(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByToken(ctx, here); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, u.ID, here); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByToken(ctx, here); models.ErrorCode(err) != models.EUNAUTH {
		t.Fatalf("a token revoked by this portal: %v, want EUNAUTH at once", err)
	}

	elsewhere, err := s.IssueToken(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByToken(ctx, elsewhere); err != nil {
		t.Fatal(err)
	}
	if err := other.RevokeToken(ctx, u.ID, elsewhere); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := s.UserByToken(ctx, elsewhere)
		if models.ErrorCode(err) == models.EUNAUTH {
			break
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("a token revoked by another portal still works after 10 s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A remembered token is not honoured past its own expiry.
func TestRememberedTokensExpire(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	u := newUser(t, s, "remembered@example.com")
	token, err := s.IssueToken(ctx, u.ID, 700*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByToken(ctx, token); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // past the token's expiry, within the time it is remembered
	if _, err := s.UserByToken(ctx, token); models.ErrorCode(err) != models.EUNAUTH {
		t.Fatalf("an expired token still served: %v", err)
	}
}
