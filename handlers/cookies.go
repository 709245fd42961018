package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
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
// Its lifetime is a max-age, counted by the browser's own clock; a ttl of zero or less deletes it.
func (h *Handlers) cookie(name, value string, ttl time.Duration) *fiber.Cookie {
	ck := &fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: h.Settings.SecureCookies, MaxAge: int(ttl.Seconds())}
	if ttl <= 0 {
		ck.MaxAge, ck.Expires = 0, fasthttp.CookieExpireDelete
	}
	return ck
}

func (h *Handlers) setSessionCookie(c *fiber.Ctx, secret string) {
	c.Cookie(h.cookie(SessionCookie, secret, h.Settings.SessionTTL))
}

func (h *Handlers) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(h.cookie(SessionCookie, "", -time.Hour))
}
