package workflows

import (
	"testing"
)

// A notice's mail names its record's kind and what happened in both languages: every kind and
// every step that can write a notice (a filing, an action, a message, evidence) has its words in
// every catalog, so no mail shows "mail.kind.claims" or "action.ship_return" raw.
func TestEveryNoticeMailHasItsWordsInEveryLanguage(t *testing.T) {
	for lang, catalog := range catalogs(t) {
		for _, id := range []string{"mail.subject", "mail.title", "mail.open", "mail.footer.user", "mail.footer.contact"} {
			if catalog[id] == "" {
				t.Errorf("%s: no %s", lang, id)
			}
		}
		for _, wf := range allWorkflows {
			if catalog["mail.kind."+wf.Kind] == "" {
				t.Errorf("%s: no mail.kind.%s", lang, wf.Kind)
			}
			events := []string{wf.Filing.Name, "message", "evidence"}
			for _, a := range wf.Actions {
				events = append(events, a.Name)
			}
			for _, e := range events {
				if catalog["action."+e] == "" {
					t.Errorf("%s: %s notices of %q have no action.%s", lang, wf.Kind, e, e)
				}
			}
		}
	}
}
