package handlers

import (
	"errors"
	"net/url"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// Translate turns a catalog id into the caller's language; app/ provides it.
type Translate func(lang, id string, data map[string]any) string

// navItem is one link of the navigation bar.
type navItem struct {
	Href, Label string
	Active      bool
}

// navFor lists the links a caller's roles lead to. Each area adds its links here as it lands.
func navFor(u *models.User, path string) []navItem {
	items := []navItem{{Href: "/", Label: "nav.home"}}
	if u != nil {
		if u.Roles.Has(models.RoleConsumer) || u.Roles.Has(models.RoleMerchant) || u.Roles.Has(models.RolePlatform) ||
			u.Roles.Has(models.RoleInspector) || u.Roles.Has(models.RoleAdmin) {
			items = append(items, navItem{Href: "/complaints", Label: "nav.complaints"})
		}
		if u.Roles.Has(models.RoleConsumer) || u.Roles.Has(models.RoleMerchant) || u.Roles.Has(models.RoleAdmin) {
			items = append(items, navItem{Href: "/claims", Label: "nav.claims"})
		}
		if u.Roles.Has(models.RoleInspector) || u.Roles.Has(models.RoleAdmin) {
			items = append(items, navItem{Href: "/listings", Label: "nav.listings"},
				navItem{Href: "/registry/products", Label: "nav.registry"},
				navItem{Href: "/inspect/matches", Label: "nav.matches"},
				navItem{Href: "/investigations", Label: "nav.investigations"})
		}
		if u.Roles.Has(models.RoleInspector) || u.Roles.Has(models.RoleMerchant) || u.Roles.Has(models.RolePlatform) ||
			u.Roles.Has(models.RoleAdmin) {
			items = append(items, navItem{Href: "/measures", Label: "nav.measures"})
		}
		if u.Roles.Has(models.RoleConsumer) || u.Roles.Has(models.RoleMerchant) || u.Roles.Has(models.RoleArbitrator) ||
			u.Roles.Has(models.RoleAdmin) {
			items = append(items, navItem{Href: "/cases", Label: "nav.cases"})
		}
	}
	items = append(items, navItem{Href: "/alerts", Label: "nav.alerts"})
	items = append(items, navItem{Href: "/rulings", Label: "nav.rulings"})
	items = append(items, navItem{Href: "/stats", Label: "nav.stats"}, navItem{Href: "/negative-list", Label: "nav.negative_list"})
	if u != nil {
		if u.Roles.Has(models.RoleAdmin) {
			items = append(items, navItem{Href: "/admin/audit", Label: "nav.audit"})
		}
		items = append(items, navItem{Href: "/account", Label: "nav.account"})
	}
	for i := range items {
		items[i].Active = items[i].Href == path
	}
	return items
}

// PageData is what every page's layout needs, merged with the page's own values.
func PageData(c *fiber.Ctx, title string, extra fiber.Map) fiber.Map {
	u := currentUser(c)
	csrf, _ := c.Locals(CSRFKey).(string)
	data := fiber.Map{
		"Lang": lang(c), "User": u, "Title": title, "CSRF": csrf,
		"Path": c.Path(), "Nav": navFor(u, c.Path()),
	}
	for k, v := range extra {
		data[k] = v
	}
	return data
}

// render draws a page inside the main layout.
func render(c *fiber.Ctx, status int, page, title string, extra fiber.Map) error {
	return c.Status(status).Render("pages/"+page, PageData(c, title, extra), "layouts/main")
}

// formErrors splits a domain error into per-field messages and a message for the whole form.
// Errors that are not the user's (the database is down) go to the error handler instead.
func (h *Handlers) formErrors(c *fiber.Ctx, err error) (map[string]string, string, error) {
	var de *models.Error
	if !errors.As(err, &de) || de.Code == models.EINTERNAL {
		return nil, "", err
	}
	l := lang(c)
	fields := map[string]string{}
	for _, f := range de.Fields {
		fields[f.Field] = h.T(l, "field."+f.Rule, map[string]any{"Param": f.Param})
	}
	return fields, h.T(l, "message."+de.Message, nil), nil
}

// safeBack keeps a redirect on this site: a path of its own ("/complaints/1?tab=2"), never
// "//host", "/\host" (browsers read a backslash as a slash), a scheme or a control character.
func safeBack(back string) string {
	u, err := url.Parse(back)
	if err != nil || !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\") ||
		u.Scheme != "" || u.Host != "" || strings.IndexFunc(back, unicode.IsControl) >= 0 {
		return "/"
	}
	return back
}
