package app_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserTimeout bounds a whole browser test; stepTimeout one step of it, so that a step that
// waits in vain still leaves time to report where the browser was.
const (
	browserTimeout = 60 * time.Second
	stepTimeout    = 20 * time.Second
)

// browser is one headless Chromium tab on a test server.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string

	// What the tab's events tell (observe writes it from chromedp's reading goroutine), under mu:
	// the documents the tab's main frame committed, in order, and the console errors and failed
	// loads not reported yet.
	mu       sync.Mutex
	docs     []document
	requests map[network.RequestID]string // the address of each request, to name one that fails
	pages    map[network.RequestID]bool   // the requests for a page (a document) rather than what it loads
	statuses map[cdp.LoaderID]int64       // the HTTP status each page answered with
	told     map[network.RequestID]bool   // a failed request already told (the log and the network both tell it)
	problems []string

	// Only the test's goroutine uses these: the documents done with (checked by axe-core, or
	// reported as never checked), by loader id, and how many of docs were looked at.
	checked map[cdp.LoaderID]bool
	seen    int
	judged  map[[sha256.Size]byte]bool // the pages axe-core judged, by window size and markup (see runAxe)
	checks  int                        // pages checked
	axeRuns int                        // of which axe-core judged (the others it had judged already)
	axeTime time.Duration              // and how long that took
}

// document is one document the main frame committed: each page load is one, a form sent and
// answered or redirected included; a jump to an #anchor is not.
type document struct {
	loader      cdp.LoaderID
	url         string
	mime        string
	unreachable string
}

// chromiumPath is the browser binary: PORTAL_TEST_CHROMIUM (make test sets it), else the
// distribution's. A missing browser fails the test: page tests must not vanish quietly.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("PORTAL_TEST_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("headless Chromium is needed for the page tests: %v "+
			"(install it with `apt-get install chromium` or point PORTAL_TEST_CHROMIUM at one)", err)
	}
	return path
}

// newBrowser starts a headless Chromium with a fresh profile that asks for Chinese, as a
// browser set to Chinese would, and opens one tab on ts.
func newBrowser(t *testing.T, ts *testServer) *browser {
	t.Helper()
	return newBrowserWithin(t, ts, browserTimeout)
}

// newBrowserWithin is newBrowser for a longer walk through the pages.
func newBrowserWithin(t *testing.T, ts *testServer, timeout time.Duration) *browser {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		// --lang sets the browser's own language; headless Chromium takes the Accept-Language
		// header from --accept-lang only.
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN"),
	)
	// The allocator's cancel waits for the browser to exit, before t.TempDir removes the profile.
	t.Cleanup(cancelAlloc)
	ctx, cancelTimeout := context.WithTimeout(allocCtx, timeout)
	t.Cleanup(cancelTimeout)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)
	// The first run starts the browser and binds it to ctx, so it has the whole test's timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	b := &browser{t: t, ctx: ctx, base: ts.URL,
		requests: map[network.RequestID]string{}, pages: map[network.RequestID]bool{},
		statuses: map[cdp.LoaderID]int64{}, told: map[network.RequestID]bool{},
		checked: map[cdp.LoaderID]bool{}, judged: map[[sha256.Size]byte]bool{}}
	if err := chromedp.Listen(ctx, b.observe); err != nil {
		t.Fatalf("listening to Chromium's events: %v", err)
	}
	// axe-core goes into every page as it loads, for checkPage: sent once, not once a page.
	src, err := axeSource()
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src})
		return err
	})); err != nil {
		t.Fatalf("adding axe-core to the pages: %v", err)
	}
	// Registered last, so it runs first, while the tab is still open: the page a test ends on
	// is checked even if no step of do opened it, and what the console said late is told.
	t.Cleanup(func() {
		if !t.Failed() && ctx.Err() == nil {
			cctx, cancel := context.WithTimeout(ctx, stepTimeout)
			defer cancel()
			if err := b.checkPage(cctx); err != nil {
				t.Errorf("checking the last page: %v", err)
			}
		}
		b.report("at the end of the test")
		t.Logf("checked %d pages: axe-core judged %d in %v, the others it had judged already",
			b.checks, b.axeRuns, b.axeTime.Round(time.Millisecond))
	})
	return b
}

// do runs steps; on failure the test stops with what the browser shows.
//
// It is also the one place where every page the browser tests visit is checked: after each
// step, checkPage looks at the document the tab shows and, when that document was not checked
// yet, waits for it to load and runs axe-core on it (WCAG 2.1 A and AA). Whatever step opened
// the page (Navigate, a click on a link, a form sent and answered), the page is checked before
// the next step types into it or leaves it, and a page shown twice (opened again, or a form
// sent back with its mistakes) is checked each time. The tab's events list every document the
// main frame commits, so a page that came and went within one step, before any check could
// see it, fails the test instead of passing unchecked. The console errors, uncaught
// exceptions and failed loads that the tab reported are told after the steps as well.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	for _, step := range steps {
		if err := chromedp.Do(ctx, step); err != nil {
			b.t.Fatalf("%s: %v\n%s", what, err, b.where())
		}
		if err := b.checkPage(ctx); err != nil {
			b.t.Fatalf("%s: %v\n%s", what, err, b.where())
		}
	}
	b.report(what)
}

// get reads one value from the page.
func get[T any](b *browser, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.t.Fatalf("%s: %v\n%s", what, err, b.where())
	}
	return v
}

// where describes the page the browser is on, for failure messages.
func (b *browser) where() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	url, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(the page could not be read: " + err.Error() + ")"
	}
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return fmt.Sprintf("on %s, the page reads:\n%s", url, text)
}

// expectText checks the visible text of the element sel.
func (b *browser) expectText(sel, want string) {
	b.t.Helper()
	if got := strings.TrimSpace(get(b, "reading "+sel, chromedp.Text(chromedp.CSS(sel)))); got != want {
		b.t.Errorf("%s reads %q, want %q", sel, got, want)
	}
}

// expectLocation checks the address bar.
func (b *browser) expectLocation(path string) {
	b.t.Helper()
	if got := get(b, "reading the address", chromedp.Location()); got != b.base+path {
		b.t.Errorf("the browser is on %s, want %s", got, b.base+path)
	}
}

func randomSuffix(t *testing.T) string {
	t.Helper()
	buf := make([]byte, 6)
	if _, err := rand.Read(buf); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(buf)
}

// Each wait below names an element or attribute that only the page after the click has, so a
// wait cannot be met by the page the click is leaving.

// TestBrowserSignupSigninLanguageSignout walks a new visitor through signing up (with one
// mistake), out and in again, switching the language and back, and signing out.
func TestBrowserSignupSigninLanguageSignout(t *testing.T) {
	ts := startServer(t, nil)
	b := newBrowser(t, ts)
	suffix := randomSuffix(t)
	name := "浏览器用户 " + suffix
	email := "browser-" + suffix + "@example.com"
	password := "correct horse " + suffix

	// Sign up with a password that is too short: the form comes back with the mistake marked.
	b.do("opening the sign-up page",
		chromedp.Navigate(b.base+"/signup"),
		chromedp.WaitVisible(chromedp.ID("signup-submit")),
	)
	if lang := get(b, "reading <html lang>", chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "zh-CN" {
		// The language switches below wait for <html lang> to change, so they need Chinese first.
		t.Fatalf("a browser asking for Chinese gets <html lang=%q>, want zh-CN", lang)
	}
	b.do("submitting a too-short password",
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "short"),
		chromedp.Click(chromedp.ID("signup-submit")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")),
	)
	if msg := get(b, "reading the password error", chromedp.Text(chromedp.ID("password-error"))); !strings.Contains(msg, "10") {
		t.Errorf("the password error %q does not say how long a password must be", msg)
	}
	if got := get(b, "reading the e-mail field", chromedp.Value(chromedp.ID("email"))); got != email {
		t.Errorf("after the error the e-mail field holds %q, want the typed %q", got, email)
	}
	if got := get(b, "reading the password field", chromedp.Value(chromedp.ID("password"))); got != "" {
		t.Errorf("after the error the password field still holds %q", got)
	}

	// A valid password creates the account and signs it in.
	b.do("submitting a valid password",
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("signup-submit")),
		chromedp.WaitVisible(chromedp.ID("who")),
	)
	b.expectLocation("/")
	b.expectText("#who", name)

	b.do("signing out",
		chromedp.Click(chromedp.ID("signout")),
		chromedp.WaitVisible(chromedp.ID("signin-link")),
	)

	// Sign in again through the link in the header.
	b.do("opening the sign-in page",
		chromedp.Click(chromedp.ID("signin-link")),
		chromedp.WaitVisible(chromedp.ID("signin-submit")),
	)
	b.expectLocation("/signin")
	b.do("signing in",
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("signin-submit")),
		chromedp.WaitVisible(chromedp.ID("who")),
	)
	b.expectLocation("/")
	b.expectText("#who", name)
	b.expectText("#signout", "退出")

	// English, and it sticks on the next page.
	b.do("switching to English",
		chromedp.Click(chromedp.ID("lang-en")),
		chromedp.WaitReady(chromedp.CSS(`html[lang="en"]`)),
		chromedp.WaitVisible(chromedp.ID("signout")),
	)
	b.expectText("#signout", "Sign out")
	b.do("opening my account",
		chromedp.Navigate(b.base+"/account"),
		chromedp.WaitVisible(chromedp.ID("account-email")),
	)
	if lang := get(b, "reading <html lang>", chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "en" {
		t.Errorf("the account page is in %q after choosing English, want en", lang)
	}
	b.expectText("#signout", "Sign out")
	b.expectText("#account-email", email)

	// Back to Chinese, on the same page.
	b.do("switching to Chinese",
		chromedp.Click(chromedp.ID("lang-zh")),
		chromedp.WaitReady(chromedp.CSS(`html[lang="zh-CN"]`)),
		chromedp.WaitVisible(chromedp.ID("signout")),
	)
	b.expectLocation("/account")
	b.expectText("#signout", "退出")

	// Signed out, the account page sends the visitor to sign in.
	b.do("signing out",
		chromedp.Click(chromedp.ID("signout")),
		chromedp.WaitVisible(chromedp.ID("signin-link")),
	)
	b.do("opening my account signed out",
		chromedp.Navigate(b.base+"/account"),
		chromedp.WaitVisible(chromedp.ID("signin-submit")),
	)
	b.expectLocation("/signin")
}

// TestBrowserPhoneLayout opens the home page on a phone-sized screen: nothing may stick out
// sideways, and the navigation and the way to sign in must be on screen.
func TestBrowserPhoneLayout(t *testing.T) {
	ts := startServer(t, nil)
	b := newBrowser(t, ts)

	const width = 390
	b.do("opening the home page on a phone",
		chromedp.EmulateViewport(width, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(b.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("nav.nav")),
		chromedp.WaitVisible(chromedp.ID("signin-link")),
	)
	type layout struct {
		ScrollWidth int     `json:"scrollWidth"`
		InnerWidth  int     `json:"innerWidth"`
		SigninRight float64 `json:"signinRight"`
		NavRight    float64 `json:"navRight"`
	}
	got := get(b, "measuring the page", chromedp.Evaluate[layout](`({
		scrollWidth: document.documentElement.scrollWidth,
		innerWidth: window.innerWidth,
		signinRight: document.getElementById("signin-link").getBoundingClientRect().right,
		navRight: document.querySelector("nav.nav").getBoundingClientRect().right,
	})`))
	if got.InnerWidth != width {
		t.Errorf("window.innerWidth is %d on a %d px wide phone: the page does not fit the screen", got.InnerWidth, width)
	}
	if got.ScrollWidth > got.InnerWidth {
		t.Errorf("the page is %d px wide on a %d px screen: it scrolls sideways", got.ScrollWidth, got.InnerWidth)
	}
	if got.SigninRight > float64(got.InnerWidth) || got.NavRight > float64(got.InnerWidth) {
		t.Errorf("the header sticks out of the %d px screen: sign-in link ends at %.0f px, navigation at %.0f px",
			got.InnerWidth, got.SigninRight, got.NavRight)
	}
}

// axeSource is axe-core, which scripts/test.sh fetches for the tests (PORTAL_TEST_AXE).
var axeSource = sync.OnceValues(func() (string, error) {
	path := os.Getenv("PORTAL_TEST_AXE")
	if path == "" {
		return "", errors.New("axe-core is needed for the page tests: run them with make test, or point PORTAL_TEST_AXE at axe.min.js")
	}
	b, err := os.ReadFile(path)
	return string(b), err
})

// axeRun runs axe-core on the document for WCAG 2.1 A and AA and lists each violation: the
// rule and the first elements that break it.
const axeRun = `axe.run(document, {
	runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"],
}).then(r => r.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " — " +
	v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")))`

// loaded waits for the document's stylesheets and pictures (axe-core judges contrast on the
// styled page), then tells whether axe-core is in it and what axe-core would judge: the
// window's size and the markup, without the session's CSRF token, which no rule reads.
const loaded = `(document.readyState === "complete" ? Promise.resolve() :
	new Promise(done => addEventListener("load", done, {once: true}))).then(() => ({
	axe: typeof axe === "object",
	page: innerWidth + "x" + innerHeight + "\n" +
		document.documentElement.outerHTML.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf"'),
}))`

// shown is the last document the main frame committed (none before the first page), and all of
// them so far.
func (b *browser) shown() (document, []document) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.docs) == 0 {
		return document{}, nil
	}
	return b.docs[len(b.docs)-1], b.docs
}

// pageStatus is the HTTP status the page the tab shows answered with.
func (b *browser) pageStatus() int64 {
	doc, _ := b.shown()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.statuses[doc.loader]
}

// checkPage checks the document the tab shows, unless it was checked already: axe-core finds
// no WCAG 2.1 A or AA violation on it. It returns an error only when the check cannot run; a
// violation fails the test and the steps go on. See do.
func (b *browser) checkPage(ctx context.Context) error {
	b.t.Helper()
	for tries := 0; ; tries++ {
		doc, _ := b.shown()
		if doc.loader == "" || b.checked[doc.loader] {
			break
		}
		if doc.url == "about:blank" || doc.unreachable != "" || !strings.HasPrefix(doc.mime, "text/html") {
			// The empty tab before the first page, Chromium's own page for one that could not
			// load (observe told that), or a file the browser shows (a picture, a PDF).
			b.checked[doc.loader] = true
			continue
		}
		violations, err := b.runAxe(ctx)
		if now, _ := b.shown(); now.loader != doc.loader {
			continue // the tab moved on while axe-core ran: check the page it shows now
		}
		if err != nil {
			// The page may be leaving, its leaving not told yet: look again, a few times.
			if tries < 5 && ctx.Err() == nil {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			return fmt.Errorf("checking %s with axe-core: %w", doc.url, err)
		}
		b.checked[doc.loader] = true
		b.checks++
		for _, v := range violations {
			b.t.Errorf("%s: WCAG violation %s", strings.TrimPrefix(doc.url, b.base), v)
		}
		break
	}
	// Every document committed before the one shown must have been checked.
	_, docs := b.shown()
	for ; b.seen < len(docs)-1; b.seen++ {
		if d := docs[b.seen]; !b.checked[d.loader] {
			b.checked[d.loader] = true
			b.t.Errorf("%s was left before axe-core could check it: wait for it in a step of its own", d.url)
		}
	}
	return nil
}

// runAxe runs axe-core on the document the tab shows, once it has loaded, and lists the
// violations. A page whose markup axe-core already judged at the same window size in this
// browser (the home page, seen after each sign-in) would be judged the same: it is not run again.
func (b *browser) runAxe(ctx context.Context) ([]string, error) {
	type state struct {
		Axe  bool   `json:"axe"`
		Page string `json:"page"`
	}
	st, err := chromedp.Run(ctx, chromedp.Evaluate[state](loaded, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, err
	}
	key := sha256.Sum256([]byte(st.Page))
	if b.judged[key] {
		return nil, nil
	}
	if !st.Axe {
		// Not there (the page was loading when the browser opened): evaluated through DevTools,
		// which the pages' Content-Security-Policy (no scripts) does not bind either.
		src, err := axeSource()
		if err != nil {
			b.t.Fatal(err)
		}
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](src+";typeof axe === 'object'"))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errors.New("axe-core did not load")
		}
	}
	start := time.Now()
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](axeRun, chromedp.EvalAwaitPromise))
	b.axeRuns, b.axeTime = b.axeRuns+1, b.axeTime+time.Since(start)
	if err == nil {
		b.judged[key] = true
	}
	return violations, err
}

// observe keeps what the tab's events tell: the documents the main frame commits, and every
// console error, uncaught exception and failed load. chromedp calls it on the goroutine that
// reads the browser's messages, before the reply to any command that follows the event.
func (b *browser) observe(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *page.EventFrameNavigated:
		if f := ev.Frame; f.ParentID == "" {
			b.docs = append(b.docs, document{loader: f.LoaderID, url: f.URL, mime: f.MimeType, unreachable: f.UnreachableURL})
			if f.UnreachableURL != "" {
				b.problems = append(b.problems, "could not load "+f.UnreachableURL)
			}
		}
	case *network.EventRequestWillBeSent:
		b.requests[ev.RequestID] = ev.Request.URL
		if ev.Type == network.ResourceTypeDocument {
			b.pages[ev.RequestID] = true
		}
	case *network.EventResponseReceived:
		if ev.Type == network.ResourceTypeDocument {
			b.statuses[ev.LoaderID] = ev.Response.Status
		}
		// A page that answers 4xx says what the server means: a form sent back with its
		// mistakes marked (422), a refused sign-in (401), a record this role may not see (404).
		// Chromium logs each as "Failed to load resource", but the page loaded, so only a 5xx
		// page fails; anything a page loads (a stylesheet, the icon, a picture) must be there.
		if s := ev.Response.Status; s >= 500 || s >= 400 && ev.Type != network.ResourceTypeDocument {
			b.tell(ev.RequestID, fmt.Sprintf("%s answered %d", ev.Response.URL, s))
		}
	case *network.EventLoadingFailed:
		// Canceled: the page left before its load ended (a click on a link while a picture loads).
		if !ev.Canceled {
			b.tell(ev.RequestID, fmt.Sprintf("loading %s failed: %s %s", b.requests[ev.RequestID], ev.ErrorText, ev.BlockedReason))
		}
	case *log.EventEntryAdded:
		// The status of a page is judged above, by its response.
		if e := ev.Entry; e.Level == log.EntryLevelError && !(e.Source == log.EntrySourceNetwork && b.pages[e.NetworkRequestID]) {
			b.tell(e.NetworkRequestID, fmt.Sprintf("console error (%s): %s %s", e.Source, e.Text, e.URL))
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				var s string
				if json.Unmarshal(a.Value, &s) != nil {
					s = a.Description
				}
				args = append(args, s)
			}
			b.problems = append(b.problems, "console."+string(ev.Type)+": "+strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		b.problems = append(b.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber, text))
	}
}

// tell keeps a problem, once per failed request; b.mu is held.
func (b *browser) tell(request network.RequestID, problem string) {
	if request != "" {
		if b.told[request] {
			return
		}
		b.told[request] = true
	}
	url := "no page"
	if len(b.docs) > 0 {
		url = strings.TrimPrefix(b.docs[len(b.docs)-1].url, b.base)
	}
	b.problems = append(b.problems, problem+" (on "+url+")")
}

// report fails the test on each console error, uncaught exception or failed load the tab
// reported since the last report.
func (b *browser) report(what string) {
	b.t.Helper()
	b.mu.Lock()
	problems := b.problems
	b.problems = nil
	b.mu.Unlock()
	for _, p := range problems {
		b.t.Errorf("%s: %s", what, p)
	}
}
