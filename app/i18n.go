package app

import (
	"encoding/json"
	"io/fs"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/hzcbec/portal/handlers"
	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/views"
)

// Translator holds the message catalogs (views/locales) in both languages.
type Translator struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
}

// NewTranslator loads every catalog in views/locales.
func NewTranslator() (*Translator, error) {
	b := i18n.NewBundle(language.SimplifiedChinese)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	entries, err := fs.ReadDir(views.Locales, "locales")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if _, err := b.LoadMessageFileFS(views.Locales, "locales/"+e.Name()); err != nil {
			return nil, err
		}
	}
	t := &Translator{bundle: b, localizers: map[string]*i18n.Localizer{}}
	for _, l := range models.Locales {
		t.localizers[l] = i18n.NewLocalizer(b, l)
	}
	return t, nil
}

// T translates a message id; data fills its {{.Placeholders}}. An unknown id comes back as itself.
func (t *Translator) T(lang, id string, data map[string]any) string {
	l, ok := t.localizers[lang]
	if !ok {
		l = t.localizers[models.Locales[0]]
	}
	msg, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return msg
}

// Lang is the template function {{t .Lang "id"}}.
func (t *Translator) templateFunc(lang, id string) string { return t.T(lang, id, nil) }

// value is the template function {{value .Lang v}} for a value shown on a page: its catalog
// text when v is a catalog id, the option's words when v is one of an enum's values
// ("refund" is "option.refund"), else v itself (free text, a number).
func (t *Translator) value(lang, v string) string {
	if s := t.T(lang, v, nil); s != v {
		return s
	}
	if s := t.T(lang, "option."+v, nil); s != "option."+v {
		return s
	}
	return v
}

// language picks the reply language: the language cookie (the switch on every page) first,
// then Accept-Language, then Simplified Chinese.
func (s *Server) language(c *fiber.Ctx) error {
	lang := matchLocale(c.Cookies(handlers.LangCookie))
	if lang == "" {
		lang = matchLocale(c.Get(fiber.HeaderAcceptLanguage))
	}
	if lang == "" {
		lang = models.Locales[0]
	}
	c.Locals(handlers.LangKey, lang)
	return c.Next()
}

// matchLocale maps "en-US,en;q=0.9" or "zh" to a locale the portal speaks, or "".
func matchLocale(header string) string {
	if header == "" {
		return ""
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil {
		return ""
	}
	for _, tag := range tags {
		base, _ := tag.Base()
		switch strings.ToLower(base.String()) {
		case "en":
			return "en"
		case "zh":
			return "zh-CN"
		}
	}
	return ""
}
