package app_test

import (
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/hzcbec/portal/models/clock"
)

// code is the TOTP code of secret at t, as an authenticator app shows it.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (ts *testServer) login(t *testing.T, email, password, otp string) response {
	t.Helper()
	body := map[string]any{"email": email, "password": password}
	if otp != "" {
		body["otp"] = otp
	}
	return ts.do(t, "POST", "/api/v1/auth/login", "", body)
}

// Issue 12: a password change ends the user's other sessions and tokens; "sign out everywhere"
// ends all of them.
func TestPasswordChangeAndSignOutEverywhere(t *testing.T) {
	ts := startServer(t, nil)
	a := ts.login(t, "consumer@demo.portal", "demo-password-2026", "").json(t)["token"].(string)
	b := ts.login(t, "consumer@demo.portal", "demo-password-2026", "").json(t)["token"].(string)
	wantInvalid(t, "a wrong current password", ts.do(t, "POST", "/api/v1/me/password", a,
		map[string]any{"current_password": "not it", "new_password": "a brand new password"}), "current_password")
	wantInvalid(t, "a short new password", ts.do(t, "POST", "/api/v1/me/password", a,
		map[string]any{"current_password": "demo-password-2026", "new_password": "short"}), "new_password")
	if r := ts.do(t, "POST", "/api/v1/me/password", a, map[string]any{"current_password": "demo-password-2026", "new_password": "a brand new password"}); r.Status != 204 {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if r := ts.do(t, "GET", "/api/v1/me", a, nil); r.Status != 200 {
		t.Errorf("the token the change was made with: %d, want it kept", r.Status)
	}
	if r := ts.do(t, "GET", "/api/v1/me", b, nil); r.Status != 401 {
		t.Errorf("another token after the change: %d, want 401", r.Status)
	}
	if r := ts.login(t, "consumer@demo.portal", "demo-password-2026", ""); r.Status != 401 {
		t.Errorf("the old password: %d", r.Status)
	}
	c := ts.login(t, "consumer@demo.portal", "a brand new password", "").json(t)["token"].(string)
	if r := ts.do(t, "POST", "/api/v1/me/sign-out-everywhere", a, nil); r.Status != 204 {
		t.Fatalf("sign out everywhere: %d", r.Status)
	}
	for _, tok := range []string{a, c} {
		if r := ts.do(t, "GET", "/api/v1/me", tok, nil); r.Status != 401 {
			t.Errorf("a token after signing out everywhere: %d", r.Status)
		}
	}
	if n := ts.count(t, "audit_records", "action IN ('user.password', 'user.sign_out_everywhere') AND object_id = ?", ts.users["consumer"].ID); n != 3 {
		t.Errorf("%d audit records of the change and the sign-outs, want 3", n)
	}
}

// Issue 12: a TOTP second factor, required at every sign-in once enrolled; a wrong, missing or
// replayed code is answered like a wrong password; a role the policy says must enrol cannot act
// before it has.
func TestSecondFactor(t *testing.T) {
	clk := clock.NewManual(time.Now())
	ts := startServerAt(t, nil, clk)
	admin := ts.login(t, "admin@demo.portal", "demo-password-2026", "").json(t)["token"].(string)
	enrol := ts.do(t, "POST", "/api/v1/me/totp", admin, nil, "Idempotency-Key", "totp-1")
	secret, _ := enrol.json(t)["secret"].(string)
	if enrol.Status != 201 || secret == "" || ts.count(t, "idempotency_keys", "key = 'totp-1'") != 0 {
		t.Fatalf("enrolment: %d %s (its answer holds the secret: never stored for replay)", enrol.Status, enrol.Body)
	}
	wantInvalid(t, "a wrong code", ts.do(t, "POST", "/api/v1/me/totp/confirm", admin, map[string]any{"otp": "123456"}), "otp")
	if r := ts.do(t, "POST", "/api/v1/me/totp/confirm", admin, map[string]any{"otp": code(t, secret, clk.Now())}); r.Status != 204 {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	wrong := ts.login(t, "admin@demo.portal", "not the password", "")
	for what, r := range map[string]response{
		"no code":          ts.login(t, "admin@demo.portal", "demo-password-2026", ""),
		"a wrong code":     ts.login(t, "admin@demo.portal", "demo-password-2026", "000000"),
		"the used code":    ts.login(t, "admin@demo.portal", "demo-password-2026", code(t, secret, clk.Now())),
		"an old code":      ts.login(t, "admin@demo.portal", "demo-password-2026", code(t, secret, clk.Now().Add(-2*time.Minute))),
		"a future code":    ts.login(t, "admin@demo.portal", "demo-password-2026", code(t, secret, clk.Now().Add(2*time.Minute))),
		"a wrong password": ts.login(t, "admin@demo.portal", "not it either", code(t, secret, clk.Now().Add(30*time.Second))),
	} {
		if !sameProblem(t, r, wrong) {
			t.Errorf("%s: %d %s, want the wrong password's answer", what, r.Status, r.Body)
		}
	}
	clk.Advance(5 * time.Minute) // past the waits the refused tries started
	fresh := code(t, secret, clk.Now())
	if r := ts.login(t, "admin@demo.portal", "demo-password-2026", fresh); r.Status != 200 {
		t.Fatalf("password and a fresh code: %d %s", r.Status, r.Body)
	}
	if r := ts.login(t, "admin@demo.portal", "demo-password-2026", fresh); !sameProblem(t, r, wrong) {
		t.Fatalf("the same code again (a replay): %d %s", r.Status, r.Body)
	}
	clk.Advance(5 * time.Minute)
	if r := ts.login(t, "admin@demo.portal", "demo-password-2026", code(t, secret, clk.Now())); r.Status != 200 {
		t.Fatalf("the next code: %d %s", r.Status, r.Body)
	}
	// A session alone cannot swap an enrolled second factor: it takes a current code of it.
	wantInvalid(t, "replacing the app without a code", ts.do(t, "POST", "/api/v1/me/totp", ts.token(t, "admin"), nil), "otp")
	clk.Advance(time.Minute)
	if r := ts.do(t, "POST", "/api/v1/me/totp", ts.token(t, "admin"), map[string]any{"otp": code(t, secret, clk.Now())}); r.Status != 201 {
		t.Fatalf("replacing the app with a current code: %d %s", r.Status, r.Body)
	}

	// The policy asks arbitrators to enrol: until they do, they read but do not act.
	admin = ts.token(t, "admin")
	rule := map[string]any{"ptype": "p", "rule": []string{"arbitrator", "*", "second_factor", "required", "*"}}
	if r := ts.do(t, "POST", "/api/v1/admin/policies", admin, rule); r.Status != 201 && r.Status != 204 {
		t.Fatalf("the rule: %d %s", r.Status, r.Body)
	}
	arbitrator := ts.token(t, "arbitrator")
	caseBody := map[string]any{"respondent_id": "demo-merchant", "amount": "10.00", "currency": "CNY", "claim": "退款", "agreement": "仲裁条款"}
	kase := ts.created(t, "/api/v1/cases", ts.token(t, "consumer"), caseBody)["id"].(string)
	if r := ts.do(t, "POST", "/api/v1/cases/"+kase+"/actions/accept", arbitrator, nil); r.Status != 403 {
		t.Fatalf("an arbitrator without a second factor acts: %d %s", r.Status, r.Body)
	}
	if r := ts.do(t, "GET", "/api/v1/cases/"+kase, arbitrator, nil); r.Status != 200 {
		t.Fatalf("an arbitrator without a second factor reads: %d", r.Status)
	}
	secret = ts.do(t, "POST", "/api/v1/me/totp", arbitrator, nil).json(t)["secret"].(string)
	if r := ts.do(t, "POST", "/api/v1/me/totp/confirm", arbitrator, map[string]any{"otp": code(t, secret, clk.Now())}); r.Status != 204 {
		t.Fatalf("the arbitrator enrols: %d %s", r.Status, r.Body)
	}
	caseAct(t, ts, ts.token(t, "arbitrator"), kase, "accept", nil, 200)
	// Others are not asked: the default policy requires no second factor.
	if r := ts.do(t, "POST", "/api/v1/complaints", ts.token(t, "consumer"), complaintBody()); r.Status != 201 {
		t.Fatalf("a consumer without a second factor files: %d", r.Status)
	}
}
