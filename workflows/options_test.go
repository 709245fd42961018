package workflows

import (
	"encoding/json"
	"testing"

	"github.com/hzcbec/portal/views"
)

// optionPrefix is the catalog's prefix of each field's choices: "option" unless the forms that
// offer them name them otherwise.
var optionPrefix = map[string]string{"category": "category", "kind": "measure", "subject_type": "subject"}

// Every value a form offers or a page shows of an action's fixed choices (a remedy, a reason
// for refusal, an outcome) has its words in every catalog: no page shows "refund" raw.
func TestEveryOptionHasItsWordsInEveryLanguage(t *testing.T) {
	for lang, catalog := range catalogs(t) {
		for _, wf := range allWorkflows {
			payloads := map[string]func() any{wf.Filing.Name: wf.Filing.Payload}
			for _, a := range wf.Actions {
				payloads[a.Name] = a.Payload
			}
			for name, payload := range payloads {
				if payload == nil {
					continue
				}
				for _, f := range fieldsOf(payload()) {
					for _, o := range f.Options {
						prefix := optionPrefix[f.Name]
						if prefix == "" {
							prefix = "option"
						}
						id := prefix + "." + o
						if catalog[id] == "" {
							t.Errorf("%s: %s %s.%s offers %q with no %s", lang, wf.Kind, name, f.Name, o, id)
						}
					}
				}
			}
		}
	}
}

// catalogs are the message catalogs by language, as the views embed them.
func catalogs(t *testing.T) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, lang := range []string{"zh-CN", "en"} {
		raw, err := views.Locales.ReadFile("locales/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var catalog map[string]string
		if err := json.Unmarshal(raw, &catalog); err != nil {
			t.Fatal(err)
		}
		out[lang] = catalog
	}
	return out
}
