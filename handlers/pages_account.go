package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// AccountPage shows the signed-in user's account: password change, notices by e-mail, signing
// out everywhere and the second factor (admins and arbitrators are asked to set one up).
func (h *Handlers) AccountPage(c *fiber.Ctx) error {
	return h.renderAccount(c, fiber.StatusOK, fiber.Map{"Done": c.Query("done")})
}

func (h *Handlers) renderAccount(c *fiber.Ctx, status int, extra fiber.Map) error {
	u := currentUser(c)
	// The account as it stands: the signed-in user may be the one remembered a second ago,
	// before the setting just saved.
	ctx, cancel := ctx(c)
	defer cancel()
	fresh, err := h.Store.UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	data := fiber.Map{"Errors": map[string]string{}, "SecondFactor": u.HasSecondFactor(), "EmailNotices": fresh.EmailNotices,
		"AskSecondFactor": !u.HasSecondFactor() && (u.Roles.Has(models.RoleAdmin) || u.Roles.Has(models.RoleArbitrator))}
	for k, v := range extra {
		data[k] = v
	}
	return render(c, status, "account", "account.title", data)
}

// ChangePasswordForm changes the password from the account page; the other sessions end.
func (h *Handlers) ChangePasswordForm(c *fiber.Ctx) error {
	var form passwordChange
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	ctx, cancel := ctx(c)
	defer cancel()
	err := h.Store.ChangePassword(ctx, currentUser(c), form.CurrentPassword, form.NewPassword, credentialOf(c))
	if err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderAccount(c, fiber.StatusUnprocessableEntity, fiber.Map{"Errors": fields, "FormError": msg, "Form": "password"})
		})
	}
	return c.Redirect("/account?done=password#password", fiber.StatusSeeOther)
}

// SignOutEverywhereForm ends every session and token of the user, this one too.
func (h *Handlers) SignOutEverywhereForm(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	if err := h.Store.RevokeAll(ctx, currentUser(c).ID, models.Credential{}); err != nil {
		return err
	}
	h.clearSessionCookie(c)
	return c.Redirect("/signin", fiber.StatusSeeOther)
}

// BeginTOTPForm shows a new second-factor secret to add to an authenticator app, with the form
// that confirms it.
func (h *Handlers) BeginTOTPForm(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	e, err := h.Store.BeginTOTP(ctx, currentUser(c), c.FormValue("otp"))
	if err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderAccount(c, fiber.StatusUnprocessableEntity, fiber.Map{"Errors": fields, "FormError": msg})
		})
	}
	return h.renderAccount(c, fiber.StatusOK, fiber.Map{"Enrolment": e})
}

// ConfirmTOTPForm enrols the second factor with a code from the app.
func (h *Handlers) ConfirmTOTPForm(c *fiber.Ctx) error {
	var form totpConfirmation
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	ctx, cancel := ctx(c)
	defer cancel()
	u := currentUser(c)
	if err := h.Store.ConfirmTOTP(ctx, u.ID, form.OTP); err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			full, err := h.Store.UserByID(ctx, u.ID)
			if err != nil {
				return err
			}
			e := &models.TOTPEnrolment{Secret: full.TOTPPending}
			return h.renderAccount(c, fiber.StatusUnprocessableEntity, fiber.Map{"Errors": fields, "FormError": msg, "Enrolment": e})
		})
	}
	return c.Redirect("/account?done=second_factor#second-factor", fiber.StatusSeeOther)
}
