// Package app wires the portal together: configuration, the one route table, and the middleware
// every request passes (request id, logs, metrics, language, auth, CSRF, limits, policy, errors).
package app

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hzcbec/portal/models/clock"
	"github.com/hzcbec/portal/workflows"
)

// Config is the portal's configuration, read from environment variables (README, "Configuration").
type Config struct {
	Addr          string                   // PORTAL_ADDR
	DataDir       string                   // PORTAL_DATA_DIR
	DatabaseURL   string                   // DATABASE_URL
	MeiliURL      string                   // MEILI_URL
	MeiliKey      string                   // MEILI_MASTER_KEY
	SearchIndex   string                   // PORTAL_SEARCH_INDEX: the Meilisearch index, "portal" by default
	SearchWarmUp  bool                     // PORTAL_SEARCH_WARM_UP (0: off): warm the index at start (search.Client.WarmUp)
	Deadlines     map[string]time.Duration // PORTAL_DEADLINES
	AdminEmail    string                   // PORTAL_ADMIN_EMAIL
	AdminPassword string                   // PORTAL_ADMIN_PASSWORD
	TokenTTL      time.Duration            // PORTAL_TOKEN_TTL
	SessionTTL    time.Duration            // PORTAL_SESSION_TTL
	AuthRate      int                      // PORTAL_AUTH_RATE: sign-in or sign-up tries per minute per address
	SecureCookies bool                     // PORTAL_SECURE_COOKIES: set behind HTTPS
	LogLevel      string                   // PORTAL_LOG_LEVEL
	Holidays      map[string]bool          // PORTAL_HOLIDAYS: dates that are not working days
	// DefaultJurisdiction handles complaints whose parties are all outside Hangzhou.
	DefaultJurisdiction string // PORTAL_DEFAULT_JURISDICTION
	// EvidenceMaxBytes is the largest evidence file accepted (then 413).
	EvidenceMaxBytes int64 // PORTAL_EVIDENCE_MAX_BYTES
	// TrustedProxies are the addresses (or CIDR ranges) of the reverse proxies whose
	// X-Forwarded-For names the client; nobody else's is believed.
	TrustedProxies []string // PORTAL_TRUSTED_PROXIES
	// AuditKey signs the audit log's checkpoints (a note signing key); empty: the key kept in
	// the data folder, made on first use. Portals sharing a database must share it.
	AuditKey string // PORTAL_AUDIT_KEY
	// PublicURL is the portal's address as its users reach it: the base of the links in e-mail.
	PublicURL string // PORTAL_PUBLIC_URL
	// SMTPURL is the mail server notices also go through (smtp://user:pass@host:port); empty:
	// notices stay in the portal. MailFrom is their sender's address.
	SMTPURL  string // PORTAL_SMTP_URL
	MailFrom string // PORTAL_MAIL_FROM
	// Clock is the portal's one "now" (models/clock): the machine's unless a test sets another.
	Clock clock.Clock
}

// LoadConfig reads the configuration through getenv (os.Getenv, or a map in tests).
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:                or(getenv("PORTAL_ADDR"), "127.0.0.1:8080"),
		DataDir:             or(getenv("PORTAL_DATA_DIR"), ".data"),
		DatabaseURL:         getenv("DATABASE_URL"),
		MeiliURL:            getenv("MEILI_URL"),
		MeiliKey:            getenv("MEILI_MASTER_KEY"),
		SearchIndex:         getenv("PORTAL_SEARCH_INDEX"),
		SearchWarmUp:        getenv("PORTAL_SEARCH_WARM_UP") != "0",
		AdminEmail:          getenv("PORTAL_ADMIN_EMAIL"),
		AdminPassword:       getenv("PORTAL_ADMIN_PASSWORD"),
		AuditKey:            getenv("PORTAL_AUDIT_KEY"),
		LogLevel:            or(getenv("PORTAL_LOG_LEVEL"), "info"),
		DefaultJurisdiction: or(getenv("PORTAL_DEFAULT_JURISDICTION"), "330102"),
		Holidays:            map[string]bool{},
		SMTPURL:             getenv("PORTAL_SMTP_URL"),
		MailFrom:            getenv("PORTAL_MAIL_FROM"),
	}
	c.PublicURL = strings.TrimSuffix(or(getenv("PORTAL_PUBLIC_URL"), "http://"+c.Addr), "/")
	var errs []string
	var err error
	if c.Deadlines, err = ParseDeadlines(getenv("PORTAL_DEADLINES")); err != nil {
		errs = append(errs, err.Error())
	}
	durations := []struct {
		name string
		into *time.Duration
		def  time.Duration
	}{
		{"PORTAL_TOKEN_TTL", &c.TokenTTL, 30 * 24 * time.Hour},
		{"PORTAL_SESSION_TTL", &c.SessionTTL, 7 * 24 * time.Hour},
	}
	for _, d := range durations {
		*d.into = d.def
		if v := getenv(d.name); v != "" {
			if *d.into, err = time.ParseDuration(v); err != nil || *d.into <= 0 {
				errs = append(errs, fmt.Sprintf("%s=%q is not a positive duration such as 24h", d.name, v))
			}
		}
	}
	c.AuthRate = 60
	if v := getenv("PORTAL_AUTH_RATE"); v != "" {
		if c.AuthRate, err = strconv.Atoi(v); err != nil || c.AuthRate < 1 {
			errs = append(errs, fmt.Sprintf("PORTAL_AUTH_RATE=%q is not a positive number", v))
		}
	}
	c.EvidenceMaxBytes = 10 << 20
	if v := getenv("PORTAL_EVIDENCE_MAX_BYTES"); v != "" {
		if c.EvidenceMaxBytes, err = strconv.ParseInt(v, 10, 64); err != nil || c.EvidenceMaxBytes < 1 {
			errs = append(errs, fmt.Sprintf("PORTAL_EVIDENCE_MAX_BYTES=%q is not a positive number of bytes", v))
		}
	}
	if v := getenv("PORTAL_SECURE_COOKIES"); v != "" {
		if c.SecureCookies, err = strconv.ParseBool(v); err != nil {
			errs = append(errs, fmt.Sprintf("PORTAL_SECURE_COOKIES=%q is not true or false", v))
		}
	}
	for _, p := range strings.Split(getenv("PORTAL_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, _, cidrErr := net.ParseCIDR(p); net.ParseIP(p) == nil && cidrErr != nil {
			errs = append(errs, fmt.Sprintf("PORTAL_TRUSTED_PROXIES: %q is not an address or a CIDR range", p))
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	for _, d := range strings.Split(getenv("PORTAL_HOLIDAYS"), ",") {
		if d = strings.TrimSpace(d); d == "" {
			continue
		}
		if _, err := time.Parse("2006-01-02", d); err != nil {
			errs = append(errs, fmt.Sprintf("PORTAL_HOLIDAYS: %q is not a date such as 2026-10-01", d))
		}
		c.Holidays[d] = true
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Sprintf("PORTAL_PUBLIC_URL=%q is not an address such as https://portal.example.cn", c.PublicURL))
	}
	if c.SMTPURL != "" {
		if _, err := c.Mailer(); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		errs = append(errs, "PORTAL_ADMIN_EMAIL and PORTAL_ADMIN_PASSWORD go together")
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// Mailer is the mail server notices also go through; nil when PORTAL_SMTP_URL is unset.
func (c Config) Mailer() (*workflows.Mailer, error) {
	if c.SMTPURL == "" {
		return nil, nil
	}
	return workflows.NewMailer(c.SMTPURL, c.MailFrom)
}

// ParseDeadlines reads "complaint.respond=3s,claim.answer=10m" into a map.
func ParseDeadlines(s string) (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		d, err := time.ParseDuration(strings.TrimSpace(value))
		if !ok || strings.TrimSpace(name) == "" || err != nil || d <= 0 {
			return nil, fmt.Errorf("PORTAL_DEADLINES: %q is not name=duration (e.g. complaint.respond=3s)", part)
		}
		out[strings.TrimSpace(name)] = d
	}
	return out, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
