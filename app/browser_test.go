package app_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

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
	return &browser{t: t, ctx: ctx, base: ts.URL}
}

// do runs steps; on failure the test stops with what the browser shows.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v\n%s", what, err, b.where())
	}
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

// expectAccessible runs axe-core on the page the browser shows and fails the test on every
// WCAG 2.1 A or AA violation, naming the rule and the first elements that break it.
func (b *browser) expectAccessible(what string) {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatal(err)
	}
	// Evaluated through DevTools, which the pages' Content-Security-Policy (no scripts) does not bind.
	if !get(b, "loading axe-core on "+what, chromedp.Evaluate[bool](src+";typeof axe === 'object'")) {
		b.t.Fatalf("axe-core did not load on %s", what)
	}
	violations := get(b, "checking "+what+" with axe-core", chromedp.Evaluate[[]string](`axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"],
	}).then(r => r.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " — " +
		v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")))`, chromedp.EvalAwaitPromise))
	for _, v := range violations {
		b.t.Errorf("%s: WCAG violation %s", what, v)
	}
}
