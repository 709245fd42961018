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

// navFor lists the links the live policy lets the caller follow: a workflow kind's list when
// their roles may file one or they hold a relation the policy lets read it by who they are
// (their party, office or role, not only what they filed); every other area when their roles
// may read it.
func navFor(p *models.Policy, u *models.User, path string) []navItem {
	reads := func(obj string) bool { return p != nil && p.MayAs(u, obj, "read") }
	works := func(obj string) bool {
		return p != nil && u != nil && (p.MayAs(u, obj, "create") || p.Readable(obj, u).Standing())
	}
	links := []struct {
		href, label string
		show        bool
	}{
		{"/", "nav.home", true},
		{"/complaints", "nav.complaints", works("complaint")},
		{"/claims", "nav.claims", works("claim")},
		{"/listings", "nav.listings", reads("listing")},
		{"/registry/products", "nav.registry", reads("product")},
		{"/inspect/matches", "nav.matches", reads("alert")},
		{"/investigations", "nav.investigations", works("investigation")},
		{"/measures", "nav.measures", works("measure")},
		{"/cases", "nav.cases", works("case")},
		{"/alerts", "nav.alerts", true},
		{"/rulings", "nav.rulings", true},
		{"/stats", "nav.stats", true},
		{"/negative-list", "nav.negative_list", true},
		{"/admin/audit", "nav.audit", reads("audit")},
		{"/account", "nav.account", u != nil},
	}
	var items []navItem
	for _, l := range links {
		if l.show {
			items = append(items, navItem{Href: l.href, Label: l.label, Active: l.href == path})
		}
	}
	return items
}

// PageData is what every page's layout needs, merged with the page's own values.
func PageData(c *fiber.Ctx, title string, extra fiber.Map) fiber.Map {
	u := currentUser(c)
	csrf, _ := c.Locals(CSRFKey).(string)
	policy, _ := c.Locals(PolicyKey).(*models.Policy)
	data := fiber.Map{
		"Lang": lang(c), "User": u, "Title": title, "CSRF": csrf,
		"Path": c.Path(), "Nav": navFor(policy, u, c.Path()),
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
