package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// BearerToken is the token of an "Authorization: Bearer ..." header, or "".
func BearerToken(c *fiber.Ctx) string {
	scheme, token, ok := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

func bearerToken(c *fiber.Ctx) string { return BearerToken(c) }

// cookie is HttpOnly and SameSite=Lax: scripts cannot read it and other sites cannot post with it.
func (h *Handlers) cookie(name, value string, ttl time.Duration) *fiber.Cookie {
	return &fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: h.Settings.SecureCookies, Expires: time.Now().Add(ttl)}
}

func (h *Handlers) setSessionCookie(c *fiber.Ctx, secret string) {
	c.Cookie(h.cookie(SessionCookie, secret, h.Settings.SessionTTL))
}

func (h *Handlers) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(h.cookie(SessionCookie, "", -time.Hour))
}
