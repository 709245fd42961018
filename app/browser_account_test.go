package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserPasswordChangeAndTwoStepSignIn: an arbitrator is asked to set up two-step sign-in,
// changes the password, enrols an authenticator app, and signs in again with password and code.
func TestBrowserPasswordChangeAndTwoStepSignIn(t *testing.T) {
	ts := startServer(t, nil)
	b := newBrowser(t, ts)
	b.signInAs("arbitrator")
	b.do("opening the account page",
		chromedp.Navigate(b.base+"/account"),
		chromedp.WaitVisible(chromedp.ID("ask-second-factor")),
	)
	b.do("changing the password with a wrong current one",
		chromedp.SendKeys(chromedp.ID("current_password"), "not the password"),
		chromedp.SendKeys(chromedp.ID("new_password"), "a brand new password"),
		chromedp.Click(chromedp.ID("password-submit")),
		chromedp.WaitVisible(chromedp.ID("current_password-error")),
	)
	b.do("changing the password",
		chromedp.SendKeys(chromedp.ID("current_password"), "demo-password-2026"),
		chromedp.SendKeys(chromedp.ID("new_password"), "a brand new password"),
		chromedp.Click(chromedp.ID("password-submit")),
		chromedp.WaitVisible(chromedp.ID("password-changed")),
	)
	b.do("setting up two-step sign-in",
		chromedp.Click(chromedp.ID("totp-begin")),
		chromedp.WaitVisible(chromedp.ID("totp-secret")),
	)
	secret := strings.TrimSpace(get(b, "reading the key", chromedp.Text(chromedp.ID("totp-secret"))))
	b.do("confirming it with a code from the app",
		chromedp.SendKeys(chromedp.ID("otp"), code(t, secret, time.Now())),
		chromedp.Click(chromedp.ID("totp-confirm")),
		chromedp.WaitVisible(chromedp.ID("second-factor-on")),
	)
	b.do("signing out",
		chromedp.Click(chromedp.ID("signout")),
		chromedp.WaitVisible(chromedp.ID("signin-link")),
	)
	b.do("signing in without the code",
		chromedp.Navigate(b.base+"/signin"),
		chromedp.WaitVisible(chromedp.ID("signin-submit")),
		chromedp.SendKeys(chromedp.ID("email"), "arbitrator@demo.portal"),
		chromedp.SendKeys(chromedp.ID("password"), "a brand new password"),
		chromedp.Click(chromedp.ID("signin-submit")),
		chromedp.WaitVisible(chromedp.CSS(".form-error")),
	)
	b.do("signing in with the new password and the next code",
		chromedp.SetValue(chromedp.ID("email"), "arbitrator@demo.portal"),
		chromedp.SendKeys(chromedp.ID("password"), "a brand new password"),
		chromedp.SendKeys(chromedp.ID("otp"), code(t, secret, time.Now().Add(30*time.Second))),
		chromedp.Click(chromedp.ID("signin-submit")),
		chromedp.WaitVisible(chromedp.ID("who")),
	)
	b.do("opening the account page again",
		chromedp.Navigate(b.base+"/account"),
		chromedp.WaitVisible(chromedp.ID("second-factor-state")),
	)
	b.expectText("#second-factor-state", "已开启：每次登录都需要身份验证器中的验证码。")
}
