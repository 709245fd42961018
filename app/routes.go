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
	// Secret routes answer with a secret (a bearer token): their answers are never stored for an
	// Idempotency-Key replay.
	Secret bool
	// PerUser is how many requests a minute one user may send to the route (0: no limit of its own).
	PerUser int
	// Engine routes are decided by the workflow engine, record by record: it opens the record
	// and asks the policy what the caller's relations to it may do (read, or the action named),
	// and lists ask the policy what those relations may read. The route only asks that the caller
	// is signed in; Obj names the kind, Act is empty.
	Engine bool
	// Enrolment routes stay open to a user whose role must enrol a second factor and has not
	// (their own account's security): every other write waits for it (secondFactorGate).
	Enrolment bool
}

// Each user may post 30 messages and upload 10 files a minute on each kind of record, so one
// account cannot bury a record (or the disk) under its writes.
const (
	messagesPerMinute = 30
	uploadsPerMinute  = 10
)

// Routes is the one route table. Every request passes the policy check named on its line, or
// the engine's (Engine).
func (s *Server) Routes() []Route {
	h := s.handlers
	return []Route{
		// Operations
		{Method: "GET", Path: "/healthz", Obj: "system", Act: "read", Handler: h.Healthz, Summary: "Liveness"},
		{Method: "GET", Path: "/readyz", Obj: "system", Act: "read", Handler: h.Readyz, Summary: "Readiness: database and search reachable (what failed, to admins only)"},
		{Method: "GET", Path: "/metrics", Obj: "metrics", Act: "read", Handler: s.metricsHandler(), Summary: "Prometheus metrics (admins: scrape with an admin's bearer token)"},
		{Method: "GET", Path: "/api/openapi.json", Obj: "system", Act: "read", Handler: h.OpenAPIDocument, Summary: "This API as OpenAPI 3"},

		// Accounts
		{Method: "POST", Path: "/api/v1/auth/register", Obj: "account", Act: "register", Handler: h.Register, Summary: "Create a consumer account", Limited: true},
		{Method: "POST", Path: "/api/v1/auth/login", Obj: "account", Act: "login", Handler: h.Login, Summary: "Sign in for a bearer token", Limited: true, Secret: true},
		{Method: "POST", Path: "/api/v1/auth/logout", Obj: "account", Act: "logout", Handler: h.Logout, Summary: "Revoke the bearer token", Enrolment: true},
		{Method: "GET", Path: "/api/v1/me", Obj: "account", Act: "read", Handler: h.Me, Summary: "The signed-in user"},
		{Method: "PATCH", Path: "/api/v1/me", Obj: "account", Act: "update", Handler: h.UpdateMe, Summary: "Change the signed-in user's settings: email_notices (notices also by e-mail, true or false)"},
		{Method: "POST", Path: "/api/v1/me/password", Obj: "account", Act: "secure", Handler: h.ChangePassword, Summary: "Change the password (current_password, new_password); other sessions and tokens end", Enrolment: true},
		{Method: "POST", Path: "/api/v1/me/sign-out-everywhere", Obj: "account", Act: "secure", Handler: h.SignOutEverywhere, Summary: "End every session and token of the user", Enrolment: true},
		{Method: "POST", Path: "/api/v1/me/totp", Obj: "account", Act: "secure", Handler: h.BeginTOTP, Summary: "A new TOTP secret for an authenticator app (confirm it to enrol)", Secret: true, Enrolment: true},
		{Method: "POST", Path: "/api/v1/me/totp/confirm", Obj: "account", Act: "secure", Handler: h.ConfirmTOTP, Summary: "Enrol the second factor with a current code (otp)", Enrolment: true},
		{Method: "GET", Path: "/api/v1/jurisdictions", Obj: "jurisdiction", Act: "read", Handler: h.Jurisdictions, Summary: "Hangzhou's 13 districts and counties"},

		// Administration
		{Method: "GET", Path: "/api/v1/admin/users", Obj: "user", Act: "read", Handler: h.ListUsers, Summary: "List accounts"},
		{Method: "POST", Path: "/api/v1/admin/users", Obj: "user", Act: "create", Handler: h.CreateUser, Summary: "Create an account of any role"},
		{Method: "GET", Path: "/api/v1/admin/policies", Obj: "policy", Act: "read", Handler: h.ListPolicies, Summary: "The access policy"},
		{Method: "POST", Path: "/api/v1/admin/policies", Obj: "policy", Act: "create", Handler: h.AddPolicy, Summary: "Add an access rule"},
		{Method: "DELETE", Path: "/api/v1/admin/policies", Obj: "policy", Act: "delete", Handler: h.DeletePolicy, Summary: "Remove an access rule"},
		{Method: "GET", Path: "/api/v1/admin/audit/:id/proof", Obj: "audit", Act: "read", Handler: h.AuditProof, Summary: "An inclusion proof of an audit record against the newest signed checkpoint that covers it"},
		{Method: "GET", Path: "/api/v1/public/audit/checkpoint", Obj: "audit_log", Act: "read", Handler: h.AuditCheckpoint, Summary: "The latest signed checkpoint of the audit log (text/plain, C2SP signed note)"},
		{Method: "GET", Path: "/api/v1/public/audit/key", Obj: "audit_log", Act: "read", Handler: h.AuditVerifierKey, Summary: "The public key the audit log's checkpoints are signed with (note verifier key)"},
		{Method: "GET", Path: "/api/v1/admin/audit", Obj: "audit", Act: "read", Handler: h.Audit, Summary: "The audit trail; ?verify=true walks the hash chain"},

		// Disputes: complaints
		{Method: "POST", Path: "/api/v1/complaints", Obj: "complaint", Act: "create", Handler: h.FileComplaint, Summary: "File a complaint (consumer)"},
		{Method: "GET", Path: "/api/v1/complaints", Obj: "complaint", Engine: true, Handler: h.ListComplaints, Summary: "Complaints the caller may see"},
		{Method: "GET", Path: "/api/v1/complaints/:id", Obj: "complaint", Engine: true, Handler: h.WorkflowRecord("complaints"), Summary: "A complaint with its status and deadlines"},
		{Method: "GET", Path: "/api/v1/complaints/:id/actions", Obj: "complaint", Engine: true, Handler: h.WorkflowActions("complaints"), Summary: "What the caller may do to a complaint now"},
		{Method: "POST", Path: "/api/v1/complaints/:id/actions/:name", Obj: "complaint", Engine: true, Handler: h.WorkflowDo("complaints"), Summary: "Take an action on a complaint"},
		{Method: "GET", Path: "/api/v1/complaints/:id/timeline", Obj: "complaint", Engine: true, Handler: h.WorkflowTimeline("complaints"), Summary: "Every step of a complaint, oldest first"},
		{Method: "POST", Path: "/api/v1/complaints/:id/messages", Obj: "complaint", Engine: true, Handler: h.PostMessage("complaints"), Summary: "Post a message on a complaint", PerUser: messagesPerMinute},
		{Method: "GET", Path: "/api/v1/complaints/:id/messages", Obj: "complaint", Engine: true, Handler: h.ListMessages("complaints"), Summary: "A complaint's messages, oldest first"},
		{Method: "POST", Path: "/api/v1/complaints/:id/evidence", Obj: "complaint", Engine: true, Handler: h.UploadEvidence("complaints"), Summary: "Upload evidence to a complaint (multipart, field file: JPEG, PNG, WebP or PDF)", PerUser: uploadsPerMinute},
		{Method: "GET", Path: "/api/v1/complaints/:id/evidence", Obj: "complaint", Engine: true, Handler: h.ListEvidence("complaints"), Summary: "A complaint's evidence, oldest first"},

		// Disputes: claims
		{Method: "POST", Path: "/api/v1/claims", Obj: "claim", Act: "create", Handler: h.FileClaim, Summary: "File an after-sales claim (consumer)"},
		{Method: "GET", Path: "/api/v1/claims", Obj: "claim", Engine: true, Handler: h.ListClaims, Summary: "After-sales claims the caller may see"},
		{Method: "GET", Path: "/api/v1/claims/:id", Obj: "claim", Engine: true, Handler: h.WorkflowRecord("claims"), Summary: "A claim with its status and deadlines"},
		{Method: "GET", Path: "/api/v1/claims/:id/actions", Obj: "claim", Engine: true, Handler: h.WorkflowActions("claims"), Summary: "What the caller may do to a claim now"},
		{Method: "POST", Path: "/api/v1/claims/:id/actions/:name", Obj: "claim", Engine: true, Handler: h.WorkflowDo("claims"), Summary: "Take an action on a claim"},
		{Method: "GET", Path: "/api/v1/claims/:id/timeline", Obj: "claim", Engine: true, Handler: h.WorkflowTimeline("claims"), Summary: "Every step of a claim, oldest first"},
		{Method: "POST", Path: "/api/v1/claims/:id/messages", Obj: "claim", Engine: true, Handler: h.PostMessage("claims"), Summary: "Post a message on a claim", PerUser: messagesPerMinute},
		{Method: "GET", Path: "/api/v1/claims/:id/messages", Obj: "claim", Engine: true, Handler: h.ListMessages("claims"), Summary: "A claim's messages, oldest first"},
		{Method: "POST", Path: "/api/v1/claims/:id/evidence", Obj: "claim", Engine: true, Handler: h.UploadEvidence("claims"), Summary: "Upload evidence to a claim (multipart, field file: JPEG, PNG, WebP or PDF)", PerUser: uploadsPerMinute},
		{Method: "GET", Path: "/api/v1/claims/:id/evidence", Obj: "claim", Engine: true, Handler: h.ListEvidence("claims"), Summary: "A claim's evidence, oldest first"},

		// Disputes: arbitration cases
		{Method: "POST", Path: "/api/v1/cases", Obj: "case", Act: "create", Handler: h.FileCase, Summary: "File an arbitration case (consumer)"},
		{Method: "GET", Path: "/api/v1/cases", Obj: "case", Engine: true, Handler: h.ListCases, Summary: "Cases the caller may see (the docket)"},
		{Method: "GET", Path: "/api/v1/cases/:id", Obj: "case", Engine: true, Handler: h.WorkflowRecord("cases"), Summary: "A case with its status and deadlines"},
		{Method: "GET", Path: "/api/v1/cases/:id/actions", Obj: "case", Engine: true, Handler: h.WorkflowActions("cases"), Summary: "What the caller may do to a case now"},
		{Method: "POST", Path: "/api/v1/cases/:id/actions/:name", Obj: "case", Engine: true, Handler: h.WorkflowDo("cases"), Summary: "Take an action on a case"},
		{Method: "GET", Path: "/api/v1/cases/:id/timeline", Obj: "case", Engine: true, Handler: h.WorkflowTimeline("cases"), Summary: "Every step of a case, oldest first"},
		{Method: "POST", Path: "/api/v1/cases/:id/messages", Obj: "case", Engine: true, Handler: h.PostMessage("cases"), Summary: "Post a message on a case", PerUser: messagesPerMinute},
		{Method: "GET", Path: "/api/v1/cases/:id/messages", Obj: "case", Engine: true, Handler: h.ListMessages("cases"), Summary: "A case's messages, oldest first"},
		{Method: "POST", Path: "/api/v1/cases/:id/evidence", Obj: "case", Engine: true, Handler: h.UploadEvidence("cases"), Summary: "Upload evidence to a case (multipart, field file: JPEG, PNG, WebP or PDF)", PerUser: uploadsPerMinute},
		{Method: "GET", Path: "/api/v1/cases/:id/evidence", Obj: "case", Engine: true, Handler: h.ListEvidence("cases"), Summary: "A case's evidence, oldest first"},
		{Method: "GET", Path: "/api/v1/public/rulings", Obj: "ruling", Act: "read", Handler: h.PublicRulings, Summary: "Published awards, anonymised"},

		// Search: every hit one the caller may open
		{Method: "GET", Path: "/api/v1/search", Obj: "search", Act: "read", Handler: h.SearchRecords, Summary: "Search products, listings, inspections, alerts, rulings, complaints, claims and cases; ?q=, ?types=, ?limit="},

		// Disputes: what every kind shares
		{Method: "GET", Path: "/api/v1/evidence/:id", Obj: "evidence", Act: "read", Handler: h.DownloadEvidence, Summary: "An evidence file's bytes, after checking access and its hash"},
		{Method: "GET", Path: "/api/v1/notifications", Obj: "notification", Act: "list", Handler: h.Notifications, Summary: "The caller's notices"},

		// Traceability: registry
		{Method: "POST", Path: "/api/v1/parties", Obj: "party", Act: "create", Handler: h.CreateParty, Summary: "Register a party (manufacturer, importer, platform, merchant, ...)"},
		{Method: "GET", Path: "/api/v1/parties", Obj: "party", Act: "read", Handler: h.ListParties, Summary: "Parties, newest first; ?kind=, ?country=, ?registration_code="},
		{Method: "GET", Path: "/api/v1/parties/:id", Obj: "party", Act: "read", Handler: h.Party, Summary: "One party"},
		{Method: "GET", Path: "/api/v1/parties/:id/contact", Obj: "party_contact", Act: "read", Handler: h.PartyContact, Summary: "The address a party's notices also go to (contact_email)"},
		{Method: "PUT", Path: "/api/v1/parties/:id/contact", Obj: "party_contact", Act: "update", Handler: h.SetPartyContact, Summary: "Set the address a party's notices also go to ({contact_email}; null removes it)"},
		{Method: "POST", Path: "/api/v1/products", Obj: "product", Act: "create", Handler: h.CreateProduct, Summary: "Register a product (GTIN checked and kept as 14 digits, HS 2022 code)"},
		{Method: "GET", Path: "/api/v1/products", Obj: "product", Act: "read", Handler: h.ListProducts, Summary: "Products, newest first; ?gtin=, ?manufacturer_id=, ?hs_code="},
		{Method: "GET", Path: "/api/v1/products/:id", Obj: "product", Act: "read", Handler: h.Product, Summary: "One product"},
		{Method: "POST", Path: "/api/v1/products/:id/batches", Obj: "product", Act: "create", Handler: h.CreateBatch, Summary: "Add a production lot to a product"},
		{Method: "GET", Path: "/api/v1/products/:id/batches", Obj: "product", Act: "read", Handler: h.ListBatches, Summary: "A product's lots, newest first"},
		{Method: "POST", Path: "/api/v1/listings", Obj: "listing", Act: "create", Handler: h.CreateListing, Summary: "Record an online discovery (listing)"},
		{Method: "GET", Path: "/api/v1/listings", Obj: "listing", Act: "read", Handler: h.ListListings, Summary: "Listings, newest first; ?product_id=, ?merchant_id=, ?platform_id=, ?gtin=, ?status="},
		{Method: "GET", Path: "/api/v1/listings/:id", Obj: "listing", Act: "read", Handler: h.Listing, Summary: "One listing with its snapshots"},
		{Method: "POST", Path: "/api/v1/listings/:id/snapshot", Obj: "listing", Act: "create", Handler: h.UploadListingSnapshot, Summary: "Upload the captured page of a listing (multipart, field file: PNG, JPEG, WebP or PDF)"},
		{Method: "POST", Path: "/api/v1/declarations", Obj: "declaration", Act: "create", Handler: h.CreateDeclaration, Summary: "Register a cross-border declaration (清单) with its lines"},
		{Method: "GET", Path: "/api/v1/declarations", Obj: "declaration", Act: "read", Handler: h.ListDeclarations, Summary: "Declarations, newest first; ?logistics_no=, ?importer_id=, ?ebc_id=, ?number="},
		{Method: "GET", Path: "/api/v1/declarations/:id", Obj: "declaration", Act: "read", Handler: h.Declaration, Summary: "One declaration with its lines"},
		{Method: "POST", Path: "/api/v1/shipments", Obj: "shipment", Act: "create", Handler: h.CreateShipment, Summary: "Register a shipment"},
		{Method: "GET", Path: "/api/v1/shipments", Obj: "shipment", Act: "read", Handler: h.ListShipments, Summary: "Shipments, newest first; ?declaration_id=, ?waybill=, ?carrier_id=, ?status="},
		{Method: "GET", Path: "/api/v1/shipments/:id", Obj: "shipment", Act: "read", Handler: h.Shipment, Summary: "One shipment"},
		{Method: "POST", Path: "/api/v1/trace-events", Obj: "trace_event", Act: "create", Handler: h.CreateTraceEvent, Summary: "Record a trace event (EPCIS 2.0 shaped, CBV 2.0 words)"},
		{Method: "GET", Path: "/api/v1/trace-events", Obj: "trace_event", Act: "read", Handler: h.ListTraceEvents, Summary: "Trace events in the order they happened; ?product_id=, ?batch_id="},

		// Traceability: the trace (源头追溯), from a listing or a product back to the origin
		{Method: "GET", Path: "/api/v1/listings/:id/trace", Obj: "trace", Act: "read", Handler: h.ListingTrace, Summary: "The chain from a listing back to its origin: stages, parties, events, documents, gaps"},
		{Method: "GET", Path: "/api/v1/products/:id/trace", Obj: "trace", Act: "read", Handler: h.ProductTrace, Summary: "The chain from a product's latest declaration back to its origin"},

		// Traceability: EPCIS
		{Method: "POST", Path: "/api/v1/epcis/capture", Obj: "epcis", Act: "create", Handler: h.CaptureEPCIS, Summary: "Capture a GS1 EPCIS 2.0 JSON-LD EPCISDocument: all its events, or none when anything is invalid"},
		{Method: "GET", Path: "/api/v1/epcis/events", Obj: "epcis", Act: "read", Handler: h.EPCISEvents, Summary: "EPCIS SimpleEventQuery: an EPCISQueryDocument; ?eventType=, EQ_bizStep=, EQ_disposition=, MATCH_epc=, GE_eventTime=, LT_eventTime=, perPage=, nextPageToken="},

		// Traceability: inspections, alerts, measures, hand-offs
		{Method: "POST", Path: "/api/v1/inspections", Obj: "inspection", Act: "create", Handler: h.CreateInspection, Summary: "Record an inspection with its test items"},
		{Method: "GET", Path: "/api/v1/inspections", Obj: "inspection", Act: "read", Handler: h.ListInspections, Summary: "Inspections, newest first"},
		{Method: "GET", Path: "/api/v1/inspections/:id", Obj: "inspection", Act: "read", Handler: h.GetInspection, Summary: "One inspection"},
		{Method: "POST", Path: "/api/v1/inspections/:id/report", Obj: "inspection", Act: "create", Handler: h.UploadInspectionReport, Summary: "Attach the lab report (multipart, field file: PDF or image), hashed"},
		{Method: "POST", Path: "/api/v1/alerts", Obj: "alert", Act: "create", Handler: h.CreateAlert, Summary: "Raise a risk alert"},
		{Method: "GET", Path: "/api/v1/alerts", Obj: "alert", Act: "read", Handler: h.ListAlerts, Summary: "Every alert, newest first"},
		{Method: "GET", Path: "/api/v1/alerts/:id", Obj: "alert", Act: "read", Handler: h.GetAlert, Summary: "One alert"},
		{Method: "GET", Path: "/api/v1/alerts/:id/matches", Obj: "alert", Act: "read", Handler: h.AlertMatches, Summary: "Products and listings an alert may concern (by GTIN, or brand and model); ?status="},
		{Method: "POST", Path: "/api/v1/alerts/:id/matches/:match_id/confirm", Obj: "alert", Act: "create", Handler: h.ConfirmAlertMatch, Summary: "Confirm a match: the alert concerns this product or listing"},
		{Method: "POST", Path: "/api/v1/alerts/:id/matches/:match_id/reject", Obj: "alert", Act: "create", Handler: h.RejectAlertMatch, Summary: "Reject a proposed match"},
		{Method: "GET", Path: "/api/v1/alert-matches", Obj: "alert", Act: "read", Handler: h.AlertMatchQueue, Summary: "Matches of every alert, newest first; ?status=proposed is the inspectors' queue"},
		{Method: "GET", Path: "/api/v1/public/alerts", Obj: "public_alert", Act: "read", Handler: h.PublicAlerts, Summary: "Public alerts and recalls"},
		{Method: "POST", Path: "/api/v1/measures", Obj: "measure", Act: "create", Handler: h.IssueMeasure, Summary: "Order a measure (delist, recall, ...)"},
		{Method: "GET", Path: "/api/v1/measures", Obj: "measure", Engine: true, Handler: h.ListMeasures, Summary: "Measures addressed to my party or issued by my office"},
		{Method: "GET", Path: "/api/v1/measures/:id", Obj: "measure", Engine: true, Handler: h.WorkflowRecord("measures"), Summary: "A measure with its status and deadline"},
		{Method: "GET", Path: "/api/v1/measures/:id/actions", Obj: "measure", Engine: true, Handler: h.WorkflowActions("measures"), Summary: "What the caller may do to a measure now"},
		{Method: "POST", Path: "/api/v1/measures/:id/actions/:name", Obj: "measure", Engine: true, Handler: h.WorkflowDo("measures"), Summary: "Take an action on a measure"},
		{Method: "GET", Path: "/api/v1/measures/:id/timeline", Obj: "measure", Engine: true, Handler: h.WorkflowTimeline("measures"), Summary: "Every step of a measure"},
		{Method: "POST", Path: "/api/v1/measures/:id/evidence", Obj: "measure", Engine: true, Handler: h.UploadEvidence("measures"), Summary: "Upload proof of compliance (multipart, field file)", PerUser: uploadsPerMinute},
		{Method: "GET", Path: "/api/v1/measures/:id/evidence", Obj: "measure", Engine: true, Handler: h.ListEvidence("measures"), Summary: "A measure's files"},
		{Method: "POST", Path: "/api/v1/handoffs", Obj: "investigation", Act: "create", Handler: h.HandOff, Summary: "Hand a case to a jurisdiction: opens an investigation"},
		{Method: "GET", Path: "/api/v1/investigations", Obj: "investigation", Engine: true, Handler: h.ListInvestigations, Summary: "My jurisdiction's investigations"},
		{Method: "GET", Path: "/api/v1/investigations/:id", Obj: "investigation", Engine: true, Handler: h.WorkflowRecord("investigations"), Summary: "An investigation"},
		{Method: "GET", Path: "/api/v1/investigations/:id/actions", Obj: "investigation", Engine: true, Handler: h.WorkflowActions("investigations"), Summary: "What the caller may do to an investigation now"},
		{Method: "POST", Path: "/api/v1/investigations/:id/actions/:name", Obj: "investigation", Engine: true, Handler: h.WorkflowDo("investigations"), Summary: "Take, close or transfer an investigation"},
		{Method: "GET", Path: "/api/v1/investigations/:id/timeline", Obj: "investigation", Engine: true, Handler: h.WorkflowTimeline("investigations"), Summary: "Every step of an investigation, hand-offs included"},

		// Credit and the negative list (Art. 20, 31, 32)
		{Method: "GET", Path: "/api/v1/public/parties/:id/credit", Obj: "credit", Act: "read", Handler: h.PartyCredit, Summary: "A party's public credit record, score and grade"},
		{Method: "GET", Path: "/api/v1/public/negative-list", Obj: "negative_list", Act: "read", Handler: h.NegativeList, Summary: "The negative list; ?q= searches"},
		{Method: "POST", Path: "/api/v1/negative-list", Obj: "negative_list", Act: "create", Handler: h.ListParty, Summary: "Put a party on the negative list (inspector's decision)"},
		{Method: "POST", Path: "/api/v1/negative-list/:id/appeals", Obj: "appeal", Act: "create", Handler: h.FileAppeal, Summary: "Appeal a stay on the negative list (the party's staff)"},
		{Method: "GET", Path: "/api/v1/negative-list/proposals", Obj: "negative_list", Act: "confirm", Handler: h.NegativeListProposals, Summary: "Stays rules proposed, waiting for the zone office (admin)"},
		{Method: "POST", Path: "/api/v1/negative-list/:id/confirmation", Obj: "negative_list", Act: "confirm", Handler: h.ConfirmListing, Summary: "Confirm a proposed stay (it becomes public) or dismiss it (admin)"},
		{Method: "POST", Path: "/api/v1/appeals/:id/decision", Obj: "appeal", Act: "decide", Handler: h.DecideAppeal, Summary: "Grant or deny an appeal (admin)"},
		{Method: "POST", Path: "/api/v1/parties/:id/certifications", Obj: "certification", Act: "create", Handler: h.AddCertification, Summary: "Record an authority's grade for a party"},

		// Statistics (Art. 21, 33): read from rollups a job rebuilds
		{Method: "GET", Path: "/api/v1/public/stats", Obj: "stats", Act: "read", Handler: h.PublicStats, Summary: "Public statistics; ?jurisdiction=, ?from=YYYY-MM, ?to=YYYY-MM, ?format=json|csv|xlsx"},

		// Pages
		{Method: "GET", Path: "/", Obj: "page", Act: "read", Handler: h.Home, Summary: "Home page"},
		{Method: "GET", Path: "/signin", Obj: "page", Act: "read", Handler: h.SigninPage, Summary: "Sign-in page"},
		{Method: "POST", Path: "/signin", Obj: "account", Act: "login", Handler: h.Signin, Summary: "Sign in (form)", Limited: true},
		{Method: "GET", Path: "/signup", Obj: "page", Act: "read", Handler: h.SignupPage, Summary: "Sign-up page"},
		{Method: "POST", Path: "/signup", Obj: "account", Act: "register", Handler: h.Signup, Summary: "Sign up (form)", Limited: true},
		{Method: "POST", Path: "/signout", Obj: "account", Act: "logout", Handler: h.Signout, Summary: "Sign out (form)", Enrolment: true},
		{Method: "POST", Path: "/lang", Obj: "account", Act: "language", Handler: h.SetLanguage, Summary: "Switch the language (form)", Enrolment: true},
		{Method: "GET", Path: "/account", Obj: "account", Act: "read", Handler: h.AccountPage, Summary: "My account page"},
		{Method: "POST", Path: "/account/password", Obj: "account", Act: "secure", Handler: h.ChangePasswordForm, Summary: "Change the password (form)", Enrolment: true},
		{Method: "POST", Path: "/account/sign-out-everywhere", Obj: "account", Act: "secure", Handler: h.SignOutEverywhereForm, Summary: "Sign out everywhere (form)", Enrolment: true},
		{Method: "POST", Path: "/account/totp", Obj: "account", Act: "secure", Handler: h.BeginTOTPForm, Summary: "Set up two-step sign-in (form)", Secret: true, Enrolment: true},
		{Method: "POST", Path: "/account/totp/confirm", Obj: "account", Act: "secure", Handler: h.ConfirmTOTPForm, Summary: "Turn on two-step sign-in (form)", Enrolment: true},
		{Method: "POST", Path: "/account/notices", Obj: "account", Act: "update", Handler: h.NoticesForm, Summary: "Notices by e-mail on or off (form)"},
		{Method: "GET", Path: "/complaints", Obj: "complaint", Engine: true, Handler: h.ComplaintsPage, Summary: "Complaints page: mine, my inbox, my queue"},
		{Method: "GET", Path: "/complaints/new", Obj: "complaint", Act: "create", Handler: h.NewComplaintPage, Summary: "Complaint form"},
		{Method: "POST", Path: "/complaints", Obj: "complaint", Act: "create", Handler: h.FileComplaintForm, Summary: "File a complaint (form)"},
		{Method: "GET", Path: "/complaints/:id", Obj: "complaint", Engine: true, Handler: h.WorkflowPage("complaints"), Summary: "Complaint page"},
		{Method: "POST", Path: "/complaints/:id/actions/:name", Obj: "complaint", Engine: true, Handler: h.WorkflowActionForm("complaints"), Summary: "Take an action on a complaint (form)"},
		{Method: "POST", Path: "/complaints/:id/messages", Obj: "complaint", Engine: true, Handler: h.MessageForm("complaints"), Summary: "Post a message on a complaint (form)", PerUser: messagesPerMinute},
		{Method: "POST", Path: "/complaints/:id/evidence", Obj: "complaint", Engine: true, Handler: h.EvidenceForm("complaints"), Summary: "Upload evidence to a complaint (form)", PerUser: uploadsPerMinute},
		{Method: "GET", Path: "/claims", Obj: "claim", Engine: true, Handler: h.ClaimsPage, Summary: "After-sales claims page: mine, my inbox"},
		{Method: "GET", Path: "/claims/new", Obj: "claim", Act: "create", Handler: h.NewClaimPage, Summary: "After-sales claim form"},
		{Method: "POST", Path: "/claims", Obj: "claim", Act: "create", Handler: h.FileClaimForm, Summary: "File an after-sales claim (form)"},
		{Method: "GET", Path: "/claims/:id", Obj: "claim", Engine: true, Handler: h.WorkflowPage("claims"), Summary: "After-sales claim page"},
		{Method: "POST", Path: "/claims/:id/actions/:name", Obj: "claim", Engine: true, Handler: h.WorkflowActionForm("claims"), Summary: "Take an action on a claim (form)"},
		{Method: "POST", Path: "/claims/:id/messages", Obj: "claim", Engine: true, Handler: h.MessageForm("claims"), Summary: "Post a message on a claim (form)", PerUser: messagesPerMinute},
		{Method: "POST", Path: "/claims/:id/evidence", Obj: "claim", Engine: true, Handler: h.EvidenceForm("claims"), Summary: "Upload evidence to a claim (form)", PerUser: uploadsPerMinute},
		{Method: "GET", Path: "/cases", Obj: "case", Engine: true, Handler: h.CasesPage, Summary: "Arbitration docket page"},
		{Method: "GET", Path: "/cases/:id", Obj: "case", Engine: true, Handler: h.WorkflowPage("cases"), Summary: "Arbitration case page"},
		{Method: "POST", Path: "/cases/:id/actions/:name", Obj: "case", Engine: true, Handler: h.WorkflowActionForm("cases"), Summary: "Take an action on a case (form)"},
		{Method: "POST", Path: "/cases/:id/messages", Obj: "case", Engine: true, Handler: h.MessageForm("cases"), Summary: "Post a message on a case (form)", PerUser: messagesPerMinute},
		{Method: "POST", Path: "/cases/:id/evidence", Obj: "case", Engine: true, Handler: h.EvidenceForm("cases"), Summary: "Upload evidence to a case (form)", PerUser: uploadsPerMinute},
		{Method: "GET", Path: "/rulings", Obj: "ruling", Act: "read", Handler: h.RulingsPage, Summary: "Published rulings page"},
		{Method: "GET", Path: "/search", Obj: "search", Act: "read", Handler: h.SearchPage, Summary: "Search page: everything the caller may open"},
		{Method: "GET", Path: "/stats", Obj: "stats", Act: "read", Handler: h.StatsPage, Summary: "Public statistics page: charts with their tables"},
		{Method: "GET", Path: "/negative-list", Obj: "negative_list", Act: "read", Handler: h.NegativeListPage, Summary: "The negative list page; ?q= searches"},
		{Method: "GET", Path: "/parties/:id/credit", Obj: "credit", Act: "read", Handler: h.PartyCreditPage, Summary: "A party's public credit page"},
		{Method: "POST", Path: "/parties/:id/certifications", Obj: "certification", Act: "create", Handler: h.AddCertificationForm, Summary: "Record an authority's grade for a party (form)"},
		{Method: "POST", Path: "/parties/:id/contact", Obj: "party_contact", Act: "update", Handler: h.PartyContactForm, Summary: "Set the address a party's notices also go to (form)"},
		{Method: "POST", Path: "/negative-list", Obj: "negative_list", Act: "create", Handler: h.ListPartyForm, Summary: "Put a party on the negative list (form)"},
		{Method: "POST", Path: "/negative-list/:id/appeals", Obj: "appeal", Act: "create", Handler: h.FileAppealForm, Summary: "Appeal a stay on the negative list (form, the party's staff)"},
		{Method: "POST", Path: "/negative-list/:id/confirmation", Obj: "negative_list", Act: "confirm", Handler: h.ConfirmListingForm, Summary: "Confirm or dismiss a proposed stay (form, admin)"},
		{Method: "POST", Path: "/appeals/:id/decision", Obj: "appeal", Act: "decide", Handler: h.DecideAppealForm, Summary: "Grant or deny an appeal (form, admin)"},
		{Method: "GET", Path: "/alerts", Obj: "public_alert", Act: "read", Handler: h.AlertsPage, Summary: "Public alerts and recalls page, newest first"},
		{Method: "GET", Path: "/alerts/:id", Obj: "public_alert", Act: "read", Handler: h.AlertPage, Summary: "A public alert or recall; one not made public only to those who may read every alert"},
		{Method: "GET", Path: "/listings", Obj: "listing", Act: "read", Handler: h.ListingsPage, Summary: "Online discoveries page"},
		{Method: "GET", Path: "/listings/:id", Obj: "listing", Act: "read", Handler: h.ListingPage, Summary: "A discovery and what to do next"},
		{Method: "GET", Path: "/listings/:id/trace", Obj: "trace", Act: "read", Handler: h.ListingTracePage, Summary: "A listing's trace: the chain as a picture, then every stage's events and documents"},
		{Method: "GET", Path: "/products/:id/trace", Obj: "trace", Act: "read", Handler: h.ProductTracePage, Summary: "A product's trace, as a picture and in detail"},
		{Method: "GET", Path: "/inspect/discoveries/new", Obj: "listing", Act: "create", Handler: h.NewDiscoveryPage, Summary: "Discovery form"},
		{Method: "POST", Path: "/inspect/discoveries", Obj: "listing", Act: "create", Handler: h.RecordDiscovery, Summary: "Record a discovery with its snapshot (form)"},
		{Method: "GET", Path: "/inspect/inspections/new", Obj: "inspection", Act: "create", Handler: h.NewInspectionPage, Summary: "Inspection form"},
		{Method: "POST", Path: "/inspect/inspections", Obj: "inspection", Act: "create", Handler: h.RecordInspection, Summary: "Record an inspection (form)"},
		{Method: "GET", Path: "/inspect/alerts", Obj: "alert", Act: "read", Handler: h.InspectorAlertsPage, Summary: "Every alert page, those not made public included"},
		{Method: "GET", Path: "/inspect/alerts/new", Obj: "alert", Act: "create", Handler: h.NewAlertPage, Summary: "Alert form: products, GTINs and batches; ?inspection_id=, ?product_id=, ?batch_id=, ?listing_id= prefill it"},
		{Method: "POST", Path: "/inspect/alerts", Obj: "alert", Act: "create", Handler: h.RaiseAlert, Summary: "Raise an alert (form)"},
		{Method: "GET", Path: "/inspect/measures/new", Obj: "measure", Act: "create", Handler: h.NewMeasurePage, Summary: "Measure form: a party or a listing's merchant ordered; ?alert_id= makes it follow an alert"},
		{Method: "POST", Path: "/inspect/measures", Obj: "measure", Act: "create", Handler: h.IssueMeasureForm, Summary: "Order a measure (form)"},
		{Method: "POST", Path: "/inspect/handoffs", Obj: "investigation", Act: "create", Handler: h.HandOffForm, Summary: "Hand a case to a jurisdiction (form)"},
		{Method: "GET", Path: "/inspections/:id", Obj: "inspection", Act: "read", Handler: h.InspectionPage, Summary: "An inspection with its test items and lab reports"},
		{Method: "POST", Path: "/inspections/:id/report", Obj: "inspection", Act: "create", Handler: h.InspectionReportForm, Summary: "Attach the lab report to an inspection (form)"},
		{Method: "GET", Path: "/inspect/matches", Obj: "alert", Act: "read", Handler: h.MatchesPage, Summary: "Import matches page: proposed matches of alerts to products and listings; ?status=, ?alert_id="},
		{Method: "POST", Path: "/inspect/matches/:id/confirm", Obj: "alert", Act: "create", Handler: h.ConfirmMatchForm, Summary: "Confirm an import match (form)"},
		{Method: "POST", Path: "/inspect/matches/:id/reject", Obj: "alert", Act: "create", Handler: h.RejectMatchForm, Summary: "Reject an import match (form)"},
		{Method: "GET", Path: "/measures", Obj: "measure", Engine: true, Handler: h.MeasuresPage, Summary: "Measures page"},
		{Method: "GET", Path: "/measures/:id", Obj: "measure", Engine: true, Handler: h.WorkflowPage("measures"), Summary: "A measure's page"},
		{Method: "POST", Path: "/measures/:id/actions/:name", Obj: "measure", Engine: true, Handler: h.WorkflowActionForm("measures"), Summary: "Take an action on a measure (form)"},
		{Method: "POST", Path: "/measures/:id/evidence", Obj: "measure", Engine: true, Handler: h.EvidenceForm("measures"), Summary: "Upload proof to a measure (form)", PerUser: uploadsPerMinute},
		{Method: "GET", Path: "/investigations", Obj: "investigation", Engine: true, Handler: h.InvestigationsPage, Summary: "My jurisdiction's investigations page"},
		{Method: "GET", Path: "/investigations/:id", Obj: "investigation", Engine: true, Handler: h.WorkflowPage("investigations"), Summary: "An investigation's page"},
		{Method: "POST", Path: "/investigations/:id/actions/:name", Obj: "investigation", Engine: true, Handler: h.WorkflowActionForm("investigations"), Summary: "Take an action on an investigation (form)"},
		{Method: "GET", Path: "/notifications", Obj: "notification", Act: "list", Handler: h.NotificationsPage, Summary: "My notices page, newest first"},
		{Method: "GET", Path: "/admin/audit", Obj: "audit", Act: "read", Handler: h.AuditPage, Summary: "Audit trail page"},

		// Pages: the traceability registry (the same model calls as the registry API)
		{Method: "GET", Path: "/registry/parties", Obj: "party", Act: "read", Handler: h.PartiesPage, Summary: "Registered parties page, newest first; ?kind="},
		{Method: "GET", Path: "/registry/parties/new", Obj: "party", Act: "create", Handler: h.NewPartyPage, Summary: "Party form"},
		{Method: "POST", Path: "/registry/parties", Obj: "party", Act: "create", Handler: h.RegisterParty, Summary: "Register a party (form)"},
		{Method: "GET", Path: "/registry/products", Obj: "product", Act: "read", Handler: h.ProductsPage, Summary: "Registered products page, newest first"},
		{Method: "GET", Path: "/registry/products/new", Obj: "product", Act: "create", Handler: h.NewProductPage, Summary: "Product form"},
		{Method: "POST", Path: "/registry/products", Obj: "product", Act: "create", Handler: h.RegisterProduct, Summary: "Register a product (form)"},
		{Method: "GET", Path: "/registry/products/:id", Obj: "product", Act: "read", Handler: h.ProductPage, Summary: "A product with its batches and inspections"},
		{Method: "POST", Path: "/registry/products/:id/batches", Obj: "product", Act: "create", Handler: h.AddBatchForm, Summary: "Add a production lot to a product (form)"},
		{Method: "GET", Path: "/registry/declarations", Obj: "declaration", Act: "read", Handler: h.DeclarationsPage, Summary: "Declarations page, newest first; ?logistics_no="},
		{Method: "GET", Path: "/registry/declarations/new", Obj: "declaration", Act: "create", Handler: h.NewDeclarationPage, Summary: "Declaration form with its lines"},
		{Method: "POST", Path: "/registry/declarations", Obj: "declaration", Act: "create", Handler: h.RegisterDeclaration, Summary: "Register a declaration (清单) with its lines (form)"},
		{Method: "GET", Path: "/registry/declarations/:id", Obj: "declaration", Act: "read", Handler: h.DeclarationPage, Summary: "A declaration with its lines and shipments"},
		{Method: "GET", Path: "/registry/shipments", Obj: "shipment", Act: "read", Handler: h.ShipmentsPage, Summary: "Shipments page, newest first; ?waybill="},
		{Method: "GET", Path: "/registry/shipments/new", Obj: "shipment", Act: "create", Handler: h.NewShipmentPage, Summary: "Shipment form"},
		{Method: "POST", Path: "/registry/shipments", Obj: "shipment", Act: "create", Handler: h.RegisterShipment, Summary: "Register a shipment (form)"},
		{Method: "GET", Path: "/registry/shipments/:id", Obj: "shipment", Act: "read", Handler: h.ShipmentPage, Summary: "A shipment"},
		{Method: "GET", Path: "/registry/trace-events", Obj: "trace_event", Act: "read", Handler: h.TraceEventsPage, Summary: "Trace events page, in the order they happened; ?product_id="},
		{Method: "GET", Path: "/registry/trace-events/new", Obj: "trace_event", Act: "create", Handler: h.NewTraceEventPage, Summary: "Trace event form (CBV business steps and dispositions)"},
		{Method: "POST", Path: "/registry/trace-events", Obj: "trace_event", Act: "create", Handler: h.RecordTraceEvent, Summary: "Record a trace event (form)"},

		// Assets
		{Method: "GET", Path: "/static/*", Obj: "asset", Act: "read", Handler: s.staticHandler(), Summary: "Stylesheets and scripts"},
	}
}
