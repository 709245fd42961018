package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hzcbec/portal/models/clock"
)

func TestRegisterLoginMeLogout(t *testing.T) {
	ts := startServer(t, nil)
	reg := ts.do(t, "POST", "/api/v1/auth/register", "", map[string]any{
		"email": "lin@example.com", "password": "a long password", "name": "林女士", "locale": "en", "roles": []string{"admin"}})
	if reg.Status != 201 {
		t.Fatalf("register: %d %s", reg.Status, reg.Body)
	}
	user := reg.json(t)["user"].(map[string]any)
	if roles := user["roles"].([]any); len(roles) != 1 || roles[0] != "consumer" {
		t.Fatalf("a registration chose its own roles: %v", roles)
	}
	if _, leaked := user["password_hash"]; leaked {
		t.Fatal("the answer shows the password hash")
	}
	if dup := ts.do(t, "POST", "/api/v1/auth/register", "", map[string]any{
		"email": "LIN@example.com", "password": "another long one", "name": "Lin"}); dup.Status != 409 {
		t.Fatalf("duplicate e-mail: %d, want 409", dup.Status)
	}

	bad := ts.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "lin@example.com", "password": "wrong password"})
	if bad.Status != 401 {
		t.Fatalf("wrong password: %d", bad.Status)
	}
	login := ts.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "lin@example.com", "password": "a long password"})
	if login.Status != 200 {
		t.Fatalf("login: %d %s", login.Status, login.Body)
	}
	token := login.json(t)["token"].(string)

	me := ts.do(t, "GET", "/api/v1/me", token, nil)
	m := me.json(t)
	if me.Status != 200 || m["email"] != "lin@example.com" || m["name"] != "林女士" || m["locale"] != "en" ||
		m["jurisdiction"] != nil || m["party_id"] != nil || m["id"] == "" {
		t.Fatalf("me: %d %v", me.Status, m)
	}

	if out := ts.do(t, "POST", "/api/v1/auth/logout", token, nil); out.Status != 204 {
		t.Fatalf("logout: %d", out.Status)
	}
	if after := ts.do(t, "GET", "/api/v1/me", token, nil); after.Status != 401 {
		t.Fatalf("me after logout: %d, want 401", after.Status)
	}
}

func TestErrorsAreProblemsInTheCallersLanguage(t *testing.T) {
	ts := startServer(t, nil)
	body := map[string]any{"email": "not-an-email", "password": "short"}
	en := ts.do(t, "POST", "/api/v1/auth/register", "", body, "Accept-Language", "en-US,en;q=0.9")
	zh := ts.do(t, "POST", "/api/v1/auth/register", "", body)
	for _, r := range []response{en, zh} {
		if r.Status != 422 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("invalid registration: %d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
	}
	fields := map[string]string{}
	for _, e := range en.json(t)["errors"].([]any) {
		e := e.(map[string]any)
		fields[e["field"].(string)] = e["message"].(string)
	}
	if !strings.Contains(fields["email"], "e-mail") || !strings.Contains(fields["password"], "10") || fields["name"] == "" {
		t.Fatalf("field errors in English: %v", fields)
	}
	if zh.json(t)["title"] != "输入无效" || en.json(t)["title"] != "Invalid input" {
		t.Fatalf("titles: zh %q, en %q", zh.json(t)["title"], en.json(t)["title"])
	}
	zhErrs := zh.json(t)["errors"].([]any)
	if msg := zhErrs[0].(map[string]any)["message"].(string); !strings.ContainsAny(msg, "请此太") {
		t.Fatalf("default language is not Chinese: %q", msg)
	}

	if r := ts.do(t, "POST", "/api/v1/auth/register", "", "{not json"); r.Status != 400 || r.json(t)["status"].(float64) != 400 {
		t.Fatalf("malformed JSON: %d %s", r.Status, r.Body)
	}
	if r := ts.do(t, "GET", "/api/v1/no-such-thing", "", nil); r.Status != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("unknown route: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if r := ts.do(t, "GET", "/api/v1/me", "pt_forged", nil); r.Status != 401 {
		t.Fatalf("forged token: %d", r.Status)
	}
	if r := ts.do(t, "GET", "/api/v1/me", "", nil, "Authorization", "Basic Zm9vOmJhcg=="); r.Status != 401 {
		t.Fatalf("other auth scheme: %d", r.Status)
	}
	if id := ts.do(t, "GET", "/healthz", "", nil).Header.Get("X-Request-Id"); id == "" {
		t.Fatal("no request id header")
	}
}

func TestLoginAndRegistrationAreRateLimited(t *testing.T) {
	ts := startServer(t, map[string]string{"PORTAL_AUTH_RATE": "3"})
	var last response
	for i := 0; i < 4; i++ {
		last = ts.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "nobody@example.com", "password": "whatever it is"})
	}
	if last.Status != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("4th login in a minute with a limit of 3: %d (Retry-After %q)", last.Status, last.Header.Get("Retry-After"))
	}
	for i := 0; i < 4; i++ {
		last = ts.do(t, "POST", "/api/v1/auth/register", "", map[string]any{})
	}
	if last.Status != 429 {
		t.Fatalf("4th registration: %d", last.Status)
	}
	// Unlimited routes stay open.
	if r := ts.do(t, "GET", "/api/v1/jurisdictions", "", nil); r.Status != 200 {
		t.Fatalf("jurisdictions: %d", r.Status)
	}
}

// sameProblem says two answers are the same problem, whatever their request ids.
func sameProblem(t *testing.T, a, b response) bool {
	t.Helper()
	pa, pb := a.json(t), b.json(t)
	delete(pa, "request_id")
	delete(pb, "request_id")
	return a.Status == b.Status && fmt.Sprint(pa) == fmt.Sprint(pb)
}

// Issue 12, seen 3: 40 parallel wrong passwords let at most 5 through to the password check; a
// waiting account, an unknown e-mail and a wrong password answer alike, so none of them tells
// whether an account exists; and the right password waits too.
func TestParallelWrongPasswordsAreThrottledAndAnswerAlike(t *testing.T) {
	ts := startServerAt(t, nil, clock.NewManual(time.Now())) // the clock stands still: the wait does not pass

	login := func(email, password string) response {
		return ts.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": password})
	}
	var wg sync.WaitGroup
	answers := make(chan response, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); answers <- login("consumer@demo.portal", "not the password") }()
	}
	wg.Wait()
	close(answers)
	wrong := login("arbitrator@demo.portal", "not the password")
	for r := range answers {
		if r.Status != 401 || !sameProblem(t, r, wrong) || r.Header.Get("Retry-After") != "" {
			t.Fatalf("a guess: %d %s, want 401 like a wrong password: %s", r.Status, r.Body, wrong.Body)
		}
	}
	if n := ts.count(t, "login_throttles", "key LIKE 'pair:consumer@demo.portal|%' AND failures BETWEEN 1 AND 5"); n != 1 {
		t.Errorf("more than 5 of 40 parallel guesses reached the password check")
	}
	waiting := login("consumer@demo.portal", "demo-password-2026")
	unknown := login("nobody-at-all@demo.portal", "demo-password-2026")
	for what, r := range map[string]response{"the right password while waiting": waiting, "an unknown e-mail": unknown} {
		if r.Status != 401 || !sameProblem(t, r, wrong) || r.Header.Get("Retry-After") != "" {
			t.Errorf("%s: %d %s, want the wrong password's answer %s", what, r.Status, r.Body, wrong.Body)
		}
	}
}

func TestAdminCreatesUsersOfEveryRole(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.token(t, "admin")
	r := ts.do(t, "POST", "/api/v1/admin/users", admin, map[string]any{
		"email": "insp@example.com", "password": "a long password", "name": "Inspector Wu", "roles": []string{"inspector"}})
	if r.Status != 422 || !strings.Contains(string(r.Body), `"jurisdiction"`) {
		t.Fatalf("inspector without jurisdiction: %d %s", r.Status, r.Body)
	}
	r = ts.do(t, "POST", "/api/v1/admin/users", admin, map[string]any{
		"email": "insp@example.com", "password": "a long password", "name": "Inspector Wu", "roles": []string{"inspector"}, "jurisdiction": "330108"})
	if r.Status != 201 {
		t.Fatalf("inspector: %d %s", r.Status, r.Body)
	}
	r = ts.do(t, "POST", "/api/v1/admin/users", admin, map[string]any{
		"email": "m@example.com", "password": "a long password", "name": "M", "roles": []string{"merchant"}, "party_id": "no-such-party"})
	if r.Status != 422 || !strings.Contains(string(r.Body), `"party_id"`) {
		t.Fatalf("merchant of an unknown party: %d %s", r.Status, r.Body)
	}
	r = ts.do(t, "POST", "/api/v1/admin/users", admin, map[string]any{
		"email": "m@example.com", "password": "a long password", "name": "M", "roles": []string{"merchant"}, "party_id": "demo-merchant"})
	if r.Status != 201 {
		t.Fatalf("merchant: %d %s", r.Status, r.Body)
	}

	login := ts.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "insp@example.com", "password": "a long password"})
	me := ts.do(t, "GET", "/api/v1/me", login.json(t)["token"].(string), nil).json(t)
	if me["jurisdiction"] != "330108" || me["roles"].([]any)[0] != "inspector" {
		t.Fatalf("inspector's me: %v", me)
	}

	list := ts.do(t, "GET", "/api/v1/admin/users?limit=3", admin, nil).json(t)
	if len(list["items"].([]any)) != 3 || list["next_cursor"] == nil {
		t.Fatalf("first page: %v", list)
	}
	seen := 3
	for cursor := list["next_cursor"]; cursor != nil; {
		page := ts.do(t, "GET", "/api/v1/admin/users?limit=3&cursor="+cursor.(string), admin, nil).json(t)
		seen += len(page["items"].([]any))
		cursor = page["next_cursor"]
	}
	if seen != 8 { // six demo accounts and two new ones
		t.Fatalf("paged through %d users, want 8", seen)
	}
	if r := ts.do(t, "GET", "/api/v1/admin/users?limit=500", admin, nil); r.Status != 422 {
		t.Fatalf("limit 500: %d", r.Status)
	}
}

func TestJurisdictions(t *testing.T) {
	ts := startServer(t, nil)
	items := ts.do(t, "GET", "/api/v1/jurisdictions", "", nil).json(t)["items"].([]any)
	if len(items) != 13 {
		t.Fatalf("%d jurisdictions, want 13", len(items))
	}
	first := items[0].(map[string]any)
	if first["code"] != "330102" || first["name_zh"] != "上城区" || first["name_en"] == "" {
		t.Fatalf("first: %v", first)
	}
}

func TestCSRFGuardsFormsAndCookieSessions(t *testing.T) {
	ts := startServer(t, nil)
	// A form without the token is refused, and so is a forged one.
	req, _ := http.NewRequest("POST", ts.URL+"/lang", strings.NewReader("lang=en"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := ts.send(t, req); r.Status != 403 {
		t.Fatalf("form without CSRF token: %d", r.Status)
	}
	req, _ = http.NewRequest("POST", ts.URL+"/lang", strings.NewReader("lang=en&_csrf=forged"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "portal_csrf", Value: "the-real-one"})
	if r := ts.send(t, req); r.Status != 403 {
		t.Fatalf("form with a forged CSRF token: %d", r.Status)
	}

	// Sign in through the page: the session cookie is HttpOnly and SameSite.
	res := ts.form(t, "/signin", "", map[string][]string{"email": {"consumer@demo.portal"}, "password": {"demo-password-2026"}})
	if res.Status != 303 {
		t.Fatalf("sign-in form: %d %s", res.Status, truncate(res.Body))
	}
	var session *http.Cookie
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "portal_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie: %+v", session)
	}
	// The cookie works for reading the API, but a write by cookie needs the CSRF header.
	get, _ := http.NewRequest("GET", ts.URL+"/api/v1/me", nil)
	get.AddCookie(session)
	if r := ts.send(t, get); r.Status != 200 {
		t.Fatalf("me by cookie: %d", r.Status)
	}
	post, _ := http.NewRequest("POST", ts.URL+"/api/v1/auth/logout", nil)
	post.AddCookie(session)
	if r := ts.send(t, post); r.Status != 403 {
		t.Fatalf("logout by cookie without CSRF header: %d", r.Status)
	}
	post, _ = http.NewRequest("POST", ts.URL+"/api/v1/auth/logout", nil)
	post.AddCookie(session)
	post.AddCookie(&http.Cookie{Name: "portal_csrf", Value: "tok"})
	post.Header.Set("X-CSRF-Token", "tok")
	if r := ts.send(t, post); r.Status != 204 {
		t.Fatalf("logout by cookie with CSRF header: %d", r.Status)
	}
	if r := ts.send(t, get); r.Status != 401 {
		t.Fatalf("me after the session ended: %d", r.Status)
	}
}

func TestIdempotencyKeyReplaysTheFirstAnswer(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.token(t, "admin")
	body := map[string]any{"email": "once@example.com", "password": "a long password", "name": "Once", "roles": []string{"arbitrator"}}
	first := ts.do(t, "POST", "/api/v1/admin/users", admin, body, "Idempotency-Key", "create-once-1")
	second := ts.do(t, "POST", "/api/v1/admin/users", admin, body, "Idempotency-Key", "create-once-1")
	if first.Status != 201 || second.Status != 201 || string(first.Body) != string(second.Body) {
		t.Fatalf("first %d %s, second %d %s", first.Status, first.Body, second.Status, second.Body)
	}
	if second.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("the repeat was not marked as a replay")
	}
	// Without the key, the same body is a duplicate.
	if r := ts.do(t, "POST", "/api/v1/admin/users", admin, body); r.Status != 409 {
		t.Fatalf("without the key: %d", r.Status)
	}
	// The key belongs to its caller: another user's identical key is a new request.
	reg := map[string]any{"email": "other@example.com", "password": "a long password", "name": "Other"}
	if r := ts.do(t, "POST", "/api/v1/auth/register", ts.token(t, "consumer"), reg, "Idempotency-Key", "create-once-1"); r.Status != 201 {
		t.Fatalf("same key, other caller: %d %s", r.Status, r.Body)
	}
	// The same key on another route, or with another body, is refused rather than answered
	// with the first request's result.
	wantInvalid(t, "key reused on another route", ts.do(t, "POST", "/api/v1/admin/policies", admin,
		map[string]any{"ptype": "g", "rule": []string{"a", "b", "*"}}, "Idempotency-Key", "create-once-1"), "Idempotency-Key")
	body["name"] = "Twice"
	r := ts.do(t, "POST", "/api/v1/admin/users", admin, body, "Idempotency-Key", "create-once-1")
	wantInvalid(t, "key reused with another body", r, "Idempotency-Key")
	if r.Header.Get("Idempotent-Replayed") != "" || strings.Contains(string(r.Body), "once@example.com") {
		t.Fatalf("a different body got the first answer: %s", r.Body)
	}
}

// Issue 12, seen 2: a victim signs in with an Idempotency-Key; anyone else from the same address
// posting the same key with an empty body got the victim's bearer token. Sign-ins are never
// stored or replayed now, nor is a signed-in caller's sign-in (its answer holds a token).
func TestLoginReplayReturnsNoToken(t *testing.T) {
	ts := startServer(t, nil)
	victim := map[string]any{"email": "consumer@demo.portal", "password": "demo-password-2026"}
	if r := ts.do(t, "POST", "/api/v1/auth/login", "", victim, "Idempotency-Key", "k1"); r.Status != 200 || r.json(t)["token"] == nil {
		t.Fatalf("the victim's sign-in: %d %s", r.Status, r.Body)
	}
	r := ts.do(t, "POST", "/api/v1/auth/login", "", map[string]any{}, "Idempotency-Key", "k1")
	if r.Status == 200 || r.Header.Get("Idempotent-Replayed") != "" || strings.Contains(string(r.Body), "token") {
		t.Fatalf("the replay: %d %v %s", r.Status, r.Header, r.Body)
	}
	// A signed-in caller's sign-in with a key is not kept either.
	if r := ts.do(t, "POST", "/api/v1/auth/login", ts.token(t, "merchant"),
		map[string]any{"email": "merchant@demo.portal", "password": "demo-password-2026"}, "Idempotency-Key", "k2"); r.Status != 200 {
		t.Fatalf("a signed-in sign-in: %d %s", r.Status, r.Body)
	}
	if n := ts.count(t, "idempotency_keys", "key IN ('k1', 'k2')"); n != 0 {
		t.Fatalf("%d sign-in answers were stored for replay", n)
	}
}
