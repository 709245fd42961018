package app_test

import (
	"fmt"
	"strings"
	"testing"
)

// access is one row of the access matrix: a route, how to call it, and the status each role gets,
// in the order of roles: public, consumer, merchant, platform, inspector, arbitrator, admin.
type access struct {
	route string // "METHOD /path" exactly as in the route table
	url   string // what to call, when the route has parameters or wildcards
	body  any    // JSON body of API calls
	form  bool   // a page form (sent with a CSRF pair)
	want  [7]int
}

func all(status int) [7]int { return [7]int{status, status, status, status, status, status, status} }

// signedIn: the public gets `public`, every signed-in role `user`.
func signedIn(public, user int) [7]int { return [7]int{public, user, user, user, user, user, user} }

// adminOnly: the public gets 401 (or a redirect on pages), other roles 403, the admin `admin`.
func adminOnly(public, admin int) [7]int { return [7]int{public, 403, 403, 403, 403, 403, admin} }

var accessMatrix = []access{
	// Operations
	{route: "GET /healthz", want: all(200)},
	{route: "GET /readyz", want: all(200)},
	{route: "GET /metrics", want: all(200)},
	{route: "GET /api/openapi.json", want: all(200)},

	// Accounts
	{route: "POST /api/v1/auth/register", body: map[string]any{}, want: all(422)},
	{route: "POST /api/v1/auth/login", body: map[string]any{}, want: all(422)},
	{route: "POST /api/v1/auth/logout", want: signedIn(401, 204)},
	{route: "GET /api/v1/me", want: signedIn(401, 200)},
	{route: "GET /api/v1/jurisdictions", want: all(200)},

	// Administration
	{route: "GET /api/v1/admin/users", want: adminOnly(401, 200)},
	{route: "POST /api/v1/admin/users", body: map[string]any{}, want: adminOnly(401, 422)},
	{route: "GET /api/v1/admin/policies", want: adminOnly(401, 200)},
	{route: "POST /api/v1/admin/policies", body: map[string]any{"ptype": "p"}, want: adminOnly(401, 422)},
	{route: "DELETE /api/v1/admin/policies", body: map[string]any{"ptype": "p"}, want: adminOnly(401, 422)},
	{route: "GET /api/v1/admin/audit", want: adminOnly(401, 200)},

	// Disputes: complaints ({complaint} is one the demo consumer filed against the demo merchant
	// on the demo platform, in 330106: the arbitrator stands in no relation to it)
	{route: "POST /api/v1/complaints", body: map[string]any{}, want: [7]int{401, 422, 403, 403, 403, 403, 403}},
	{route: "GET /api/v1/complaints", want: signedIn(401, 200)},
	{route: "GET /api/v1/complaints/:id", url: "/api/v1/complaints/{complaint}", want: [7]int{401, 200, 200, 200, 200, 404, 200}},
	{route: "GET /api/v1/complaints/:id/actions", url: "/api/v1/complaints/{complaint}/actions", want: [7]int{401, 200, 200, 200, 200, 404, 200}},
	{route: "POST /api/v1/complaints/:id/actions/:name", url: "/api/v1/complaints/{complaint}/actions/escalate", want: [7]int{401, 409, 403, 403, 403, 404, 403}},
	{route: "GET /api/v1/complaints/:id/timeline", url: "/api/v1/complaints/{complaint}/timeline", want: [7]int{401, 200, 200, 200, 200, 404, 200}},
	{route: "GET /api/v1/notifications", want: signedIn(401, 200)},

	// Pages
	{route: "GET /", want: all(200)},
	{route: "GET /signin", want: all(200)},
	{route: "POST /signin", form: true, want: all(401)}, // empty credentials: the form again, 401
	{route: "GET /signup", want: all(200)},
	{route: "POST /signup", form: true, want: all(422)},
	{route: "POST /signout", form: true, want: signedIn(401, 303)},
	{route: "POST /lang", form: true, want: all(303)},
	{route: "GET /account", want: signedIn(303, 200)},
	{route: "GET /admin/audit", want: adminOnly(303, 200)},
	{route: "GET /static/*", url: "/static/app.css", want: all(200)},
}

// TestAccessMatrix calls every route as every role, with real tokens against the real server,
// and checks the status. A route missing from the table fails the test.
func TestAccessMatrix(t *testing.T) {
	ts := startServer(t, nil)

	inTable := map[string]bool{}
	for _, row := range accessMatrix {
		inTable[row.route] = true
	}
	inServer := map[string]bool{}
	for _, r := range ts.srv.Routes() {
		key := r.Method + " " + r.Path
		inServer[key] = true
		if !inTable[key] {
			t.Errorf("route %s is not in the access matrix: add a row with the status each role must get", key)
		}
	}
	for key := range inTable {
		if !inServer[key] {
			t.Errorf("access matrix row %s matches no route", key)
		}
	}

	complaint := fileComplaint(t, ts, ts.token(t, "consumer"))
	for _, row := range accessMatrix {
		method, path, _ := strings.Cut(row.route, " ")
		if row.url != "" {
			path = strings.ReplaceAll(row.url, "{complaint}", complaint)
		}
		for i, role := range roles {
			t.Run(fmt.Sprintf("%s/%s", row.route, role), func(t *testing.T) {
				token := ts.token(t, role)
				var res response
				if row.form {
					res = ts.form(t, path, token, nil)
				} else {
					res = ts.do(t, method, path, token, row.body)
				}
				if res.Status != row.want[i] {
					t.Errorf("%s as %s: status %d, want %d\n%s", row.route, role, res.Status, row.want[i], truncate(res.Body))
				}
			})
		}
	}
}

func truncate(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}
