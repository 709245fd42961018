package handlers

import (
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// ListingTrace answers the chain from a listing back to its origin (源头追溯), gaps in the
// caller's language.
func (h *Handlers) ListingTrace(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	tc, err := h.Store.TraceListing(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(h.localiseTrace(lang(c), tc))
}

// ProductTrace answers the chain from a product's latest declaration back to its origin.
func (h *Handlers) ProductTrace(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	tc, err := h.Store.TraceProduct(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(h.localiseTrace(lang(c), tc))
}

// ListingTracePage draws a listing's trace: the chain as a picture, then every stage's events
// and documents.
func (h *Handlers) ListingTracePage(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	tc, err := h.Store.TraceListing(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return h.renderTrace(c, tc, "/api/v1/listings/"+tc.Subject.ID+"/trace")
}

// ProductTracePage draws a product's trace.
func (h *Handlers) ProductTracePage(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	tc, err := h.Store.TraceProduct(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return h.renderTrace(c, tc, "/api/v1/products/"+tc.Subject.ID+"/trace")
}

// localiseTrace puts the gaps of a freshly built chain in the caller's language.
func (h *Handlers) localiseTrace(l string, tc *models.TraceChain) *models.TraceChain {
	for i := range tc.Gaps {
		tc.Gaps[i] = h.T(l, tc.Gaps[i], nil)
	}
	for i := range tc.Chain {
		if tc.Chain[i].Gap != "" {
			tc.Chain[i].Gap = h.T(l, tc.Chain[i].Gap, nil)
		}
	}
	return tc
}

// traceStageView is a stage as the page lists it: its label, its party's name and its events
// with the parties named.
type traceStageView struct {
	models.TraceStage
	Number    int
	Label     string
	PartyName string
	Rows      []traceEventRow
}

// traceEventRow is one event of a stage's table.
type traceEventRow struct {
	models.TraceEvent
	From, To, At, Docs string
}

func (h *Handlers) renderTrace(c *fiber.Ctx, tc *models.TraceChain, jsonURL string) error {
	l := lang(c)
	tc = h.localiseTrace(l, tc)
	name := func(id *string) string {
		if id == nil {
			return ""
		}
		if p, ok := tc.Parties[*id]; ok {
			return partyName(l, &p)
		}
		return *id
	}
	stages := make([]traceStageView, len(tc.Chain))
	for i, st := range tc.Chain {
		v := traceStageView{TraceStage: st, Number: i + 1, Label: h.T(l, "trace.stage."+st.Stage, nil), PartyName: partyName(l, st.Party)}
		for _, ev := range st.Events {
			docs := make([]string, len(ev.Documents))
			for k, d := range ev.Documents {
				docs[k] = d.Type + " " + d.Number
			}
			v.Rows = append(v.Rows, traceEventRow{TraceEvent: ev, From: name(ev.FromPartyID), To: name(ev.ToPartyID),
				At: name(ev.PartyID), Docs: strings.Join(docs, ", ")})
		}
		stages[i] = v
	}
	svg := traceSVG(tc, func(id string, data map[string]any) string { return h.T(l, id, data) }, l)
	return render(c, fiber.StatusOK, "trace", "trace.title", fiber.Map{"Trace": tc, "Stages": stages,
		"SVG": template.HTML(svg), "JSONURL": jsonURL, "Origin": partyName(l, tc.Origin)})
}

// partyName is a party's name in the reader's language: the English name for English readers
// when there is one.
func partyName(l string, p *models.Party) string {
	if p == nil {
		return ""
	}
	if l == "en" && p.NameEn != "" {
		return p.NameEn
	}
	return p.Name
}
