package handlers

import (
	"context"
	"slices"
	"strings"

	"github.com/hzcbec/portal/models"
)

// What the inspectors' forms offer to choose from: registered products and their lots.

// productChoices lists the registered products a form offers, newest first. A chosen product
// older than the first page is added, so a prefilled choice is never dropped; an id that names
// no product is offered as typed, and the model says so next to the field.
func (h *Handlers) productChoices(ctx context.Context, chosen ...string) ([]models.Product, error) {
	products, _, err := h.Store.ListProducts(ctx, models.ProductFilter{}, models.Page{Limit: models.MaxPageLimit})
	if err != nil {
		return nil, err
	}
	for _, id := range chosen {
		if id == "" || slices.ContainsFunc(products, func(p models.Product) bool { return p.ID == id }) {
			continue
		}
		p, err := h.Store.ProductByID(ctx, id)
		switch {
		case models.ErrorCode(err) == models.ENOTFOUND:
			p = &models.Product{ID: id, Name: id}
		case err != nil:
			return nil, err
		}
		products = append(products, *p)
	}
	return products, nil
}

// batchChoice is a lot a form offers, named with its product.
type batchChoice struct {
	models.Batch
	Product string
}

// batchChoices lists the lots of the chosen products, product by product; a product that does not
// exist has none.
func (h *Handlers) batchChoices(ctx context.Context, productIDs []string) ([]batchChoice, error) {
	var out []batchChoice
	seen := map[string]bool{}
	for _, id := range productIDs {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		batches, _, err := h.Store.ListBatches(ctx, id, models.Page{Limit: models.MaxPageLimit})
		if err != nil && models.ErrorCode(err) != models.ENOTFOUND {
			return nil, err
		}
		if len(batches) == 0 {
			continue
		}
		names, err := h.Store.ProductNames(ctx, []string{id})
		if err != nil {
			return nil, err
		}
		for _, b := range batches {
			out = append(out, batchChoice{Batch: b, Product: names[id]})
		}
	}
	return out, nil
}

// idList splits a field of several identifiers (GTINs, batch ids) typed one per line or separated
// by spaces or commas, Chinese ones included; each is then the model's to check.
func idList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '　'
	})
}

// appendNew appends the values not in list yet, keeping the order they come in.
func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if v != "" && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}
