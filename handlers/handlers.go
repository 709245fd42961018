// Package handlers is the HTTP edge: each handler parses the request, validates it, calls models
// (or workflows, or search) and answers JSON or renders a view. No SQL and no state machines here.
package handlers

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/search"
	"github.com/hzcbec/portal/workflows"
)

// Keys of values the middleware leaves in the request (c.Locals) and the cookies the pages use.
const (
	UserKey       = "user"    // *models.User of the signed-in caller, absent for the public
	SessionKey    = "session" // the session cookie value when the caller came by cookie
	ClientKey     = "client"  // the caller's address (app's clientAddress: behind trusted proxies, the one they name)
	LangKey       = "lang"    // "zh-CN" or "en"
	CSRFKey       = "csrf"    // the CSRF token the forms of this page must carry
	PolicyKey     = "policy"  // the live *models.Policy, for the layout's navigation
	SessionCookie = "portal_session"
	CSRFCookie    = "portal_csrf"
	LangCookie    = "portal_lang"
)

// Settings are the parts of the configuration handlers need.
type Settings struct {
	TokenTTL      time.Duration
	SessionTTL    time.Duration
	SecureCookies bool
}

// Handlers holds what the handlers call.
type Handlers struct {
	Store    *models.Store
	Policy   *models.Policy
	Search   *search.Client
	Engine   *workflows.Engine
	Settings Settings
	// T translates catalog ids (views/locales).
	T Translate
	// OpenAPI describes every route, for GET /api/openapi.json.
	OpenAPI func() any
}

// currentUser is the signed-in caller, or nil.
func currentUser(c *fiber.Ctx) *models.User {
	u, _ := c.Locals(UserKey).(*models.User)
	return u
}

// actor is the caller as the audit trail names them.
func actor(c *fiber.Ctx) models.Actor {
	if u := currentUser(c); u != nil {
		return models.Actor{UserID: u.ID}
	}
	return models.Actor{}
}

// lang is the caller's language.
func lang(c *fiber.Ctx) string {
	l, _ := c.Locals(LangKey).(string)
	return l
}

// ctx is the request's context with a deadline, for the database.
func ctx(c *fiber.Ctx) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.UserContext(), 15*time.Second)
}

// decodeJSON reads a JSON body into v; anything else is a 400.
func decodeJSON(c *fiber.Ctx, v any) error {
	if err := json.Unmarshal(c.Body(), v); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "the body is not JSON of the expected shape: "+err.Error())
	}
	return nil
}

// page reads ?limit= and ?cursor=.
func page(c *fiber.Ctx) (models.Page, error) {
	limit := 0
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return models.Page{}, models.Invalid(models.FieldError{Field: "limit", Rule: "between", Param: "1-100"})
		}
		limit = n
	}
	return models.NewPage(limit, c.Query("cursor"))
}

// list is the shape of every list answer.
type list[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func listOf[T any](items []T, next *string) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, NextCursor: next}
}

// ClientAddress is the caller's address: the per-address limits and sign-in throttling count by
// it. Behind a proxy named in PORTAL_TRUSTED_PROXIES it is the client the proxy names.
func ClientAddress(c *fiber.Ctx) string {
	if a, ok := c.Locals(ClientKey).(string); ok {
		return a
	}
	return c.IP()
}
