package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// Register creates a consumer account.
func (h *Handlers) Register(c *fiber.Ctx) error {
	var in models.Registration
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	in.Address = ClientAddress(c)
	ctx, cancel := ctx(c)
	defer cancel()
	u, err := h.Store.Register(ctx, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": u})
}

type loginRequest struct {
	Email    string `json:"email" validate:"required"`
	Password string `json:"password" validate:"required"`
	OTP      string `json:"otp"` // the TOTP code, once the account has enrolled a second factor
}

// Login checks the credentials and issues a bearer token.
func (h *Handlers) Login(c *fiber.Ctx) error {
	var in loginRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := models.Validate(in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	u, err := h.Store.Authenticate(ctx, in.Email, in.Password, in.OTP, ClientAddress(c))
	if err != nil {
		return err
	}
	token, err := h.Store.IssueToken(ctx, u.ID, h.Settings.TokenTTL)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"token": token, "token_type": "Bearer",
		"expires_in": int(h.Settings.TokenTTL.Seconds()), "user": u})
}

// Logout revokes the bearer token the request came with (or ends the browser session).
func (h *Handlers) Logout(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	u := currentUser(c)
	if token := bearerToken(c); token != "" {
		if err := h.Store.RevokeToken(ctx, u.ID, token); err != nil {
			return err
		}
	} else if secret, _ := c.Locals(SessionKey).(string); secret != "" {
		if err := h.Store.EndSession(ctx, u.ID, secret); err != nil {
			return err
		}
		h.clearSessionCookie(c)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// Me describes the signed-in caller.
func (h *Handlers) Me(c *fiber.Ctx) error {
	return c.JSON(currentUser(c))
}
