package handlers

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// Evidence files on workflow records, the same for every kind; kind is fixed by the route line.

// UploadEvidence answers POST /{kind}/{id}/evidence (multipart, field "file") with what was
// stored: id, name, size, content_type and sha256 (hex).
func (h *Handlers) UploadEvidence(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := ctx(c)
		defer cancel()
		// Who may add comes first: a caller who may not see the record learns nothing from a 422.
		if err := h.Engine.CheckAttach(ctx, currentUser(c), kind, c.Params("id"), "evidence"); err != nil {
			return err
		}
		name, data, err := uploadedFile(c, "file", h.Engine.MaxEvidenceBytes())
		if err != nil {
			return err
		}
		ev, err := h.Engine.AddEvidence(ctx, currentUser(c), kind, c.Params("id"), name, data)
		if err != nil {
			return h.uploadRefused(c, err)
		}
		return c.Status(fiber.StatusCreated).JSON(ev)
	}
}

// ListEvidence answers GET /{kind}/{id}/evidence, oldest first.
func (h *Handlers) ListEvidence(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := page(c)
		if err != nil {
			return err
		}
		ctx, cancel := ctx(c)
		defer cancel()
		items, next, err := h.Engine.ListEvidence(ctx, currentUser(c), kind, c.Params("id"), p)
		if err != nil {
			return err
		}
		return c.JSON(listOf(items, next))
	}
}

// DownloadEvidence answers GET /evidence/{id} with the file's bytes, once the caller may open its
// record and the bytes still match their hash.
func (h *Handlers) DownloadEvidence(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	ev, data, err := h.Engine.Evidence(ctx, currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ev.ContentType)
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+encodeRFC5987(ev.Name))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(data)
}

// uploadedFile reads a multipart file field, at most limit+1 bytes (the engine refuses more
// than limit). No multipart body or no such field is a 422 on the field.
func uploadedFile(c *fiber.Ctx, field string, limit int64) (string, []byte, error) {
	missing := models.Invalid(models.FieldError{Field: field, Rule: "required"})
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return "", nil, missing
	}
	form, err := c.MultipartForm()
	if err != nil {
		return "", nil, &models.Error{Code: models.EBADREQUEST, Message: "bad_multipart"}
	}
	files := form.File[field]
	if len(files) == 0 {
		return "", nil, missing
	}
	f, err := files[0].Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return "", nil, err
	}
	return files[0].Filename, data, nil
}

// uploadRefused gives the two refusals HTTP has statuses of its own for those statuses (413,
// 415), with the reason in the caller's language; other errors pass through.
func (h *Handlers) uploadRefused(c *fiber.Ctx, err error) error {
	var status int
	switch models.ErrorCode(err) {
	case models.ETOOLARGE:
		status = fiber.StatusRequestEntityTooLarge
	case models.EUNSUPPORTED:
		status = fiber.StatusUnsupportedMediaType
	default:
		return err
	}
	var de *models.Error
	errors.As(err, &de)
	mib := float64(h.Engine.MaxEvidenceBytes()) / (1 << 20)
	return fiber.NewError(status, h.T(lang(c), "message."+de.Message, map[string]any{"MiB": mib}))
}

// encodeRFC5987 percent-encodes a UTF-8 file name for the filename* parameter (RFC 5987):
// attr-chars stay, every other byte becomes %XX.
func encodeRFC5987(s string) string {
	const attrChar = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte(attrChar, ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", ch)
	}
	return b.String()
}
