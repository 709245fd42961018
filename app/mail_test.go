package app_test

import (
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/url"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/migrations/testdb"
)

// Notices by e-mail (docs/notices.md), sent through a real SMTP server: aiosmtpd, which keeps
// every mail it takes in a Maildir the test reads.

// smtpServer is one aiosmtpd on a loopback port of its own.
type smtpServer struct {
	addr string // host:port
	dir  string // its Maildir
}

// newSMTPServer reserves a free loopback port for a server, and starts nothing: until start,
// nothing listens there (a mail server that is down).
func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return &smtpServer{addr: addr, dir: filepath.Join(t.TempDir(), "maildir")}
}

// startSMTPServer is a mail server that is up.
func startSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	s := newSMTPServer(t)
	s.start(t)
	return s
}

// start runs aiosmtpd on the server's port until the test ends, and waits until it answers.
func (s *smtpServer) start(t *testing.T) {
	t.Helper()
	python := os.Getenv("PORTAL_TEST_PYTHON")
	if python == "" {
		python = "/usr/bin/python3"
	}
	if err := osexec.Command(python, "-c", "import aiosmtpd").Run(); err != nil {
		t.Fatalf("the e-mail tests need aiosmtpd (scripts/test.sh installs it: apt-get install python3-aiosmtpd): %v", err)
	}
	cmd := osexec.Command(python, "-m", "aiosmtpd", "-n", "-l", s.addr, "-c", "aiosmtpd.handlers.Mailbox", s.dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err == nil {
			_ = conn.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("aiosmtpd did not answer on %s: %v\n%s", s.addr, err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// receivedMail is a mail as the server took it, decoded.
type receivedMail struct {
	To, From, Subject, Body string
}

// mails reads every mail the server took so far.
func (s *smtpServer) mails(t *testing.T) []receivedMail {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(s.dir, "new", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []receivedMail
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := netmail.ReadMessage(f)
		if err != nil {
			f.Close()
			t.Fatalf("%s: %v", name, err)
		}
		var dec mime.WordDecoder
		subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = msg.Body
		switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		text, err := io.ReadAll(body)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		// aiosmtpd notes the envelope's recipient as X-RcptTo.
		out = append(out, receivedMail{To: strings.ToLower(msg.Header.Get("X-RcptTo")), From: msg.Header.Get("From"),
			Subject: subject, Body: string(text)})
	}
	return out
}

// mailTo waits (at most 20 s) for the mail to an address and answers it.
func (s *smtpServer) mailTo(t *testing.T, address string) receivedMail {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, m := range s.mails(t) {
			if m.To == address {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail to %s arrived; the server has: %+v", address, s.mails(t))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// recipients are the addresses the server took mails for, sorted, one entry a mail.
func (s *smtpServer) recipients(t *testing.T) []string {
	var out []string
	for _, m := range s.mails(t) {
		out = append(out, m.To)
	}
	slices.Sort(out)
	return out
}

// mailEnv is the configuration of a portal that e-mails its notices through s.
func mailEnv(s *smtpServer) map[string]string {
	return map[string]string{"PORTAL_SMTP_URL": "smtp://" + s.addr, "PORTAL_MAIL_FROM": "notices@portal.test",
		"PORTAL_PUBLIC_URL": "https://portal.test/"}
}

// mailJobsDone waits (at most 20 s) until every notice mail job the portal has is done, so a
// mail that was not sent is known not to come.
func mailJobsDone(t *testing.T, ts *testServer) {
	t.Helper()
	eventuallyWithin(t, 20*time.Second, func() bool {
		var waiting int
		err := ts.srv.Store().Pool().QueryRow(context.Background(),
			`SELECT count(*) FROM river_job WHERE kind = 'notice_mail' AND state <> 'completed'`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		return waiting == 0
	}, "the notice mail jobs to complete")
}

// A complaint filed sends the respondent's staff a mail, in Chinese and English, with a link to
// the complaint; nobody else gets one. The portal serves as its own database role.
func TestMailComplaintFiledReachesTheRespondentsStaff(t *testing.T) {
	smtp := startSMTPServer(t)
	env := mailEnv(smtp)
	env["DATABASE_URL"] = portalRoleDSN(t, testdb.New(t))
	ts := startServer(t, env)

	r := ts.do(t, "POST", "/api/v1/complaints", ts.token(t, "consumer"), complaintBody())
	if r.Status != 201 {
		t.Fatalf("file complaint: %d %s", r.Status, r.Body)
	}
	complaint := r.json(t)
	id, number := complaint["id"].(string), complaint["number"].(string)

	m := smtp.mailTo(t, "merchant@demo.portal")
	link := "https://portal.test/complaints/" + id
	for _, want := range []string{"投诉 " + number + "：提交", "Complaint " + number + ": Filed"} {
		if !strings.Contains(m.Subject, want) {
			t.Errorf("subject %q does not say %q", m.Subject, want)
		}
	}
	for _, want := range []string{link, "杭州跨境电商综试区门户有一条新通知", "There is a new notice for you",
		"https://portal.test/account"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body does not hold %q:\n%s", want, m.Body)
		}
	}
	if !strings.Contains(m.From, "notices@portal.test") {
		t.Errorf("from %q", m.From)
	}
	// The link opens the complaint for the one it was sent to.
	if r := ts.do(t, "GET", "/api/v1/complaints/"+id, ts.token(t, "merchant"), nil); r.Status != 200 {
		t.Errorf("the linked complaint as the merchant: %d", r.Status)
	}

	mailJobsDone(t, ts)
	if got := smtp.recipients(t); !slices.Equal(got, []string{"merchant@demo.portal"}) {
		t.Errorf("mails went to %v, want only the respondent's merchant", got)
	}
}

// The mail carries both languages, the reader's own first.
func TestMailIsBilingualTheReadersLanguageFirst(t *testing.T) {
	smtp := startSMTPServer(t)
	ts := startServer(t, mailEnv(smtp))
	admin := ts.token(t, "admin")
	if r := ts.do(t, "POST", "/api/v1/admin/users", admin, map[string]any{"email": "en-merchant@demo.portal",
		"password": "en-merchant-2026", "name": "English reader", "roles": []string{"merchant"},
		"party_id": "demo-merchant", "locale": "en"}); r.Status != 201 {
		t.Fatalf("create English-reading merchant: %d %s", r.Status, r.Body)
	}
	fileComplaint(t, ts, ts.token(t, "consumer"))

	zh, en := smtp.mailTo(t, "merchant@demo.portal"), smtp.mailTo(t, "en-merchant@demo.portal")
	for _, m := range []receivedMail{zh, en} {
		for _, want := range []string{"杭州跨境电商综试区门户有一条新通知", "查看记录：https://portal.test/complaints/",
			"There is a new notice for you", "Open the record: https://portal.test/complaints/",
			"不想再收到邮件通知", "To stop these e-mails"} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("mail to %s does not hold %q:\n%s", m.To, want, m.Body)
			}
		}
		if !strings.Contains(m.Subject, "投诉") || !strings.Contains(m.Subject, "Complaint") {
			t.Errorf("subject of the mail to %s is not in both languages: %q", m.To, m.Subject)
		}
	}
	if !strings.HasPrefix(zh.Subject, "投诉") || strings.Index(zh.Body, "新通知") > strings.Index(zh.Body, "new notice") {
		t.Errorf("a Chinese reader's mail starts in English:\n%s\n%s", zh.Subject, zh.Body)
	}
	if !strings.HasPrefix(en.Subject, "Complaint") || strings.Index(en.Body, "new notice") > strings.Index(en.Body, "新通知") {
		t.Errorf("an English reader's mail starts in Chinese:\n%s\n%s", en.Subject, en.Body)
	}
}

// With the mail server down the filing succeeds at once; the mail goes once the server is back.
func TestMailWaitsForTheMailServer(t *testing.T) {
	smtp := newSMTPServer(t) // nothing listens yet
	ts := startServer(t, mailEnv(smtp))

	id := fileComplaint(t, ts, ts.token(t, "consumer"))
	// The job tried, and failed: the server is down.
	eventuallyWithin(t, 15*time.Second, func() bool {
		var failed int
		err := ts.srv.Store().Pool().QueryRow(context.Background(), `SELECT count(*) FROM river_job
			WHERE kind = 'notice_mail' AND cardinality(errors) > 0`).Scan(&failed)
		if err != nil {
			t.Fatal(err)
		}
		return failed > 0
	}, "a try of the notice mail against the server that is down")
	if r := ts.do(t, "GET", "/api/v1/complaints/"+id, ts.token(t, "merchant"), nil); r.Status != 200 {
		t.Fatalf("the complaint filed while the mail server was down: %d", r.Status)
	}

	smtp.start(t)
	m := smtp.mailTo(t, "merchant@demo.portal")
	if !strings.Contains(m.Body, "https://portal.test/complaints/"+id) {
		t.Errorf("the mail does not link the complaint:\n%s", m.Body)
	}
	mailJobsDone(t, ts)
	if got := smtp.recipients(t); !slices.Equal(got, []string{"merchant@demo.portal"}) {
		t.Errorf("mails went to %v, want one to the merchant", got)
	}
}

// A user who turned e-mail off on /account gets no mail (the notice stays in the portal); their
// colleague still does. The change is audited.
func TestMailNotForWhoTurnedItOff(t *testing.T) {
	smtp := startSMTPServer(t)
	ts := startServer(t, mailEnv(smtp))
	admin, merchant := ts.token(t, "admin"), ts.token(t, "merchant")
	if r := ts.do(t, "POST", "/api/v1/admin/users", admin, map[string]any{"email": "colleague@demo.portal",
		"password": "colleague-2026", "name": "同事", "roles": []string{"merchant"}, "party_id": "demo-merchant"}); r.Status != 201 {
		t.Fatalf("create colleague: %d %s", r.Status, r.Body)
	}

	// The account page's box, left unticked.
	if r := ts.form(t, "/account/notices", merchant, url.Values{}); r.Status != 303 {
		t.Fatalf("turn e-mail off: %d %s", r.Status, r.Body)
	}
	page := ts.do(t, "GET", "/account", merchant, nil)
	if page.Status != 200 || !strings.Contains(string(page.Body), `id="email-notices">`) {
		t.Fatalf("the account page does not show the box unticked: %d\n%s", page.Status, page.Body)
	}
	if me := ts.do(t, "GET", "/api/v1/me", ts.token(t, "merchant"), nil).json(t); me["email_notices"] != false {
		t.Fatalf("GET /me after turning e-mail off: %v", me)
	}
	if r := ts.do(t, "PATCH", "/api/v1/me", merchant, map[string]any{"email_notices": "no"}); r.Status != 400 {
		t.Errorf("PATCH /me with a string: %d, want 400", r.Status)
	}

	fileComplaint(t, ts, ts.token(t, "consumer"))
	smtp.mailTo(t, "colleague@demo.portal")
	mailJobsDone(t, ts)
	if got := smtp.recipients(t); !slices.Equal(got, []string{"colleague@demo.portal"}) {
		t.Errorf("mails went to %v, want only the colleague's", got)
	}
	if n := ts.do(t, "GET", "/api/v1/notifications", merchant, nil).json(t)["items"].([]any); len(n) == 0 {
		t.Errorf("the notice did not stay in the portal for the merchant")
	}

	audited := ts.do(t, "GET", "/api/v1/admin/audit?limit=100", admin, nil).json(t)["items"].([]any)
	if !slices.ContainsFunc(audited, func(a any) bool {
		rec := a.(map[string]any)
		return rec["action"] == "user.email_notices" && rec["object_id"] == ts.users["merchant"].ID
	}) {
		t.Errorf("turning e-mail off is not in the audit trail")
	}

	// Back on through the API: the next notice comes by mail again.
	if r := ts.do(t, "PATCH", "/api/v1/me", merchant, map[string]any{"email_notices": true}); r.Status != 200 || r.json(t)["email_notices"] != true {
		t.Fatalf("turn e-mail on: %d %s", r.Status, r.Body)
	}
	fileComplaint(t, ts, ts.token(t, "consumer"))
	smtp.mailTo(t, "merchant@demo.portal")
}

// A party's contact address, set by the admin, gets the party's notices too, saying why; only
// the admin sees it.
func TestMailReachesThePartysContactAddress(t *testing.T) {
	smtp := startSMTPServer(t)
	ts := startServer(t, mailEnv(smtp))
	admin := ts.token(t, "admin")

	if r := ts.do(t, "PUT", "/api/v1/parties/demo-merchant/contact", admin, map[string]any{"contact_email": "not an address"}); r.Status != 422 ||
		!strings.Contains(string(r.Body), "contact_email") {
		t.Fatalf("a contact that is no address: %d %s", r.Status, r.Body)
	}
	r := ts.do(t, "PUT", "/api/v1/parties/demo-merchant/contact", admin, map[string]any{"contact_email": " Service@Merchant.example "})
	if r.Status != 200 || r.json(t)["contact_email"] != "Service@Merchant.example" {
		t.Fatalf("set the contact: %d %s", r.Status, r.Body)
	}
	if got := ts.do(t, "GET", "/api/v1/parties/demo-merchant/contact", admin, nil).json(t); got["contact_email"] != "Service@Merchant.example" {
		t.Fatalf("GET contact: %v", got)
	}
	if page := ts.do(t, "GET", "/parties/demo-merchant/credit", admin, nil); !strings.Contains(string(page.Body), "Service@Merchant.example") {
		t.Errorf("the party's page does not show its contact to the admin")
	}
	if page := ts.do(t, "GET", "/parties/demo-merchant/credit", ts.token(t, "inspector"), nil); strings.Contains(string(page.Body), "Service@Merchant.example") {
		t.Errorf("the party's page shows its contact to an inspector")
	}

	id := fileComplaint(t, ts, ts.token(t, "consumer"))
	m := smtp.mailTo(t, "service@merchant.example")
	for _, want := range []string{"https://portal.test/complaints/" + id, "杭州示例跨境贸易有限公司的通知联系邮箱",
		"contact address of Hangzhou Demo Cross-border Trading Co., Ltd."} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("the contact's mail does not hold %q:\n%s", want, m.Body)
		}
	}
	mailJobsDone(t, ts)
	if got := smtp.recipients(t); !slices.Equal(got, []string{"merchant@demo.portal", "service@merchant.example"}) {
		t.Errorf("mails went to %v", got)
	}

	// Removed from the party's page: no more mail to it.
	if r := ts.form(t, "/parties/demo-merchant/contact", admin, url.Values{"contact_email": {""}}); r.Status != 303 {
		t.Fatalf("remove the contact: %d %s", r.Status, r.Body)
	}
	if got := ts.do(t, "GET", "/api/v1/parties/demo-merchant/contact", admin, nil).json(t); got["contact_email"] != nil {
		t.Fatalf("after removing: %v", got)
	}
}

// PORTAL_SMTP_URL and PORTAL_MAIL_FROM are checked at start; PORTAL_PUBLIC_URL defaults to the
// portal's own address.
func TestMailConfiguration(t *testing.T) {
	c, err := app.LoadConfig(envOf(map[string]string{"PORTAL_ADDR": "127.0.0.1:9090"}))
	if err != nil || c.PublicURL != "http://127.0.0.1:9090" || c.SMTPURL != "" {
		t.Fatalf("defaults: %v %+v", err, c)
	}
	if mailer, err := c.Mailer(); mailer != nil || err != nil {
		t.Fatalf("no SMTP URL, yet a mailer: %v %v", mailer, err)
	}
	for _, bad := range []map[string]string{
		{"PORTAL_SMTP_URL": "smtp://mail.example:25"},                                            // no sender
		{"PORTAL_SMTP_URL": "http://mail.example", "PORTAL_MAIL_FROM": "a@b.example"},            // not SMTP
		{"PORTAL_SMTP_URL": "smtp://u:secret@mail.example:0", "PORTAL_MAIL_FROM": "a@b.example"}, // no port
		{"PORTAL_SMTP_URL": "smtp://mail.example", "PORTAL_MAIL_FROM": "nobody"},                 // no address
		{"PORTAL_PUBLIC_URL": "portal.example"},                                                  // no scheme
	} {
		_, err := app.LoadConfig(envOf(bad))
		if err == nil {
			t.Errorf("%v: accepted", bad)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("%v: the error repeats the password: %v", bad, err)
		}
	}
	c, err = app.LoadConfig(envOf(map[string]string{"PORTAL_SMTP_URL": "smtp://u:p@mail.example:587",
		"PORTAL_MAIL_FROM": "杭州跨境电商综试区 <notices@portal.example>", "PORTAL_PUBLIC_URL": "https://portal.example/"}))
	if err != nil || c.PublicURL != "https://portal.example" {
		t.Fatalf("%v %+v", err, c)
	}
	if mailer, err := c.Mailer(); err != nil || mailer.Server() != "mail.example:587" {
		t.Fatalf("%v %v", mailer, err)
	}
}
