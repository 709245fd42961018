package handlers

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// The alert form (风险预警): what an inspector raises about products, GTINs and batches. It opens on
// its own or prefilled by a failing inspection; the products are rows ("add a product" shows one
// more, as the declaration form adds lines), the lots offered are the chosen products'.

// maxAlertProducts bounds "add a product".
const maxAlertProducts = 20

// alertForm is the alert form as typed: GTINs and other batches as typed, one or several per line.
type alertForm struct {
	InspectionID, ListingID, Title, Level, Description, GTINs, OtherBatches string
	Products                                                                []string // one per row, "" for a row left empty
	Batches                                                                 []string // the lots ticked
	Hazards, Measures                                                       []string
	Public                                                                  bool
}

func (h *Handlers) renderAlertForm(c *fiber.Ctx, status int, form alertForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	products, err := h.productChoices(ctx, form.Products...)
	if err != nil {
		return err
	}
	batches, err := h.batchChoices(ctx, form.Products)
	if err != nil {
		return err
	}
	// A lot ticked under a product no longer chosen moves to the typed ones rather than vanish.
	for _, id := range form.Batches {
		offered := slices.ContainsFunc(batches, func(b batchChoice) bool { return b.ID == id })
		if !offered && !slices.Contains(idList(form.OtherBatches), id) {
			form.OtherBatches = strings.TrimSpace(form.OtherBatches + " " + id)
		}
	}
	return render(c, status, "alert_new", "alert.new", fiber.Map{"Form": form, "Errors": errs, "FormError": msg,
		"Products": products, "Batches": batches, "Hazards": models.Hazards, "MeasureKinds": models.MeasureKinds})
}

// NewAlertPage shows the alert form: empty, or prefilled from the inspection it follows
// (?inspection_id=, ?product_id=, ?batch_id=, ?listing_id=).
func (h *Handlers) NewAlertPage(c *fiber.Ctx) error {
	form := alertForm{InspectionID: c.Query("inspection_id"), ListingID: c.Query("listing_id"), Level: "high",
		Products: []string{c.Query("product_id")}, Public: true}
	if b := c.Query("batch_id"); b != "" {
		form.Batches = []string{b}
	}
	if form.InspectionID != "" {
		form.Measures = []string{"delist"}
	}
	return h.renderAlertForm(c, fiber.StatusOK, form, map[string]string{}, "")
}

// RaiseAlert raises an alert from the form (the API's model call), then opens the listing it came
// from, the measure form there following the alert, or else the alert's own page. "Add a product"
// and "offer their batches" show the form again without raising anything.
func (h *Handlers) RaiseAlert(c *fiber.Ctx) error {
	args := c.Request().PostArgs()
	multi := func(name string) []string {
		var out []string
		for _, v := range args.PeekMulti(name) {
			out = append(out, string(v))
		}
		return out
	}
	form := alertForm{InspectionID: c.FormValue("inspection_id"), ListingID: c.FormValue("listing_id"), Title: c.FormValue("title"),
		Level: c.FormValue("level"), Description: c.FormValue("description"), GTINs: c.FormValue("gtins"),
		OtherBatches: c.FormValue("other_batch_ids"), Batches: multi("batch_ids"), Hazards: multi("hazards"),
		Measures: multi("measures"), Public: c.FormValue("public") == "on"}
	for i := 0; i < formRows(c, 1, maxAlertProducts); i++ {
		form.Products = append(form.Products, strings.TrimSpace(c.FormValue("product_ids."+strconv.Itoa(i))))
	}
	if c.FormValue("add_row") != "" || c.FormValue("offer_batches") != "" {
		return h.renderAlertForm(c, fiber.StatusOK, form, map[string]string{}, "")
	}
	in := models.NewAlert{Title: form.Title, Level: form.Level, Hazards: form.Hazards, Description: form.Description,
		Measures: form.Measures, Public: form.Public, InspectionID: optionalField(form.InspectionID),
		GTINs: idList(form.GTINs), BatchIDs: appendNew(nil, append(form.Batches, idList(form.OtherBatches)...)...)}
	var kept []int
	for i, p := range form.Products {
		if p != "" && !slices.Contains(in.ProductIDs, p) {
			kept = append(kept, i)
			in.ProductIDs = append(in.ProductIDs, p)
		}
	}
	ctx, cancel := ctx(c)
	defer cancel()
	a, err := h.Store.CreateAlert(ctx, actor(c), currentUser(c).Jurisdiction, in)
	if err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			fields = renumber(fields, "product_ids", kept)
			namedInList(fields, "gtins", in.GTINs)
			namedInList(fields, "batch_ids", in.BatchIDs)
			return h.renderAlertForm(c, fiber.StatusUnprocessableEntity, form, fields, msg)
		})
	}
	if form.ListingID != "" {
		return c.Redirect(backToListing(form.ListingID)+"?alert_id="+url.QueryEscape(a.ID)+"#measure-form", fiber.StatusSeeOther)
	}
	return c.Redirect("/alerts/"+url.PathEscape(a.ID), fiber.StatusSeeOther)
}

// listItem matches the error of one item of a typed list: "gtins[2]".
var listItem = regexp.MustCompile(`^([a-z_]+)\[(\d+)\]$`)

// namedInList moves the error of one item of a list typed in one field (gtins[2]) to the field,
// naming the item: several GTINs share one box, so the message says which one is wrong.
func namedInList(fields map[string]string, list string, values []string) {
	for k, msg := range fields {
		m := listItem.FindStringSubmatch(k)
		if m == nil || m[1] != list {
			continue
		}
		if i, err := strconv.Atoi(m[2]); err == nil && i < len(values) {
			msg = values[i] + ": " + msg
		}
		delete(fields, k)
		fields[list] = msg
	}
}
