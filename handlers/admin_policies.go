package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// policyRule is a rule as the API writes it: {"ptype": "p", "rule": [...]}, or the "p" fields by
// name {"sub", "dom", "obj", "act", "state"}. Answers carry both.
type policyRule struct {
	PType string   `json:"ptype"`
	Rule  []string `json:"rule"`
	Sub   string   `json:"sub,omitempty"`
	Dom   string   `json:"dom,omitempty"`
	Obj   string   `json:"obj,omitempty"`
	Act   string   `json:"act,omitempty"`
	State string   `json:"state,omitempty"`
}

func (r policyRule) model() models.Rule {
	if r.PType == "" {
		r.PType = "p"
	}
	if len(r.Rule) == 0 && r.PType == "p" && r.Sub != "" {
		r.Rule = []string{r.Sub, r.Dom, r.Obj, r.Act, r.State}
	}
	return models.Rule{PType: r.PType, Values: r.Rule}
}

func ruleOf(m models.Rule) policyRule {
	r := policyRule{PType: m.PType, Rule: m.Values}
	if m.PType == "p" && len(m.Values) == 5 {
		r.Sub, r.Dom, r.Obj, r.Act, r.State = m.Values[0], m.Values[1], m.Values[2], m.Values[3], m.Values[4]
	}
	return r
}

// ListPolicies lists every rule of the access policy (admin).
func (h *Handlers) ListPolicies(c *fiber.Ctx) error {
	rules, err := h.Policy.Rules()
	if err != nil {
		return err
	}
	items := make([]policyRule, 0, len(rules))
	for _, r := range rules {
		items = append(items, ruleOf(r))
	}
	return c.JSON(fiber.Map{"items": items, "next_cursor": nil})
}

// AddPolicy adds a rule; this portal applies it once it is written (models.AfterCommit), the
// others on the change notice.
func (h *Handlers) AddPolicy(c *fiber.Ctx) error {
	var in policyRule
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	rule := in.model()
	if err := h.Store.AddRule(ctx, actor(c), rule); err != nil {
		return err
	}
	if err := models.AfterCommit(ctx, h.Policy.Reload); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ruleOf(rule))
}

// DeletePolicy removes a rule, given in the body (or as ?ptype=&rule=a,b,c).
func (h *Handlers) DeletePolicy(c *fiber.Ctx) error {
	var in policyRule
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	} else {
		in.PType = c.Query("ptype")
		for _, v := range c.Context().QueryArgs().PeekMulti("rule") {
			in.Rule = append(in.Rule, string(v))
		}
	}
	ctx, cancel := ctx(c)
	defer cancel()
	if err := h.Store.RemoveRule(ctx, actor(c), in.model()); err != nil {
		return err
	}
	if err := models.AfterCommit(ctx, h.Policy.Reload); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
