package app

import (
	"github.com/gofiber/fiber/v2"
)

// Route is one line of the route table: where, what it does, and what the access policy is asked
// (object kind and action) before the handler runs.
type Route struct {
	Method  string
	Path    string
	Obj     string
	Act     string
	Handler fiber.Handler
	Summary string
	// Limited routes share the per-address limit on sign-in and sign-up tries.
	Limited bool
}

// Routes is the one route table. Every request passes the policy check named on its line.
func (s *Server) Routes() []Route {
	h := s.handlers
	return []Route{
		// Operations
		{Method: "GET", Path: "/healthz", Obj: "system", Act: "read", Handler: h.Healthz, Summary: "Liveness"},
		{Method: "GET", Path: "/readyz", Obj: "system", Act: "read", Handler: h.Readyz, Summary: "Readiness: database and search reachable"},
		{Method: "GET", Path: "/metrics", Obj: "system", Act: "read", Handler: s.metricsHandler(), Summary: "Prometheus metrics"},
		{Method: "GET", Path: "/api/openapi.json", Obj: "system", Act: "read", Handler: h.OpenAPIDocument, Summary: "This API as OpenAPI 3"},

		// Accounts
		{Method: "POST", Path: "/api/v1/auth/register", Obj: "account", Act: "register", Handler: h.Register, Summary: "Create a consumer account", Limited: true},
		{Method: "POST", Path: "/api/v1/auth/login", Obj: "account", Act: "login", Handler: h.Login, Summary: "Sign in for a bearer token", Limited: true},
		{Method: "POST", Path: "/api/v1/auth/logout", Obj: "account", Act: "logout", Handler: h.Logout, Summary: "Revoke the bearer token"},
		{Method: "GET", Path: "/api/v1/me", Obj: "account", Act: "read", Handler: h.Me, Summary: "The signed-in user"},
		{Method: "GET", Path: "/api/v1/jurisdictions", Obj: "jurisdiction", Act: "read", Handler: h.Jurisdictions, Summary: "Hangzhou's 13 districts and counties"},

		// Administration
		{Method: "GET", Path: "/api/v1/admin/users", Obj: "user", Act: "read", Handler: h.ListUsers, Summary: "List accounts"},
		{Method: "POST", Path: "/api/v1/admin/users", Obj: "user", Act: "create", Handler: h.CreateUser, Summary: "Create an account of any role"},
		{Method: "GET", Path: "/api/v1/admin/policies", Obj: "policy", Act: "read", Handler: h.ListPolicies, Summary: "The access policy"},
		{Method: "POST", Path: "/api/v1/admin/policies", Obj: "policy", Act: "create", Handler: h.AddPolicy, Summary: "Add an access rule"},
		{Method: "DELETE", Path: "/api/v1/admin/policies", Obj: "policy", Act: "delete", Handler: h.DeletePolicy, Summary: "Remove an access rule"},
		{Method: "GET", Path: "/api/v1/admin/audit", Obj: "audit", Act: "read", Handler: h.Audit, Summary: "The audit trail; ?verify=true walks the hash chain"},

		// Disputes: complaints
		{Method: "POST", Path: "/api/v1/complaints", Obj: "complaint", Act: "create", Handler: h.FileComplaint, Summary: "File a complaint (consumer)"},
		{Method: "GET", Path: "/api/v1/complaints", Obj: "complaint", Act: "list", Handler: h.ListComplaints, Summary: "Complaints the caller may see"},
		{Method: "GET", Path: "/api/v1/complaints/:id", Obj: "complaint", Act: "list", Handler: h.WorkflowRecord("complaints"), Summary: "A complaint with its status and deadlines"},
		{Method: "GET", Path: "/api/v1/complaints/:id/actions", Obj: "complaint", Act: "list", Handler: h.WorkflowActions("complaints"), Summary: "What the caller may do to a complaint now"},
		{Method: "POST", Path: "/api/v1/complaints/:id/actions/:name", Obj: "complaint", Act: "act", Handler: h.WorkflowDo("complaints"), Summary: "Take an action on a complaint"},
		{Method: "GET", Path: "/api/v1/complaints/:id/timeline", Obj: "complaint", Act: "list", Handler: h.WorkflowTimeline("complaints"), Summary: "Every step of a complaint, oldest first"},
		{Method: "POST", Path: "/api/v1/complaints/:id/messages", Obj: "complaint", Act: "act", Handler: h.PostMessage("complaints"), Summary: "Post a message on a complaint"},
		{Method: "GET", Path: "/api/v1/complaints/:id/messages", Obj: "complaint", Act: "list", Handler: h.ListMessages("complaints"), Summary: "A complaint's messages, oldest first"},
		{Method: "POST", Path: "/api/v1/complaints/:id/evidence", Obj: "complaint", Act: "act", Handler: h.UploadEvidence("complaints"), Summary: "Upload evidence to a complaint (multipart, field file: JPEG, PNG, WebP or PDF)"},
		{Method: "GET", Path: "/api/v1/complaints/:id/evidence", Obj: "complaint", Act: "list", Handler: h.ListEvidence("complaints"), Summary: "A complaint's evidence, oldest first"},

		// Disputes: claims
		{Method: "POST", Path: "/api/v1/claims", Obj: "claim", Act: "create", Handler: h.FileClaim, Summary: "File an after-sales claim (consumer)"},
		{Method: "GET", Path: "/api/v1/claims", Obj: "claim", Act: "list", Handler: h.ListClaims, Summary: "After-sales claims the caller may see"},
		{Method: "GET", Path: "/api/v1/claims/:id", Obj: "claim", Act: "list", Handler: h.WorkflowRecord("claims"), Summary: "A claim with its status and deadlines"},
		{Method: "GET", Path: "/api/v1/claims/:id/actions", Obj: "claim", Act: "list", Handler: h.WorkflowActions("claims"), Summary: "What the caller may do to a claim now"},
		{Method: "POST", Path: "/api/v1/claims/:id/actions/:name", Obj: "claim", Act: "act", Handler: h.WorkflowDo("claims"), Summary: "Take an action on a claim"},
		{Method: "GET", Path: "/api/v1/claims/:id/timeline", Obj: "claim", Act: "list", Handler: h.WorkflowTimeline("claims"), Summary: "Every step of a claim, oldest first"},
		{Method: "POST", Path: "/api/v1/claims/:id/messages", Obj: "claim", Act: "act", Handler: h.PostMessage("claims"), Summary: "Post a message on a claim"},
		{Method: "GET", Path: "/api/v1/claims/:id/messages", Obj: "claim", Act: "list", Handler: h.ListMessages("claims"), Summary: "A claim's messages, oldest first"},
		{Method: "POST", Path: "/api/v1/claims/:id/evidence", Obj: "claim", Act: "act", Handler: h.UploadEvidence("claims"), Summary: "Upload evidence to a claim (multipart, field file: JPEG, PNG, WebP or PDF)"},
		{Method: "GET", Path: "/api/v1/claims/:id/evidence", Obj: "claim", Act: "list", Handler: h.ListEvidence("claims"), Summary: "A claim's evidence, oldest first"},

		// Disputes: arbitration cases
		{Method: "POST", Path: "/api/v1/cases", Obj: "case", Act: "create", Handler: h.FileCase, Summary: "File an arbitration case (consumer)"},
		{Method: "GET", Path: "/api/v1/cases", Obj: "case", Act: "list", Handler: h.ListCases, Summary: "Cases the caller may see (the docket)"},
		{Method: "GET", Path: "/api/v1/cases/:id", Obj: "case", Act: "list", Handler: h.WorkflowRecord("cases"), Summary: "A case with its status and deadlines"},
		{Method: "GET", Path: "/api/v1/cases/:id/actions", Obj: "case", Act: "list", Handler: h.WorkflowActions("cases"), Summary: "What the caller may do to a case now"},
		{Method: "POST", Path: "/api/v1/cases/:id/actions/:name", Obj: "case", Act: "act", Handler: h.WorkflowDo("cases"), Summary: "Take an action on a case"},
		{Method: "GET", Path: "/api/v1/cases/:id/timeline", Obj: "case", Act: "list", Handler: h.WorkflowTimeline("cases"), Summary: "Every step of a case, oldest first"},
		{Method: "POST", Path: "/api/v1/cases/:id/messages", Obj: "case", Act: "act", Handler: h.PostMessage("cases"), Summary: "Post a message on a case"},
		{Method: "GET", Path: "/api/v1/cases/:id/messages", Obj: "case", Act: "list", Handler: h.ListMessages("cases"), Summary: "A case's messages, oldest first"},
		{Method: "POST", Path: "/api/v1/cases/:id/evidence", Obj: "case", Act: "act", Handler: h.UploadEvidence("cases"), Summary: "Upload evidence to a case (multipart, field file: JPEG, PNG, WebP or PDF)"},
		{Method: "GET", Path: "/api/v1/cases/:id/evidence", Obj: "case", Act: "list", Handler: h.ListEvidence("cases"), Summary: "A case's evidence, oldest first"},
		{Method: "GET", Path: "/api/v1/public/rulings", Obj: "ruling", Act: "read", Handler: h.PublicRulings, Summary: "Published awards, anonymised"},

		// Disputes: what every kind shares
		{Method: "GET", Path: "/api/v1/evidence/:id", Obj: "evidence", Act: "read", Handler: h.DownloadEvidence, Summary: "An evidence file's bytes, after checking access and its hash"},
		{Method: "GET", Path: "/api/v1/notifications", Obj: "notification", Act: "list", Handler: h.Notifications, Summary: "The caller's notices"},

		// Pages
		{Method: "GET", Path: "/", Obj: "page", Act: "read", Handler: h.Home, Summary: "Home page"},
		{Method: "GET", Path: "/signin", Obj: "page", Act: "read", Handler: h.SigninPage, Summary: "Sign-in page"},
		{Method: "POST", Path: "/signin", Obj: "account", Act: "login", Handler: h.Signin, Summary: "Sign in (form)", Limited: true},
		{Method: "GET", Path: "/signup", Obj: "page", Act: "read", Handler: h.SignupPage, Summary: "Sign-up page"},
		{Method: "POST", Path: "/signup", Obj: "account", Act: "register", Handler: h.Signup, Summary: "Sign up (form)", Limited: true},
		{Method: "POST", Path: "/signout", Obj: "account", Act: "logout", Handler: h.Signout, Summary: "Sign out (form)"},
		{Method: "POST", Path: "/lang", Obj: "account", Act: "language", Handler: h.SetLanguage, Summary: "Switch the language (form)"},
		{Method: "GET", Path: "/account", Obj: "account", Act: "read", Handler: h.AccountPage, Summary: "My account page"},
		{Method: "GET", Path: "/complaints", Obj: "complaint", Act: "list", Handler: h.ComplaintsPage, Summary: "Complaints page: mine, my inbox, my queue"},
		{Method: "GET", Path: "/complaints/new", Obj: "complaint", Act: "create", Handler: h.NewComplaintPage, Summary: "Complaint form"},
		{Method: "POST", Path: "/complaints", Obj: "complaint", Act: "create", Handler: h.FileComplaintForm, Summary: "File a complaint (form)"},
		{Method: "GET", Path: "/complaints/:id", Obj: "complaint", Act: "list", Handler: h.WorkflowPage("complaints"), Summary: "Complaint page"},
		{Method: "POST", Path: "/complaints/:id/actions/:name", Obj: "complaint", Act: "act", Handler: h.WorkflowActionForm("complaints"), Summary: "Take an action on a complaint (form)"},
		{Method: "POST", Path: "/complaints/:id/messages", Obj: "complaint", Act: "act", Handler: h.MessageForm("complaints"), Summary: "Post a message on a complaint (form)"},
		{Method: "POST", Path: "/complaints/:id/evidence", Obj: "complaint", Act: "act", Handler: h.EvidenceForm("complaints"), Summary: "Upload evidence to a complaint (form)"},
		{Method: "GET", Path: "/claims", Obj: "claim", Act: "list", Handler: h.ClaimsPage, Summary: "After-sales claims page: mine, my inbox"},
		{Method: "GET", Path: "/claims/new", Obj: "claim", Act: "create", Handler: h.NewClaimPage, Summary: "After-sales claim form"},
		{Method: "POST", Path: "/claims", Obj: "claim", Act: "create", Handler: h.FileClaimForm, Summary: "File an after-sales claim (form)"},
		{Method: "GET", Path: "/claims/:id", Obj: "claim", Act: "list", Handler: h.WorkflowPage("claims"), Summary: "After-sales claim page"},
		{Method: "POST", Path: "/claims/:id/actions/:name", Obj: "claim", Act: "act", Handler: h.WorkflowActionForm("claims"), Summary: "Take an action on a claim (form)"},
		{Method: "POST", Path: "/claims/:id/messages", Obj: "claim", Act: "act", Handler: h.MessageForm("claims"), Summary: "Post a message on a claim (form)"},
		{Method: "POST", Path: "/claims/:id/evidence", Obj: "claim", Act: "act", Handler: h.EvidenceForm("claims"), Summary: "Upload evidence to a claim (form)"},
		{Method: "GET", Path: "/cases", Obj: "case", Act: "list", Handler: h.CasesPage, Summary: "Arbitration docket page"},
		{Method: "GET", Path: "/cases/:id", Obj: "case", Act: "list", Handler: h.WorkflowPage("cases"), Summary: "Arbitration case page"},
		{Method: "POST", Path: "/cases/:id/actions/:name", Obj: "case", Act: "act", Handler: h.WorkflowActionForm("cases"), Summary: "Take an action on a case (form)"},
		{Method: "POST", Path: "/cases/:id/messages", Obj: "case", Act: "act", Handler: h.MessageForm("cases"), Summary: "Post a message on a case (form)"},
		{Method: "POST", Path: "/cases/:id/evidence", Obj: "case", Act: "act", Handler: h.EvidenceForm("cases"), Summary: "Upload evidence to a case (form)"},
		{Method: "GET", Path: "/rulings", Obj: "ruling", Act: "read", Handler: h.RulingsPage, Summary: "Published rulings page"},
		{Method: "GET", Path: "/notifications", Obj: "notification", Act: "list", Handler: h.NotificationsPage, Summary: "My notices page, newest first"},
		{Method: "GET", Path: "/admin/audit", Obj: "audit", Act: "read", Handler: h.AuditPage, Summary: "Audit trail page"},
		{Method: "GET", Path: "/static/*", Obj: "asset", Act: "read", Handler: s.staticHandler(), Summary: "Stylesheets and scripts"},
	}
}
