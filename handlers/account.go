package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// credentialOf is the token or session the request came with.
func credentialOf(c *fiber.Ctx) models.Credential {
	session, _ := c.Locals(SessionKey).(string)
	return models.Credential{Token: bearerToken(c), Session: session}
}

type passwordChange struct {
	CurrentPassword string `json:"current_password" form:"current_password"`
	NewPassword     string `json:"new_password" form:"new_password"`
}

// ChangePassword sets a new password after checking the current one; every other session and
// token of the user ends.
func (h *Handlers) ChangePassword(c *fiber.Ctx) error {
	var in passwordChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	if err := h.Store.ChangePassword(ctx, currentUser(c), in.CurrentPassword, in.NewPassword, credentialOf(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// SignOutEverywhere ends every session and token of the user, this one too.
func (h *Handlers) SignOutEverywhere(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	if err := h.Store.RevokeAll(ctx, currentUser(c).ID, models.Credential{}); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// BeginTOTP makes a new second-factor secret for the user's authenticator app; it takes effect
// once confirmed with a code from the app (ConfirmTOTP). Replacing an enrolled one takes a
// current code of it ({"otp"}).
func (h *Handlers) BeginTOTP(c *fiber.Ctx) error {
	var in totpConfirmation
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	ctx, cancel := ctx(c)
	defer cancel()
	e, err := h.Store.BeginTOTP(ctx, currentUser(c), in.OTP)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}

type totpConfirmation struct {
	OTP string `json:"otp" form:"otp"`
}

// ConfirmTOTP enrols the second factor with a current code from the app; from then on every
// sign-in needs a code.
func (h *Handlers) ConfirmTOTP(c *fiber.Ctx) error {
	var in totpConfirmation
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	if err := h.Store.ConfirmTOTP(ctx, currentUser(c).ID, in.OTP); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
