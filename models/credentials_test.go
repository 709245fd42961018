package models_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/clock"
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

func TestFailedLoginsGrowADelayForTheirAddressOnly(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(clock.In(2026, 12, 4, 9, 0, 0))
	s, err := models.Open(ctx, dsn, clk)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	newUser(t, s, "delay@example.com")
	const guesser, owner = "198.51.100.7", "203.0.113.9"

	for i := 0; i < 3; i++ {
		if _, err := s.Authenticate(ctx, "delay@example.com", "wrong password", "", guesser); models.ErrorCode(err) != models.EUNAUTH {
			t.Fatalf("failure %d: %v, want EUNAUTH", i+1, err)
		}
	}
	// The third failure started a wait at the guesser's address: even the right password is
	// refused there, with the answer a wrong password gets.
	if _, err := s.Authenticate(ctx, "delay@example.com", "correct horse battery", "", guesser); models.ErrorCode(err) != models.EUNAUTH {
		t.Fatalf("during the wait: %v, want EUNAUTH like any wrong password", err)
	}
	// The owner, elsewhere, is not kept out by the guesser.
	if u, err := s.Authenticate(ctx, "delay@example.com", "correct horse battery", "", owner); err != nil || u == nil {
		t.Fatalf("the owner at another address: %v", err)
	}
	// Once the wait has passed the guesser's address may try again.
	clk.Advance(16 * time.Minute)
	if u, err := s.Authenticate(ctx, "DELAY@example.com", "correct horse battery", "", guesser); err != nil || u == nil {
		t.Fatalf("after the wait: %v", err)
	}
	// Success resets the count: one more failure does not make a wait.
	if _, err := s.Authenticate(ctx, "delay@example.com", "wrong password", "", guesser); models.ErrorCode(err) != models.EUNAUTH {
		t.Fatalf("after reset: %v", err)
	}
	if u, err := s.Authenticate(ctx, "delay@example.com", "correct horse battery", "", guesser); err != nil || u == nil {
		t.Fatalf("one failure after a reset: %v", err)
	}
	// Guesses spread over many addresses, one a minute for half an hour, make the account wait,
	// but never more than a minute.
	for i := 0; i < 30; i++ {
		clk.Advance(61 * time.Second)
		_, _ = s.Authenticate(ctx, "delay@example.com", "wrong password", "", fmt.Sprintf("192.0.2.%d", i))
	}
	const newPlace = "203.0.113.10"
	if _, err := s.Authenticate(ctx, "delay@example.com", "correct horse battery", "", newPlace); models.ErrorCode(err) != models.EUNAUTH {
		t.Fatalf("right after 30 guesses from 30 addresses, from a new address: %v, want a wait", err)
	}
	// The owner's usual address is not held back by the e-mail's wait at all.
	if u, err := s.Authenticate(ctx, "delay@example.com", "correct horse battery", "", owner); err != nil || u == nil {
		t.Fatalf("the owner at the address they signed in from before: %v", err)
	}
	for i := 30; i < 40; i++ {
		clk.Advance(61 * time.Second)
		_, _ = s.Authenticate(ctx, "delay@example.com", "wrong password", "", fmt.Sprintf("192.0.2.%d", i))
	}
	clk.Advance(61 * time.Second)
	if u, err := s.Authenticate(ctx, "delay@example.com", "correct horse battery", "", newPlace); err != nil || u == nil {
		t.Fatalf("a minute later the owner is still kept out of a new address: %v", err)
	}
}

// Issue 12, seen 3: parallel wrong passwords all passed the lock check before the count rose.
// Now at most the free tries reach the password check, unknown e-mails are counted alike, and
// every refusal is the same EUNAUTH.
func TestParallelGuessesAreCountedBeforeTheyAreChecked(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	newUser(t, s, "parallel@example.com")
	for _, email := range []string{"parallel@example.com", "nobody-parallel@example.com"} {
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Authenticate(ctx, email, "wrong password", "", "198.51.100.40")
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if models.ErrorCode(err) != models.EUNAUTH {
				t.Fatalf("%s: %v, want EUNAUTH", email, err)
			}
		}
		var checked int
		if err := s.Gorm().Raw(`SELECT failures FROM login_throttles WHERE key = ?`, "pair:"+email+"|198.51.100.40").Scan(&checked).Error; err != nil {
			t.Fatal(err)
		}
		if checked < 1 || checked > 5 {
			t.Errorf("%s: %d of 40 parallel guesses reached the password check, want at most 5", email, checked)
		}
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
