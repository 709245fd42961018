package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/hzcbec/portal/handlers"
	"github.com/hzcbec/portal/models"
)

// accessLog writes one JSON line per request, with its request id and caller.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	attrs := []any{"method", c.Method(), "path", c.Path(), "status", s.statusOf(c, err),
		"duration_ms", float64(time.Since(start).Microseconds()) / 1000, "request_id", c.Locals("requestid")}
	if u, ok := c.Locals(handlers.UserKey).(*models.User); ok {
		attrs = append(attrs, "user_id", u.ID)
	}
	slog.Info("request", attrs...)
	return err
}

// statusOf is the status a request ends with; when the chain returned an error the error handler
// has not run yet, so it is the status that handler will choose.
func (s *Server) statusOf(c *fiber.Ctx, err error) int {
	if err != nil {
		return s.problemOf("en", err).Status
	}
	return c.Response().StatusCode()
}

// authenticate finds the caller: a bearer token first, then the session cookie. A bad bearer
// token is refused at once; a stale cookie only makes the caller anonymous.
func (s *Server) authenticate(c *fiber.Ctx) error {
	c.Locals(handlers.PolicyKey, s.policy)
	if token := handlers.BearerToken(c); token != "" {
		u, err := s.store.UserByToken(c.UserContext(), token)
		if err != nil {
			return err
		}
		c.Locals(handlers.UserKey, u)
		return c.Next()
	}
	if c.Get(fiber.HeaderAuthorization) != "" {
		return models.Errorf(models.EUNAUTH, "bad_token")
	}
	if secret := c.Cookies(handlers.SessionCookie); secret != "" {
		u, err := s.store.UserBySession(c.UserContext(), secret)
		switch {
		case err == nil:
			c.Locals(handlers.UserKey, u)
			c.Locals(handlers.SessionKey, strings.Clone(secret))
		case models.ErrorCode(err) == models.EUNAUTH:
			c.ClearCookie(handlers.SessionCookie)
		default:
			return err
		}
	}
	return c.Next()
}

// csrf protects every request that a browser's cookie could authorise: forms on the pages and
// API calls made with the session cookie. The token lives in a cookie and must come back in the
// form field _csrf or the X-CSRF-Token header (double submit); SameSite=Lax cookies add a second wall.
func (s *Server) csrf(c *fiber.Ctx) error {
	api := strings.HasPrefix(c.Path(), "/api/")
	token := c.Cookies(handlers.CSRFCookie)
	if token == "" && !api { // pages hand out the token; API clients without a cookie need none
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		token = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: handlers.CSRFCookie, Value: token, Path: "/", HTTPOnly: true,
			SameSite: fiber.CookieSameSiteLaxMode, Secure: s.cfg.SecureCookies})
	} else {
		token = strings.Clone(token)
	}
	c.Locals(handlers.CSRFKey, token)
	safe := c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead || c.Method() == fiber.MethodOptions
	byCookie := c.Locals(handlers.SessionKey) != nil
	if safe || (api && !byCookie) {
		return c.Next()
	}
	sent := c.Get("X-CSRF-Token")
	if sent == "" {
		sent = c.FormValue("_csrf")
	}
	if sent == "" || token == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
		return &models.Error{Code: models.EFORBIDDEN, Message: "csrf"}
	}
	return c.Next()
}

// authLimiter caps sign-in and sign-up tries per client address (sliding window of a minute).
func (s *Server) authLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Max:               s.cfg.AuthRate,
		Expiration:        time.Minute,
		LimiterMiddleware: limiter.SlidingWindow{},
		KeyGenerator:      handlers.ClientAddress,
		LimitReached: func(c *fiber.Ctx) error {
			return &models.Error{Code: models.ETOOMANY, Message: "rate_limited", RetryAfter: 60}
		},
	})
}

// userLimiter allows each signed-in user max requests a minute on one route (its own counter).
func (s *Server) userLimiter(max int) fiber.Handler {
	return limiter.New(limiter.Config{
		Max:               max,
		Expiration:        time.Minute,
		LimiterMiddleware: limiter.SlidingWindow{},
		Next:              func(c *fiber.Ctx) bool { _, ok := c.Locals(handlers.UserKey).(*models.User); return !ok },
		KeyGenerator:      func(c *fiber.Ctx) string { return c.Locals(handlers.UserKey).(*models.User).ID },
		LimitReached: func(c *fiber.Ctx) error {
			return &models.Error{Code: models.ETOOMANY, Message: "writing_too_fast", RetryAfter: 60}
		},
	})
}

// clientAddress finds who is asking (handlers.ClientAddress): the connection's address, or,
// when that is a proxy named in PORTAL_TRUSTED_PROXIES, the address it names in
// X-Forwarded-For — the rightmost one that is not itself a trusted proxy, since a client may
// put anything to the left of what its proxy appends.
func (s *Server) clientAddress() fiber.Handler {
	var trusted []netip.Prefix
	for _, p := range s.cfg.TrustedProxies {
		if prefix, err := netip.ParsePrefix(p); err == nil {
			trusted = append(trusted, prefix)
		} else if addr, err := netip.ParseAddr(p); err == nil {
			trusted = append(trusted, netip.PrefixFrom(addr, addr.BitLen()))
		}
	}
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return func(c *fiber.Ctx) error {
		client, _ := netip.AddrFromSlice(c.Context().RemoteIP())
		client = client.Unmap()
		if isTrusted(client) {
			hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
			for i := len(hops) - 1; i >= 0; i-- {
				hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
				if err != nil {
					break
				}
				client = hop.Unmap()
				if !isTrusted(client) {
					break
				}
			}
		}
		c.Locals(handlers.ClientKey, client.String())
		return c.Next()
	}
}

// guard asks the access policy whether the caller may do the route's act on its obj; on an
// Engine route, only whether they are signed in (the engine asks the policy record by record).
// The public gets 401 where signing in could help; a signed-in caller who may not gets 403.
func (s *Server) guard(r Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, _ := c.Locals(handlers.UserKey).(*models.User)
		if (r.Engine && u != nil) || (!r.Engine && s.policy.MayAs(u, r.Obj, r.Act)) {
			return c.Next()
		}
		if u == nil {
			if wantsPage(c) && c.Method() == fiber.MethodGet {
				return c.Redirect("/signin", fiber.StatusSeeOther)
			}
			return models.Errorf(models.EUNAUTH, "signin_required")
		}
		return models.Errorf(models.EFORBIDDEN, "forbidden")
	}
}

// secondFactorGate holds back the writes of a signed-in user whose role the policy says must
// enrol a second factor (('p', role, dom, 'second_factor', 'required', '*'); none by default, so
// automation accounts keep working) until they have: reads, signing out and their own account's
// security stay open.
func (s *Server) secondFactorGate(route Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, _ := c.Locals(handlers.UserKey).(*models.User)
		if u == nil || u.HasSecondFactor() || route.Enrolment || c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
			return c.Next()
		}
		dom := "-"
		if u.Jurisdiction != nil {
			dom = *u.Jurisdiction
		}
		if s.policy.Allowed(u.Roles, dom, "second_factor", "required", "-") {
			return models.Errorf(models.EFORBIDDEN, "second_factor_required")
		}
		return c.Next()
	}
}

// contentSecurityPolicy lets pages load only the portal's own styles and images, run no script
// at all (the pages need none; no inline handler or style either), post forms only to the
// portal, and be framed by nobody.
const contentSecurityPolicy = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets Fiber's helmet headers with the portal's policy, and HSTS when the
// portal is served over HTTPS (PORTAL_SECURE_COOKIES).
func (s *Server) securityHeaders() fiber.Handler {
	headers := helmet.New(helmet.Config{ContentSecurityPolicy: contentSecurityPolicy, XFrameOptions: "DENY",
		ReferrerPolicy: "strict-origin-when-cross-origin", PermissionPolicy: "camera=(), microphone=(), geolocation=()"})
	return func(c *fiber.Ctx) error {
		if s.cfg.SecureCookies {
			c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000; includeSubDomains")
		}
		return headers(c)
	}
}

// idempotent replays the first answer when the same signed-in caller repeats a POST with the
// same Idempotency-Key and the same body, so a retried request creates nothing new. A key is
// bound to its caller, method, path and body: the same key for another request is 422. Callers
// who are not signed in (sign-in, sign-up) are never stored or replayed, nor is an answer that
// carries a secret (route.Secret): a stored answer must never hand one to another request.
func (s *Server) idempotent(route Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		key := c.Get("Idempotency-Key")
		u, signedIn := c.Locals(handlers.UserKey).(*models.User)
		if c.Method() != fiber.MethodPost || key == "" || !signedIn || route.Secret {
			return c.Next()
		}
		if len(key) > 200 {
			return models.Invalid(models.FieldError{Field: "Idempotency-Key", Rule: "max", Param: "200"})
		}
		return s.replayOrRun(c, "user:"+u.ID, strings.Clone(key))
	}
}

// requestDigest is a SHA-256 of what a request asks: its body, or for a multipart upload its
// fields and files (a client retrying an upload picks a new boundary, which is not a new request).
func requestDigest(c *fiber.Ctx) [32]byte {
	form, err := c.MultipartForm()
	if err != nil || form == nil {
		return sha256.Sum256(c.Body())
	}
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(form.Value)) {
		for _, v := range form.Value[k] {
			fmt.Fprintf(h, "%d:%s=%d:%s;", len(k), k, len(v), v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(form.File)) {
		for _, fh := range form.File[k] {
			fmt.Fprintf(h, "%d:%s=%d:%s:%d;", len(k), k, len(fh.Filename), fh.Filename, fh.Size)
			if f, err := fh.Open(); err == nil {
				_, _ = io.Copy(h, f)
				f.Close()
			}
		}
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// replayOrRun answers a request under a key: the stored answer when the same request came
// first, 422 when another request did; else it runs the request and keeps its answer. The
// request, its effects and its kept answer are one transaction (models.InRequestTransaction),
// so the key is settled exactly when the effect is: a retry after any crash finds the answer if
// the effect committed, or nothing (and runs) if it did not. While the first request runs, a
// retry is answered 409 idempotency_key_in_progress with a Retry-After (the lease is the first
// request's transaction, gone when it ends, however it ends).
func (s *Server) replayOrRun(c *fiber.Ctx, scope, key string) error {
	hash := requestDigest(c)
	outer := c.UserContext()
	defer c.SetUserContext(outer)
	var prior *models.IdempotentAnswer
	err := s.store.InRequestTransaction(outer, func(ctx context.Context) error {
		c.SetUserContext(ctx)
		var err error
		if prior, err = s.store.ClaimIdempotencyKey(ctx, scope, key, c.Method(), c.Path(), hash[:]); err != nil {
			return err
		}
		if prior != nil {
			return errNothingToKeep // answered from what is kept, below
		}
		err = c.Next()
		status := s.statusOf(c, err)
		if err != nil {
			// Errors are written by the error handler after this returns; run it now to keep its answer.
			if herr := s.errorHandler(c, err); herr != nil {
				return herr
			}
		}
		if status >= 500 {
			return errNothingToKeep // the request failed: undo what it wrote, and let the client try again
		}
		body, contentType := append([]byte(nil), c.Response().Body()...), string(c.Response().Header.ContentType())
		return s.store.SaveIdempotentAnswer(ctx, scope, key, status, body, contentType)
	})
	switch {
	case !errors.Is(err, errNothingToKeep):
		return err // nil, or the request's transaction failed (nothing was written): the error is the answer
	case prior == nil:
		return nil // the request failed, and its answer (an error) is written
	}
	if prior.Method != c.Method() || prior.Path != c.Path() || !bytes.Equal(prior.RequestHash, hash[:]) {
		return &models.Error{Code: models.EINVALID, Message: "idempotency_key_mismatch",
			Fields: []models.FieldError{{Field: "Idempotency-Key", Rule: "idempotency_mismatch"}}}
	}
	c.Set("Idempotent-Replayed", "true")
	c.Set(fiber.HeaderContentType, prior.ContentType)
	return c.Status(prior.Status).Send(prior.Body)
}

// errNothingToKeep ends a request's transaction without keeping anything: a replay, or a failure.
var errNothingToKeep = errors.New("nothing to keep")
