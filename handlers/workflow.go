package handlers

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The routes every workflow kind shares (API.md, "Workflows"): the record, what the caller may
// do, doing it, and the timeline. kind is fixed by the route line.

// recordView is a record with the links a client follows from it.
func recordView(kind, id string, record any) map[string]any {
	out := map[string]any{}
	b, _ := json.Marshal(record)
	_ = json.Unmarshal(b, &out)
	base := "/api/v1/" + kind + "/" + id
	links := map[string]string{"self": base, "actions": base + "/actions", "timeline": base + "/timeline"}
	for field, kind := range map[string]string{"case_id": "cases", "complaint_id": "complaints"} {
		if linked, ok := out[field].(string); ok && linked != "" {
			links[strings.TrimSuffix(field, "_id")] = "/api/v1/" + kind + "/" + linked
		}
	}
	out["links"] = links
	return out
}

// WorkflowRecord answers GET /{kind}/{id}.
func (h *Handlers) WorkflowRecord(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := ctx(c)
		defer cancel()
		rec, _, err := h.Engine.Open(ctx, currentUser(c), kind, c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(recordView(kind, rec.RecordID(), rec))
	}
}

// WorkflowActions answers GET /{kind}/{id}/actions.
func (h *Handlers) WorkflowActions(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := ctx(c)
		defer cancel()
		actions, err := h.Engine.Actions(ctx, currentUser(c), kind, c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"actions": actions})
	}
}

// WorkflowDo answers POST /{kind}/{id}/actions/{name} with the updated record.
func (h *Handlers) WorkflowDo(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := ctx(c)
		defer cancel()
		rec, err := h.Engine.Do(ctx, currentUser(c), kind, c.Params("id"), c.Params("name"), c.Body())
		if err != nil {
			return err
		}
		return c.JSON(recordView(kind, rec.RecordID(), rec))
	}
}

// WorkflowTimeline answers GET /{kind}/{id}/timeline, oldest first.
func (h *Handlers) WorkflowTimeline(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := page(c)
		if err != nil {
			return err
		}
		ctx, cancel := ctx(c)
		defer cancel()
		events, next, err := h.Engine.Timeline(ctx, currentUser(c), kind, c.Params("id"), p)
		if err != nil {
			return err
		}
		return c.JSON(listOf(events, next))
	}
}

// Notifications lists the caller's notices, newest first.
func (h *Handlers) Notifications(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.NotificationsFor(ctx, currentUser(c), h.Policy.Reads(currentUser(c)), p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}
