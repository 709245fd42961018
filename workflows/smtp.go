package workflows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// smtpTimeout bounds connecting to the mail server and each exchange with it: a server that
// does not answer fails the job, which River tries again later, instead of holding a worker.
const smtpTimeout = 10 * time.Second

// Mailer sends mail through one SMTP server (PORTAL_SMTP_URL, from PORTAL_MAIL_FROM), with
// STARTTLS whenever the server offers it and, when the URL names a user, authentication (never
// in the clear: without TLS only the challenge-response mechanisms are tried).
type Mailer struct {
	host, user, password string
	port                 int
	from                 string
}

// NewMailer reads smtp://user:pass@host:port (the port is 25 unless named; user and password
// are optional) and the sender's address.
func NewMailer(smtpURL, from string) (*Mailer, error) {
	u, err := url.Parse(smtpURL)
	// The URL may hold a password: the error never repeats it.
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, errors.New("PORTAL_SMTP_URL is not smtp://user:pass@host:port")
	}
	m := &Mailer{host: u.Hostname(), port: 25, user: u.User.Username()}
	m.password, _ = u.User.Password()
	if p := u.Port(); p != "" {
		if m.port, err = strconv.Atoi(p); err != nil || m.port < 1 || m.port > 65535 {
			return nil, errors.New("PORTAL_SMTP_URL: the port is not a number from 1 to 65535")
		}
	}
	if from == "" {
		return nil, errors.New("PORTAL_MAIL_FROM is needed with PORTAL_SMTP_URL: the address notices are sent from")
	}
	if _, err := netmail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("PORTAL_MAIL_FROM=%q is not an e-mail address", from)
	}
	m.from = from
	return m, nil
}

// Server names the mail server, for the log (never the password).
func (m *Mailer) Server() string { return m.host + ":" + strconv.Itoa(m.port) }

// Mail is one message: to one address, a subject and a plain-text body.
type Mail struct {
	To, Subject, Body string
}

// Send sends the mails in turn over one connection, dated at, and calls sent after each one the
// server took. A server that cannot be reached, or that answers a mail with anything but a
// permanent refusal, ends Send with an error (the job is tried again later; sent has noted those
// that went). A mail refused for good (a 5xx reply: no such mailbox) is logged and skipped:
// sending it again would not help, and must not hold back the others.
func (m *Mailer) Send(ctx context.Context, at time.Time, mails []Mail, sent func(Mail) error) error {
	opts := []gomail.Option{gomail.WithPort(m.port), gomail.WithTimeout(smtpTimeout),
		gomail.WithTLSPolicy(gomail.TLSOpportunistic)}
	if m.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(m.user), gomail.WithPassword(m.password))
	}
	client, err := gomail.NewClient(m.host, opts...)
	if err != nil {
		return err
	}
	conn, err := client.DialToSMTPClientWithContext(ctx) // within smtpTimeout (WithTimeout)
	if err != nil {
		return fmt.Errorf("mail server %s: %w", m.Server(), err)
	}
	// Once the mails went, a failed QUIT loses nothing.
	defer func() { _ = client.CloseWithSMTPClient(conn) }()
	for _, mail := range mails {
		if err := ctx.Err(); err != nil {
			return err // the job's time is up: what went is recorded, the rest goes on the retry
		}
		msg, err := m.message(mail, at)
		if err != nil {
			slog.Warn("notice mail not sent: bad address", "to", mail.To, "err", err)
			continue
		}
		if err := client.SendWithSMTPClient(conn, msg); err != nil {
			var refusal *gomail.SendError
			if errors.As(err, &refusal) && refusal.ErrorCode() >= 500 && refusal.ErrorCode() < 600 {
				slog.Warn("notice mail refused by the mail server", "to", mail.To, "err", err)
				continue
			}
			return fmt.Errorf("mail server %s, mail to %s: %w", m.Server(), mail.To, err)
		}
		if err := sent(mail); err != nil {
			return err
		}
	}
	return nil
}

// message is a mail as go-mail sends it: UTF-8 plain text, marked as sent by a machine (RFC
// 3834) so that out-of-office replies do not answer it.
func (m *Mailer) message(mail Mail, at time.Time) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(m.from); err != nil {
		return nil, err
	}
	if err := msg.To(mail.To); err != nil {
		return nil, err
	}
	msg.Subject(mail.Subject)
	msg.SetDateWithValue(at)
	msg.SetMessageID()
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetGenHeader(gomail.HeaderContentLang, "zh-CN, en")
	msg.SetBodyString(gomail.TypeTextPlain, mail.Body)
	return msg, nil
}
