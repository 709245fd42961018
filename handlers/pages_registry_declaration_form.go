package handlers

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/clock"
)

// The declaration form: the head of a 清单 and its lines, a few rows at a time. Empty rows are
// left out; "add a line" shows one more row without saving, so no script is needed.

// declarationRows is how many line rows the form starts with; maxDeclarationRows bounds "add a line".
const (
	declarationRows    = 3
	maxDeclarationRows = 50
)

// declarationForm is the declaration form as typed; DeclaredAt is a datetime-local value.
type declarationForm struct {
	Number, OrderNo, PaymentNo, LogisticsNo, TradeMode, ImporterID, EbcID, EbpID, CustomsCode, PortCode, DeclaredAt string
	Lines                                                                                                           []declarationLineForm
}

// declarationLineForm is one row of goods as typed.
type declarationLineForm struct {
	ProductID, HSCode, Name, Model, Barcode, OriginCountry, Quantity, Unit, Price, Currency string
}

// empty tells a row left blank: the currency alone is prefilled.
func (l declarationLineForm) empty() bool {
	return strings.TrimSpace(l.ProductID+l.HSCode+l.Name+l.Model+l.Barcode+l.OriginCountry+l.Quantity+l.Unit+l.Price) == ""
}

func (h *Handlers) renderDeclarationForm(c *fiber.Ctx, status int, form declarationForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	importers, err := h.Store.PartiesOfKind(ctx, "importer")
	if err != nil {
		return err
	}
	merchants, err := h.Store.PartiesOfKind(ctx, "merchant", "ebc")
	if err != nil {
		return err
	}
	platforms, err := h.Store.PartiesOfKind(ctx, "platform")
	if err != nil {
		return err
	}
	products, _, err := h.Store.ListProducts(ctx, models.ProductFilter{}, models.Page{Limit: models.MaxPageLimit})
	if err != nil {
		return err
	}
	return render(c, status, "registry_declaration_new", "registry.declaration.new", fiber.Map{"Form": form, "Errors": errs,
		"FormError": msg, "Importers": importers, "Merchants": merchants, "Platforms": platforms, "Products": products,
		"TradeModes": models.TradeModes})
}

// NewDeclarationPage shows the declaration form with empty line rows.
func (h *Handlers) NewDeclarationPage(c *fiber.Ctx) error {
	form := declarationForm{TradeMode: "1210", DeclaredAt: h.nowForInput()}
	for i := 0; i < declarationRows; i++ {
		form.Lines = append(form.Lines, declarationLineForm{Currency: "CNY"})
	}
	return h.renderDeclarationForm(c, fiber.StatusOK, form, map[string]string{}, "")
}

// RegisterDeclaration registers a declaration with the rows filled in, all or nothing, and opens
// it; "add a line" shows the form again with one more row.
func (h *Handlers) RegisterDeclaration(c *fiber.Ctx) error {
	v := func(f string) string { return c.FormValue(f) }
	form := declarationForm{Number: v("number"), OrderNo: v("order_no"), PaymentNo: v("payment_no"), LogisticsNo: v("logistics_no"),
		TradeMode: v("trade_mode"), ImporterID: v("importer_id"), EbcID: v("ebc_id"), EbpID: v("ebp_id"),
		CustomsCode: v("customs_code"), PortCode: v("port_code"), DeclaredAt: v("declared_at")}
	for i := 0; i < formRows(c, declarationRows, maxDeclarationRows); i++ {
		p := func(f string) string { return v("lines." + f + "." + strconv.Itoa(i)) }
		form.Lines = append(form.Lines, declarationLineForm{ProductID: p("product_id"), HSCode: p("hs_code"), Name: p("name"),
			Model: p("model"), Barcode: p("barcode"), OriginCountry: p("origin_country"), Quantity: p("quantity"), Unit: p("unit"),
			Price: p("price"), Currency: p("currency")})
	}
	if c.FormValue("add_row") != "" {
		form.Lines[len(form.Lines)-1].Currency = "CNY"
		return h.renderDeclarationForm(c, fiber.StatusOK, form, map[string]string{}, "")
	}
	in := models.NewDeclaration{Number: form.Number, OrderNo: form.OrderNo, PaymentNo: form.PaymentNo, LogisticsNo: form.LogisticsNo,
		TradeMode: form.TradeMode, ImporterID: form.ImporterID, EbcID: optionalField(form.EbcID), EbpID: optionalField(form.EbpID),
		CustomsCode: form.CustomsCode, PortCode: form.PortCode}
	var kept []int
	for i, l := range form.Lines {
		if l.empty() {
			continue
		}
		kept = append(kept, i)
		in.Lines = append(in.Lines, models.NewDeclarationLine{ProductID: optionalField(l.ProductID), HSCode: l.HSCode, Name: l.Name,
			Model: l.Model, Barcode: l.Barcode, OriginCountry: l.OriginCountry, Quantity: models.Quantity(strings.TrimSpace(l.Quantity)),
			Unit: l.Unit, Price: l.Price, Currency: l.Currency})
	}
	refused := func(err error) error {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderDeclarationForm(c, fiber.StatusUnprocessableEntity, form, renumber(fields, "lines", kept), msg)
		})
	}
	in.DeclaredAt = clock.When(form.DeclaredAt) // read by the model, a Hangzhou time (clock.When)
	ctx, cancel := ctx(c)
	defer cancel()
	d, err := h.Store.CreateDeclaration(ctx, actor(c), in)
	if err != nil {
		return refused(err)
	}
	return c.Redirect("/registry/declarations/"+url.PathEscape(d.ID), fiber.StatusSeeOther)
}
