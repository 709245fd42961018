package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
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
	{route: "GET /metrics", want: adminOnly(401, 200)},
	{route: "GET /api/openapi.json", want: all(200)},

	// Accounts
	{route: "POST /api/v1/auth/register", body: map[string]any{}, want: all(422)},
	{route: "POST /api/v1/auth/login", body: map[string]any{}, want: all(422)},
	{route: "POST /api/v1/auth/logout", want: signedIn(401, 204)},
	{route: "GET /api/v1/me", want: signedIn(401, 200)},
	{route: "PATCH /api/v1/me", body: map[string]any{}, want: signedIn(401, 422)},
	{route: "POST /api/v1/me/password", body: map[string]any{}, want: signedIn(401, 422)},
	{route: "POST /api/v1/me/sign-out-everywhere", want: signedIn(401, 204)},
	{route: "POST /api/v1/me/totp", want: signedIn(401, 201)},
	{route: "POST /api/v1/me/totp/confirm", body: map[string]any{"otp": "000000"}, want: signedIn(401, 422)},
	{route: "GET /api/v1/jurisdictions", want: all(200)},

	// Administration
	{route: "GET /api/v1/admin/users", want: adminOnly(401, 200)},
	{route: "POST /api/v1/admin/users", body: map[string]any{}, want: adminOnly(401, 422)},
	{route: "GET /api/v1/admin/policies", want: adminOnly(401, 200)},
	{route: "POST /api/v1/admin/policies", body: map[string]any{"ptype": "p"}, want: adminOnly(401, 422)},
	{route: "DELETE /api/v1/admin/policies", body: map[string]any{"ptype": "p"}, want: adminOnly(401, 422)},
	{route: "GET /api/v1/admin/audit", want: adminOnly(401, 200)},
	{route: "GET /api/v1/admin/audit/:id/proof", url: "/api/v1/admin/audit/999999999/proof", want: adminOnly(401, 404)},
	{route: "GET /api/v1/public/audit/checkpoint", want: all(200)},
	{route: "GET /api/v1/public/audit/key", want: all(200)},

	// Disputes: complaints ({complaint} is one the demo consumer filed against the demo merchant
	// on the demo platform, in 330106: the arbitrator stands in no relation to it)
	{route: "POST /api/v1/complaints", body: map[string]any{}, want: [7]int{401, 422, 403, 403, 403, 403, 403}},
	{route: "GET /api/v1/complaints", want: signedIn(401, 200)},
	{route: "GET /api/v1/complaints/:id", url: "/api/v1/complaints/{complaint}", want: [7]int{401, 200, 200, 200, 200, 404, 200}},
	{route: "GET /api/v1/complaints/:id/actions", url: "/api/v1/complaints/{complaint}/actions", want: [7]int{401, 200, 200, 200, 200, 404, 200}},
	{route: "POST /api/v1/complaints/:id/actions/:name", url: "/api/v1/complaints/{complaint}/actions/escalate", want: [7]int{401, 409, 403, 403, 403, 404, 403}},
	{route: "GET /api/v1/complaints/:id/timeline", url: "/api/v1/complaints/{complaint}/timeline", want: [7]int{401, 200, 200, 200, 200, 404, 200}},
	// Disputes: claims ({claim} is a return the demo consumer filed against the demo merchant: only
	// they and the admin see it)
	{route: "POST /api/v1/claims", body: map[string]any{}, want: [7]int{401, 422, 403, 403, 403, 403, 403}},
	{route: "GET /api/v1/claims", want: signedIn(401, 200)},
	{route: "GET /api/v1/claims/:id", url: "/api/v1/claims/{claim}", want: [7]int{401, 200, 200, 404, 404, 404, 200}},
	{route: "GET /api/v1/claims/:id/actions", url: "/api/v1/claims/{claim}/actions", want: [7]int{401, 200, 200, 404, 404, 404, 200}},
	{route: "POST /api/v1/claims/:id/actions/:name", url: "/api/v1/claims/{claim}/actions/escalate", want: [7]int{401, 409, 403, 404, 404, 404, 403}},
	{route: "GET /api/v1/claims/:id/timeline", url: "/api/v1/claims/{claim}/timeline", want: [7]int{401, 200, 200, 404, 404, 404, 200}},
	{route: "POST /api/v1/claims/:id/messages", url: "/api/v1/claims/{claim}/messages", body: map[string]any{"body": "matrix"}, want: [7]int{401, 201, 201, 404, 404, 404, 403}},
	{route: "GET /api/v1/claims/:id/messages", url: "/api/v1/claims/{claim}/messages", want: [7]int{401, 200, 200, 404, 404, 404, 200}},
	{route: "POST /api/v1/claims/:id/evidence", url: "/api/v1/claims/{claim}/evidence", want: [7]int{401, 422, 422, 404, 404, 404, 403}}, // no file: those who may add get 422
	{route: "GET /api/v1/claims/:id/evidence", url: "/api/v1/claims/{claim}/evidence", want: [7]int{401, 200, 200, 404, 404, 404, 200}},
	{route: "POST /api/v1/complaints/:id/messages", url: "/api/v1/complaints/{complaint}/messages", body: map[string]any{"body": "matrix"}, want: [7]int{401, 201, 201, 201, 201, 404, 403}},
	{route: "GET /api/v1/complaints/:id/messages", url: "/api/v1/complaints/{complaint}/messages", want: [7]int{401, 200, 200, 200, 200, 404, 200}},
	{route: "POST /api/v1/complaints/:id/evidence", url: "/api/v1/complaints/{complaint}/evidence", want: [7]int{401, 422, 422, 422, 422, 404, 403}}, // no file: those who may add get 422
	{route: "GET /api/v1/complaints/:id/evidence", url: "/api/v1/complaints/{complaint}/evidence", want: [7]int{401, 200, 200, 200, 200, 404, 200}},
	{route: "GET /api/v1/evidence/:id", url: "/api/v1/evidence/no-such-evidence", want: signedIn(401, 404)},
	// Disputes: arbitration cases ({case} is one the demo consumer filed against the demo merchant;
	// every arbitrator acts as the institution's secretary)
	{route: "POST /api/v1/cases", body: map[string]any{}, want: [7]int{401, 422, 403, 403, 403, 403, 403}},
	{route: "GET /api/v1/cases", want: signedIn(401, 200)},
	{route: "GET /api/v1/cases/:id", url: "/api/v1/cases/{case}", want: [7]int{401, 200, 200, 404, 404, 200, 200}},
	{route: "GET /api/v1/cases/:id/actions", url: "/api/v1/cases/{case}/actions", want: [7]int{401, 200, 200, 404, 404, 200, 200}},
	{route: "POST /api/v1/cases/:id/actions/:name", url: "/api/v1/cases/{case}/actions/publish", want: [7]int{401, 403, 403, 404, 404, 403, 403}},
	{route: "GET /api/v1/cases/:id/timeline", url: "/api/v1/cases/{case}/timeline", want: [7]int{401, 200, 200, 404, 404, 200, 200}},
	{route: "POST /api/v1/cases/:id/messages", url: "/api/v1/cases/{case}/messages", body: map[string]any{"body": "matrix"}, want: [7]int{401, 201, 201, 404, 404, 201, 403}},
	{route: "GET /api/v1/cases/:id/messages", url: "/api/v1/cases/{case}/messages", want: [7]int{401, 200, 200, 404, 404, 200, 200}},
	{route: "POST /api/v1/cases/:id/evidence", url: "/api/v1/cases/{case}/evidence", want: [7]int{401, 422, 422, 404, 404, 403, 403}},
	{route: "GET /api/v1/cases/:id/evidence", url: "/api/v1/cases/{case}/evidence", want: [7]int{401, 200, 200, 404, 404, 200, 200}},
	{route: "GET /api/v1/public/rulings", want: all(200)},

	// Search: anyone may search; what each one finds is app/search_test.go's
	{route: "GET /api/v1/search", url: "/api/v1/search?q=x", want: all(200)},
	{route: "GET /api/v1/notifications", want: signedIn(401, 200)},

	// Traceability: registry (inspectors and the admin write and read it; nobody else. A POST of {}
	// is invalid; a missing id is 404 to those who may read)
	{route: "POST /api/v1/parties", body: map[string]any{}, want: registryAccess(422)},
	{route: "GET /api/v1/parties", want: registryAccess(200)},
	{route: "GET /api/v1/parties/:id", url: "/api/v1/parties/no-such-party", want: registryAccess(404)},
	{route: "GET /api/v1/parties/:id/contact", url: "/api/v1/parties/demo-merchant/contact", want: adminOnly(401, 200)},
	{route: "PUT /api/v1/parties/:id/contact", url: "/api/v1/parties/no-such-party/contact", body: map[string]any{"contact_email": nil}, want: adminOnly(401, 404)},
	{route: "POST /api/v1/products", body: map[string]any{}, want: registryAccess(422)},
	{route: "GET /api/v1/products", want: registryAccess(200)},
	{route: "GET /api/v1/products/:id", url: "/api/v1/products/no-such-product", want: registryAccess(404)},
	{route: "POST /api/v1/products/:id/batches", url: "/api/v1/products/no-such-product/batches", body: map[string]any{}, want: registryAccess(404)},
	{route: "GET /api/v1/products/:id/batches", url: "/api/v1/products/no-such-product/batches", want: registryAccess(404)},
	{route: "POST /api/v1/listings", body: map[string]any{}, want: registryAccess(422)},
	{route: "GET /api/v1/listings", want: registryAccess(200)},
	{route: "GET /api/v1/listings/:id", url: "/api/v1/listings/no-such-listing", want: registryAccess(404)},
	{route: "POST /api/v1/listings/:id/snapshot", url: "/api/v1/listings/no-such-listing/snapshot", want: registryAccess(404)},
	{route: "POST /api/v1/declarations", body: map[string]any{}, want: registryAccess(422)},
	{route: "GET /api/v1/declarations", want: registryAccess(200)},
	{route: "GET /api/v1/declarations/:id", url: "/api/v1/declarations/no-such-declaration", want: registryAccess(404)},
	{route: "POST /api/v1/shipments", body: map[string]any{}, want: registryAccess(422)},
	{route: "GET /api/v1/shipments", want: registryAccess(200)},
	{route: "GET /api/v1/shipments/:id", url: "/api/v1/shipments/no-such-shipment", want: registryAccess(404)},
	{route: "POST /api/v1/trace-events", body: map[string]any{}, want: registryAccess(422)},
	{route: "GET /api/v1/trace-events", want: registryAccess(200)},
	{route: "GET /api/v1/listings/:id/trace", url: "/api/v1/listings/no-such-listing/trace", want: registryAccess(404)},
	{route: "GET /api/v1/products/:id/trace", url: "/api/v1/products/no-such-product/trace", want: registryAccess(404)},

	// Traceability: EPCIS (inspectors and the admin capture and query; {} is not an EPCISDocument)
	{route: "POST /api/v1/epcis/capture", body: map[string]any{}, want: [7]int{401, 403, 403, 403, 422, 403, 422}},
	{route: "GET /api/v1/epcis/events", want: [7]int{401, 403, 403, 403, 200, 403, 200}},

	// Traceability: inspections, alerts, measures, hand-offs ({measure} orders the demo merchant,
	// {investigation} is handed to 330106, the demo inspector's district)
	{route: "POST /api/v1/inspections", body: map[string]any{}, want: [7]int{401, 403, 403, 403, 422, 403, 403}},
	{route: "GET /api/v1/inspections", want: [7]int{401, 403, 403, 403, 200, 403, 200}},
	{route: "GET /api/v1/inspections/:id", url: "/api/v1/inspections/missing", want: [7]int{401, 403, 403, 403, 404, 403, 404}},
	{route: "POST /api/v1/inspections/:id/report", url: "/api/v1/inspections/missing/report", want: [7]int{401, 403, 403, 403, 404, 403, 403}},
	{route: "POST /api/v1/alerts", body: map[string]any{}, want: [7]int{401, 403, 403, 403, 422, 403, 422}},
	{route: "GET /api/v1/alerts", want: [7]int{401, 403, 403, 403, 200, 403, 200}},
	{route: "GET /api/v1/alerts/:id", url: "/api/v1/alerts/missing", want: [7]int{401, 403, 403, 403, 404, 403, 404}},
	{route: "GET /api/v1/public/alerts", want: all(200)},
	{route: "GET /api/v1/alerts/:id/matches", url: "/api/v1/alerts/missing/matches", want: [7]int{401, 403, 403, 403, 404, 403, 404}},
	{route: "POST /api/v1/alerts/:id/matches/:match_id/confirm", url: "/api/v1/alerts/missing/matches/missing/confirm", want: [7]int{401, 403, 403, 403, 404, 403, 404}},
	{route: "POST /api/v1/alerts/:id/matches/:match_id/reject", url: "/api/v1/alerts/missing/matches/missing/reject", want: [7]int{401, 403, 403, 403, 404, 403, 404}},
	{route: "GET /api/v1/alert-matches", url: "/api/v1/alert-matches?status=proposed", want: [7]int{401, 403, 403, 403, 200, 403, 200}},
	{route: "POST /api/v1/measures", body: map[string]any{}, want: [7]int{401, 403, 403, 403, 422, 403, 403}},
	{route: "GET /api/v1/measures", want: signedIn(401, 200)},
	{route: "GET /api/v1/measures/:id", url: "/api/v1/measures/{measure}", want: [7]int{401, 404, 200, 404, 200, 404, 200}},
	{route: "GET /api/v1/measures/:id/actions", url: "/api/v1/measures/{measure}/actions", want: [7]int{401, 404, 200, 404, 200, 404, 200}},
	{route: "POST /api/v1/measures/:id/actions/:name", url: "/api/v1/measures/{measure}/actions/verify", want: [7]int{401, 404, 403, 404, 409, 404, 403}},
	{route: "GET /api/v1/measures/:id/timeline", url: "/api/v1/measures/{measure}/timeline", want: [7]int{401, 404, 200, 404, 200, 404, 200}},
	{route: "POST /api/v1/measures/:id/evidence", url: "/api/v1/measures/{measure}/evidence", want: [7]int{401, 404, 422, 404, 422, 404, 403}},
	{route: "GET /api/v1/measures/:id/evidence", url: "/api/v1/measures/{measure}/evidence", want: [7]int{401, 404, 200, 404, 200, 404, 200}},
	{route: "POST /api/v1/handoffs", body: map[string]any{}, want: [7]int{401, 403, 403, 403, 422, 403, 422}},
	{route: "GET /api/v1/investigations", want: signedIn(401, 200)},
	{route: "GET /api/v1/investigations/:id", url: "/api/v1/investigations/{investigation}", want: [7]int{401, 404, 404, 404, 200, 404, 200}},
	{route: "GET /api/v1/investigations/:id/actions", url: "/api/v1/investigations/{investigation}/actions", want: [7]int{401, 404, 404, 404, 200, 404, 200}},
	{route: "POST /api/v1/investigations/:id/actions/:name", url: "/api/v1/investigations/{investigation}/actions/close", want: [7]int{401, 404, 404, 404, 409, 404, 403}},
	{route: "GET /api/v1/investigations/:id/timeline", url: "/api/v1/investigations/{investigation}/timeline", want: [7]int{401, 404, 404, 404, 200, 404, 200}},

	// Credit and the negative list
	{route: "GET /api/v1/public/parties/:id/credit", url: "/api/v1/public/parties/demo-merchant/credit", want: all(200)},
	{route: "GET /api/v1/public/negative-list", want: all(200)},
	{route: "POST /api/v1/negative-list", body: map[string]any{}, want: [7]int{401, 403, 403, 403, 422, 403, 403}},
	{route: "POST /api/v1/negative-list/:id/appeals", url: "/api/v1/negative-list/missing/appeals", body: map[string]any{"grounds": "x"}, want: [7]int{401, 403, 404, 404, 403, 403, 403}},
	{route: "GET /api/v1/negative-list/proposals", want: adminOnly(401, 200)},
	{route: "POST /api/v1/negative-list/:id/confirmation", url: "/api/v1/negative-list/missing/confirmation", body: map[string]any{"decision": "dismiss", "reason": "x"}, want: adminOnly(401, 404)},
	{route: "POST /api/v1/appeals/:id/decision", url: "/api/v1/appeals/missing/decision", body: map[string]any{"decision": "denied", "reason": "x"}, want: adminOnly(401, 404)},
	{route: "POST /api/v1/parties/:id/certifications", url: "/api/v1/parties/demo-merchant/certifications", body: map[string]any{}, want: [7]int{401, 403, 403, 403, 422, 403, 403}},

	// Statistics
	{route: "GET /api/v1/public/stats", want: all(200)},

	// Pages
	{route: "GET /", want: all(200)},
	{route: "GET /signin", want: all(200)},
	{route: "POST /signin", form: true, want: all(401)}, // empty credentials: the form again, 401
	{route: "GET /signup", want: all(200)},
	{route: "POST /signup", form: true, want: all(422)},
	{route: "POST /signout", form: true, want: signedIn(401, 303)},
	{route: "POST /lang", form: true, want: all(303)},
	{route: "GET /account", want: signedIn(303, 200)},
	{route: "POST /account/password", form: true, want: signedIn(401, 422)},
	{route: "POST /account/sign-out-everywhere", form: true, want: signedIn(401, 303)},
	{route: "POST /account/totp", form: true, want: signedIn(401, 200)},
	{route: "POST /account/totp/confirm", form: true, want: signedIn(401, 422)},
	{route: "POST /account/notices", form: true, want: signedIn(401, 303)},
	{route: "GET /admin/audit", want: adminOnly(303, 200)},
	{route: "GET /complaints", want: signedIn(303, 200)},
	{route: "GET /complaints/new", want: [7]int{303, 200, 403, 403, 403, 403, 403}},
	{route: "POST /complaints", form: true, want: [7]int{401, 422, 403, 403, 403, 403, 403}},
	{route: "GET /complaints/:id", url: "/complaints/{complaint}", want: [7]int{303, 200, 200, 200, 200, 404, 200}},
	{route: "POST /complaints/:id/actions/:name", url: "/complaints/{complaint}/actions/escalate", form: true, want: [7]int{401, 409, 403, 403, 403, 404, 403}},
	{route: "POST /complaints/:id/messages", url: "/complaints/{complaint}/messages", form: true, want: [7]int{401, 422, 422, 422, 422, 404, 403}},
	{route: "POST /complaints/:id/evidence", url: "/complaints/{complaint}/evidence", form: true, want: [7]int{401, 422, 422, 422, 422, 404, 403}},
	{route: "POST /cases/:id/messages", url: "/cases/{case}/messages", form: true, want: [7]int{401, 422, 422, 404, 404, 422, 403}},
	{route: "POST /cases/:id/evidence", url: "/cases/{case}/evidence", form: true, want: [7]int{401, 422, 422, 404, 404, 403, 403}},
	{route: "GET /claims", want: signedIn(303, 200)},
	{route: "GET /claims/new", want: [7]int{303, 200, 403, 403, 403, 403, 403}},
	{route: "POST /claims", form: true, want: [7]int{401, 422, 403, 403, 403, 403, 403}},
	{route: "GET /claims/:id", url: "/claims/{claim}", want: [7]int{303, 200, 200, 404, 404, 404, 200}},
	{route: "POST /claims/:id/actions/:name", url: "/claims/{claim}/actions/escalate", form: true, want: [7]int{401, 409, 403, 404, 404, 404, 403}},
	{route: "POST /claims/:id/messages", url: "/claims/{claim}/messages", form: true, want: [7]int{401, 422, 422, 404, 404, 404, 403}},
	{route: "POST /claims/:id/evidence", url: "/claims/{claim}/evidence", form: true, want: [7]int{401, 422, 422, 404, 404, 404, 403}},
	{route: "GET /notifications", want: signedIn(303, 200)},
	{route: "GET /cases", want: signedIn(303, 200)},
	{route: "GET /cases/:id", url: "/cases/{case}", want: [7]int{303, 200, 200, 404, 404, 200, 200}},
	{route: "POST /cases/:id/actions/:name", url: "/cases/{case}/actions/publish", form: true, want: [7]int{401, 403, 403, 404, 404, 403, 403}},
	{route: "GET /rulings", want: all(200)},
	{route: "GET /search", url: "/search?q=充电宝", want: all(200)},
	{route: "GET /stats", want: all(200)},
	{route: "GET /negative-list", want: all(200)},
	{route: "GET /parties/:id/credit", url: "/parties/demo-merchant/credit", want: all(200)},
	// The credit forms: who may post them is who may use the API (an empty form is invalid; an
	// empty listing form names no party's page to show it on)
	{route: "POST /parties/:id/certifications", url: "/parties/demo-merchant/certifications", form: true, want: [7]int{401, 403, 403, 403, 422, 403, 403}},
	{route: "POST /parties/:id/contact", url: "/parties/demo-merchant/contact", form: true, want: adminOnly(401, 303)},
	{route: "POST /negative-list", form: true, want: [7]int{401, 403, 403, 403, 422, 403, 403}},
	{route: "POST /negative-list/:id/appeals", url: "/negative-list/missing/appeals", form: true, want: [7]int{401, 403, 422, 422, 403, 403, 403}},
	{route: "POST /negative-list/:id/confirmation", url: "/negative-list/missing/confirmation", form: true, want: adminOnly(401, 422)},
	{route: "POST /appeals/:id/decision", url: "/appeals/missing/decision", form: true, want: adminOnly(401, 422)},
	{route: "GET /alerts", want: all(200)},
	{route: "GET /alerts/:id", url: "/alerts/missing", want: all(404)},
	// {alert} is not public: only those who may read every alert see it, to the others it does not exist
	{route: "GET /alerts/:id", url: "/alerts/{alert}", want: [7]int{404, 404, 404, 404, 200, 404, 200}},
	{route: "GET /listings", want: [7]int{303, 403, 403, 403, 200, 403, 200}},
	{route: "GET /listings/:id", url: "/listings/missing", want: [7]int{303, 403, 403, 403, 404, 403, 404}},
	{route: "GET /listings/:id/trace", url: "/listings/missing/trace", want: [7]int{303, 403, 403, 403, 404, 403, 404}},
	{route: "GET /products/:id/trace", url: "/products/missing/trace", want: [7]int{303, 403, 403, 403, 404, 403, 404}},
	{route: "GET /inspect/discoveries/new", want: [7]int{303, 403, 403, 403, 200, 403, 200}},
	{route: "POST /inspect/discoveries", form: true, want: [7]int{401, 403, 403, 403, 422, 403, 422}},
	{route: "GET /inspect/inspections/new", want: [7]int{303, 403, 403, 403, 200, 403, 403}},
	{route: "POST /inspect/inspections", form: true, want: [7]int{401, 403, 403, 403, 422, 403, 403}},
	{route: "GET /inspect/alerts", want: [7]int{303, 403, 403, 403, 200, 403, 200}},
	{route: "GET /inspect/alerts/new", want: [7]int{303, 403, 403, 403, 200, 403, 200}},
	{route: "POST /inspect/alerts", form: true, want: [7]int{401, 403, 403, 403, 422, 403, 422}},
	{route: "GET /inspect/measures/new", want: [7]int{303, 403, 403, 403, 200, 403, 403}},
	{route: "POST /inspect/measures", form: true, want: [7]int{401, 403, 403, 403, 422, 403, 403}},
	{route: "POST /inspect/handoffs", form: true, want: [7]int{401, 403, 403, 403, 422, 403, 422}},
	{route: "GET /inspections/:id", url: "/inspections/missing", want: [7]int{303, 403, 403, 403, 404, 403, 404}},
	{route: "POST /inspections/:id/report", url: "/inspections/missing/report", form: true, want: [7]int{401, 403, 403, 403, 404, 403, 403}},
	{route: "GET /inspect/matches", want: [7]int{303, 403, 403, 403, 200, 403, 200}},
	{route: "POST /inspect/matches/:id/confirm", url: "/inspect/matches/missing/confirm", form: true, want: [7]int{401, 403, 403, 403, 404, 403, 404}},
	{route: "POST /inspect/matches/:id/reject", url: "/inspect/matches/missing/reject", form: true, want: [7]int{401, 403, 403, 403, 404, 403, 404}},
	// The registry pages: who may use them is who may use the registry API (an empty form is invalid)
	{route: "GET /registry/parties", want: registryPage(200)},
	{route: "GET /registry/parties/new", want: registryPage(200)},
	{route: "POST /registry/parties", form: true, want: registryAccess(422)},
	{route: "GET /registry/products", want: registryPage(200)},
	{route: "GET /registry/products/new", want: registryPage(200)},
	{route: "POST /registry/products", form: true, want: registryAccess(422)},
	{route: "GET /registry/products/:id", url: "/registry/products/missing", want: registryPage(404)},
	{route: "POST /registry/products/:id/batches", url: "/registry/products/missing/batches", form: true, want: registryAccess(404)},
	{route: "GET /registry/declarations", want: registryPage(200)},
	{route: "GET /registry/declarations/new", want: registryPage(200)},
	{route: "POST /registry/declarations", form: true, want: registryAccess(422)},
	{route: "GET /registry/declarations/:id", url: "/registry/declarations/missing", want: registryPage(404)},
	{route: "GET /registry/shipments", want: registryPage(200)},
	{route: "GET /registry/shipments/new", want: registryPage(200)},
	{route: "POST /registry/shipments", form: true, want: registryAccess(422)},
	{route: "GET /registry/shipments/:id", url: "/registry/shipments/missing", want: registryPage(404)},
	{route: "GET /registry/trace-events", want: registryPage(200)},
	{route: "GET /registry/trace-events/new", want: registryPage(200)},
	{route: "POST /registry/trace-events", form: true, want: registryAccess(422)},
	{route: "GET /measures", want: signedIn(303, 200)},
	{route: "GET /measures/:id", url: "/measures/{measure}", want: [7]int{303, 404, 200, 404, 200, 404, 200}},
	{route: "POST /measures/:id/actions/:name", url: "/measures/{measure}/actions/verify", form: true, want: [7]int{401, 404, 403, 404, 409, 404, 403}},
	{route: "POST /measures/:id/evidence", url: "/measures/{measure}/evidence", form: true, want: [7]int{401, 404, 422, 404, 422, 404, 403}},
	{route: "GET /investigations", want: signedIn(303, 200)},
	{route: "GET /investigations/:id", url: "/investigations/{investigation}", want: [7]int{303, 404, 404, 404, 200, 404, 200}},
	{route: "POST /investigations/:id/actions/:name", url: "/investigations/{investigation}/actions/close", form: true, want: [7]int{401, 404, 404, 404, 409, 404, 403}},
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
	filed := ts.do(t, "POST", "/api/v1/cases", ts.token(t, "consumer"), map[string]any{"respondent_id": "demo-merchant",
		"amount": "10.00", "currency": "CNY", "claim": "退款", "agreement": "仲裁条款"})
	arbitrationCase, _ := filed.json(t)["id"].(string)
	issued := ts.do(t, "POST", "/api/v1/measures", ts.token(t, "inspector"), map[string]any{"kind": "recall",
		"target_party_id": "demo-merchant", "deadline": time.Now().Add(72 * time.Hour), "basis": "召回"})
	measure, _ := issued.json(t)["id"].(string)
	handed := ts.do(t, "POST", "/api/v1/handoffs", ts.token(t, "inspector"), map[string]any{"subject_type": "party",
		"subject_id": "demo-merchant", "jurisdiction": "330106", "reason": "属地查处"})
	investigation, _ := handed.json(t)["investigation_id"].(string)
	claim := fileClaim(t, ts, ts.token(t, "consumer"), "return")
	raised := ts.do(t, "POST", "/api/v1/alerts", ts.token(t, "inspector"), map[string]any{"title": "未公开的预警",
		"level": "low", "hazards": []string{"other"}, "description": "仅供检查人员", "public": false})
	hiddenAlert, _ := raised.json(t)["id"].(string)
	// The audit log's first checkpoint, without waiting for the sequencer's leader to be elected.
	if _, err := ts.srv.Store().LinkAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := ts.srv.Store().CheckpointAudit(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	for _, row := range accessMatrix {
		method, path, _ := strings.Cut(row.route, " ")
		if row.url != "" {
			path = strings.NewReplacer("{complaint}", complaint, "{case}", arbitrationCase, "{claim}", claim, "{measure}", measure, "{investigation}", investigation, "{alert}", hiddenAlert).Replace(row.url)
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
