package app

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/handlers"
	"github.com/hzcbec/portal/models"
)

// statusOf maps a domain error code to its HTTP status (API.md, "Conventions").
var statusOf = map[string]int{
	models.EBADREQUEST: fiber.StatusBadRequest,
	models.EINVALID:    fiber.StatusUnprocessableEntity,
	models.ENOTFOUND:   fiber.StatusNotFound,
	models.ECONFLICT:   fiber.StatusConflict,
	models.EFORBIDDEN:  fiber.StatusForbidden,
	models.EUNAUTH:     fiber.StatusUnauthorized,
	models.ETOOMANY:    fiber.StatusTooManyRequests,
	models.EINTERNAL:   fiber.StatusInternalServerError,
}

// problem is an RFC 9457 problem document.
type problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []problemField `json:"errors,omitempty"`
}

type problemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// errorHandler is the one place errors become HTTP answers: problem+json for the API, a page for browsers.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	lang, _ := c.Locals(handlers.LangKey).(string)
	p := s.problemOf(lang, err)
	p.Instance = c.Path()
	p.RequestID, _ = c.Locals("requestid").(string)
	if p.Status >= 500 {
		slog.Error("request failed", "err", err, "method", c.Method(), "path", c.Path(), "request_id", p.RequestID)
	}
	var de *models.Error
	if errors.As(err, &de) && de.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(de.RetryAfter))
	}
	if wantsPage(c) {
		return c.Status(p.Status).Render("pages/error", handlers.PageData(c, "error.title", fiber.Map{"Problem": p}), "layouts/main")
	}
	c.Status(p.Status)
	c.Set(fiber.HeaderContentType, "application/problem+json; charset=utf-8")
	return c.JSON(p, "application/problem+json; charset=utf-8")
}

func (s *Server) problemOf(lang string, err error) problem {
	var de *models.Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &de):
		status := statusOf[de.Code]
		if status == 0 {
			status = fiber.StatusInternalServerError
		}
		p := problem{Type: "urn:portal:problem:" + de.Code, Status: status,
			Title: s.tr.T(lang, "error."+de.Code, nil), Detail: s.tr.T(lang, "message."+de.Message, nil)}
		for _, f := range de.Fields {
			p.Errors = append(p.Errors, problemField{Field: f.Field,
				Message: s.tr.T(lang, "field."+f.Rule, map[string]any{"Param": f.Param})})
		}
		return p
	case errors.As(err, &fe):
		code := codeOfStatus(fe.Code)
		p := problem{Type: "urn:portal:problem:" + code, Status: fe.Code, Title: s.tr.T(lang, "error."+code, nil)}
		if fe.Message != "" && fe.Message != fiber.ErrNotFound.Message {
			p.Detail = fe.Message
		}
		return p
	default:
		return problem{Type: "urn:portal:problem:" + models.EINTERNAL, Status: fiber.StatusInternalServerError,
			Title: s.tr.T(lang, "error."+models.EINTERNAL, nil)}
	}
}

// codeOfStatus names Fiber's own errors (unknown route, bad body, ...) with our codes.
func codeOfStatus(status int) string {
	switch status {
	case fiber.StatusBadRequest:
		return "bad_request"
	case fiber.StatusNotFound:
		return models.ENOTFOUND
	case fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case fiber.StatusRequestEntityTooLarge:
		return "too_large"
	case fiber.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	case fiber.StatusUnauthorized:
		return models.EUNAUTH
	case fiber.StatusForbidden:
		return models.EFORBIDDEN
	case fiber.StatusTooManyRequests:
		return models.ETOOMANY
	case fiber.StatusConflict:
		return models.ECONFLICT
	case fiber.StatusUnprocessableEntity:
		return models.EINVALID
	}
	if status >= 500 {
		return models.EINTERNAL
	}
	return "bad_request"
}

// wantsPage tells a browser page request from an API call.
func wantsPage(c *fiber.Ctx) bool {
	p := c.Path()
	return !strings.HasPrefix(p, "/api/") && p != "/healthz" && p != "/readyz" && p != "/metrics"
}
