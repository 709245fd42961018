package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

type signinForm struct {
	Email    string `form:"email"`
	Password string `form:"password"`
	OTP      string `form:"otp"`
}

// SigninPage shows the sign-in form.
func (h *Handlers) SigninPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "signin", "signin.title", fiber.Map{"Form": signinForm{}, "Errors": map[string]string{}})
}

// Signin checks the form, starts a browser session and goes home; on failure it shows the form again.
func (h *Handlers) Signin(c *fiber.Ctx) error {
	var form signinForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	ctx, cancel := ctx(c)
	defer cancel()
	u, err := h.Store.Authenticate(ctx, form.Email, form.Password, form.OTP, ClientAddress(c))
	if err == nil {
		var secret string
		if secret, err = h.Store.StartSession(ctx, u.ID, h.Settings.SessionTTL); err == nil {
			h.setSessionCookie(c, secret)
			return c.Redirect("/", fiber.StatusSeeOther)
		}
	}
	fields, msg, err := h.formErrors(c, err)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusUnauthorized, "signin", "signin.title", fiber.Map{"Form": signinForm{Email: form.Email}, "Errors": fields, "FormError": msg})
}

type signupForm struct {
	Name     string `form:"name"`
	Email    string `form:"email"`
	Password string `form:"password"`
}

// SignupPage shows the registration form.
func (h *Handlers) SignupPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "signup", "signup.title", fiber.Map{"Form": signupForm{}, "Errors": map[string]string{}})
}

// Signup creates a consumer account, signs it in and goes home; on failure it shows the form again.
func (h *Handlers) Signup(c *fiber.Ctx) error {
	var form signupForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	ctx, cancel := ctx(c)
	defer cancel()
	u, err := h.Store.Register(ctx, models.Registration{Email: form.Email, Password: form.Password, Name: form.Name, Locale: lang(c), Address: ClientAddress(c)})
	if err == nil {
		var secret string
		if secret, err = h.Store.StartSession(ctx, u.ID, h.Settings.SessionTTL); err == nil {
			h.setSessionCookie(c, secret)
			return c.Redirect("/", fiber.StatusSeeOther)
		}
	}
	fields, msg, err := h.formErrors(c, err)
	if err != nil {
		return err
	}
	form.Password = ""
	return render(c, fiber.StatusUnprocessableEntity, "signup", "signup.title", fiber.Map{"Form": form, "Errors": fields, "FormError": msg})
}

// Signout ends the browser session.
func (h *Handlers) Signout(c *fiber.Ctx) error {
	if u := currentUser(c); u != nil {
		if secret, _ := c.Locals(SessionKey).(string); secret != "" {
			ctx, cancel := ctx(c)
			defer cancel()
			if err := h.Store.EndSession(ctx, u.ID, secret); err != nil {
				return err
			}
		}
	}
	h.clearSessionCookie(c)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// SetLanguage remembers the chosen language in a cookie for a year and goes back to the page.
func (h *Handlers) SetLanguage(c *fiber.Ctx) error {
	l := c.FormValue("lang")
	if l != "en" {
		l = models.Locales[0]
	}
	c.Cookie(h.cookie(LangCookie, l, 365*24*time.Hour))
	return c.Redirect(safeBack(c.FormValue("back")), fiber.StatusSeeOther)
}
