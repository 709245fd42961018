package workflows

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/hzcbec/portal/models"
)

// NoticeMailWorker e-mails a notice (docs/notices.md): to each user it reaches who may read its
// record under the live policy and takes notices by e-mail, and to the contact address of a
// party it is addressed to; one mail to an address, in Chinese and in English, with a link to
// the record. The step that wrote the notice wrote the job too (models/mail.go), so the mail
// goes after the commit and never holds the step up.
type NoticeMailWorker struct {
	river.WorkerDefaults[models.NoticeMailJob]
	engine *Engine
	mailer *Mailer // nil: PORTAL_SMTP_URL unset, and notices stay in the portal
	// t translates a catalog message (views/locales) into a language.
	t func(lang, id string, data map[string]any) string
	// publicURL is the portal's address as its users reach it (PORTAL_PUBLIC_URL), for links.
	publicURL string
}

// NewNoticeMailWorker makes the worker; a nil mailer sends nothing.
func NewNoticeMailWorker(engine *Engine, mailer *Mailer, t func(lang, id string, data map[string]any) string, publicURL string) *NoticeMailWorker {
	return &NoticeMailWorker{engine: engine, mailer: mailer, t: t, publicURL: strings.TrimSuffix(publicURL, "/")}
}

// AddTo registers the worker with River (NewJobs's more).
func (w *NoticeMailWorker) AddTo(workers *river.Workers) { river.AddWorker(workers, w) }

// NextRetry waits 5 s after the first failure, then twice as long each time up to an hour: a
// mail server back within seconds gets the mail within seconds, one away for the night still
// gets it in the morning (models.NoticeMailAttempts tries span about ten hours). River's
// schedule keeps the machine's clock, as deadline jobs do.
func (w *NoticeMailWorker) NextRetry(job *river.Job[models.NoticeMailJob]) time.Time {
	wait := time.Hour
	if job.Attempt <= 10 { // the tenth waits 5 s << 9, 43 min
		wait = 5 * time.Second << (job.Attempt - 1)
	}
	return time.Now().Add(wait)
}

// Timeout bounds one try: a few exchanges with the mail server, each within smtpTimeout. A try
// cut short stops between mails (what went is recorded) and the retry sends the rest; a try held
// by a portal that died is rescued within a minute (workflows.RescueAfter).
func (w *NoticeMailWorker) Timeout(*river.Job[models.NoticeMailJob]) time.Duration {
	return 30 * time.Second
}

// Work sends the notice's mails that have not gone yet: a try after a partial failure sends only
// to the addresses the mails did not reach.
func (w *NoticeMailWorker) Work(ctx context.Context, job *river.Job[models.NoticeMailJob]) error {
	if w.mailer == nil {
		return nil
	}
	store := w.engine.store
	n, err := store.Notice(ctx, job.Args.NotificationID)
	if err != nil {
		if models.ErrorCode(err) == models.ENOTFOUND {
			return river.JobCancel(err)
		}
		return err
	}
	mails, err := w.mails(ctx, n)
	if err != nil {
		return err
	}
	done, err := store.NoticeMailed(ctx, n.ID)
	if err != nil {
		return err
	}
	var pending []Mail
	for _, m := range mails {
		if !done[strings.ToLower(m.To)] {
			pending = append(pending, m)
		}
	}
	if len(pending) == 0 {
		return nil
	}
	return w.mailer.Send(ctx, store.Now(), pending, func(m Mail) error {
		// A mail that went is recorded even when the job's time ran out meanwhile: else the
		// retry would send it again.
		recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return store.RecordNoticeMailed(recordCtx, n.ID, m.To)
	})
}

// mails are the notice's mails, one an address: to the users it reaches who take notices by
// e-mail and may read the record now (the check that opens it for them), then to the party's
// contact address.
func (w *NoticeMailWorker) mails(ctx context.Context, n *models.Notice) ([]Mail, error) {
	store := w.engine.store
	readers, err := store.NoticeReaders(ctx, n)
	if err != nil {
		return nil, err
	}
	link := w.publicURL + "/" + n.Kind + "/" + url.PathEscape(n.RecordID)
	account := w.publicURL + "/account"
	seen := map[string]bool{}
	var out []Mail
	add := func(to, lang string, footer func(lang string) string) {
		if key := strings.ToLower(to); !seen[key] {
			seen[key] = true
			out = append(out, w.compose(n, to, lang, link, footer))
		}
	}
	for i := range readers {
		u := &readers[i]
		if _, _, err := w.engine.Open(ctx, u, n.Kind, n.RecordID); err != nil {
			if models.ErrorCode(err) == models.ENOTFOUND {
				continue // the policy does not let them read it (now): no notice, no mail
			}
			return nil, err
		}
		add(u.Email, u.Locale, func(lang string) string {
			return w.t(lang, "mail.footer.user", map[string]any{"Link": account})
		})
	}
	if n.RecipientType == "party" {
		contact, err := store.PartyContactOf(ctx, n.RecipientID)
		if err != nil {
			return nil, err
		}
		if contact.Email != nil {
			party, err := store.PartyByID(ctx, n.RecipientID)
			if err != nil {
				return nil, err
			}
			add(*contact.Email, models.Locales[0], func(lang string) string {
				name := party.Name
				if lang == "en" && party.NameEn != "" {
					name = party.NameEn
				}
				return w.t(lang, "mail.footer.contact", map[string]any{"Party": name})
			})
		}
	}
	return out, nil
}

// compose writes one mail in both languages, first the one its reader reads first: the subject
// names the record and what happened in each, the body adds the link to the record and why the
// mail came.
func (w *NoticeMailWorker) compose(n *models.Notice, to, first, link string, footer func(lang string) string) Mail {
	langs := []string{"zh-CN", "en"}
	if first == "en" {
		langs = []string{"en", "zh-CN"}
	}
	var subjects []string
	var body strings.Builder
	for i, lang := range langs {
		what := w.t(lang, "mail.subject", map[string]any{"Kind": w.t(lang, "mail.kind."+n.Kind, nil),
			"Number": n.Number, "Event": w.t(lang, "action."+n.Event, nil)})
		subjects = append(subjects, what)
		if i > 0 {
			body.WriteString("\n----------\n\n")
		}
		body.WriteString(w.t(lang, "mail.title", nil) + "\n\n" + what + "\n\n" +
			w.t(lang, "mail.open", map[string]any{"Link": link}) + "\n\n" + footer(lang) + "\n")
	}
	return Mail{To: to, Subject: strings.Join(subjects, " / "), Body: body.String()}
}
