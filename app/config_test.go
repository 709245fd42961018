package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/app"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaults(t *testing.T) {
	c, err := app.LoadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != ".data" || c.TokenTTL != 30*24*time.Hour || c.AuthRate != 60 || len(c.Deadlines) != 0 {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestConfigReadsEnvironment(t *testing.T) {
	c, err := app.LoadConfig(envOf(map[string]string{
		"PORTAL_ADDR": "127.0.0.1:9999", "PORTAL_DATA_DIR": "/tmp/x", "DATABASE_URL": "postgres://db/p",
		"MEILI_URL": "http://127.0.0.1:7700", "MEILI_MASTER_KEY": "k",
		"PORTAL_DEADLINES":   "complaint.respond=3s, claim.answer=10m",
		"PORTAL_ADMIN_EMAIL": "root@example.com", "PORTAL_ADMIN_PASSWORD": "long enough pw",
		"PORTAL_TOKEN_TTL": "2h", "PORTAL_AUTH_RATE": "5", "PORTAL_SECURE_COOKIES": "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9999" || c.DataDir != "/tmp/x" || c.DatabaseURL != "postgres://db/p" || c.MeiliKey != "k" ||
		c.TokenTTL != 2*time.Hour || c.AuthRate != 5 || !c.SecureCookies || c.AdminEmail != "root@example.com" {
		t.Fatalf("read: %+v", c)
	}
	if c.Deadlines["complaint.respond"] != 3*time.Second || c.Deadlines["claim.answer"] != 10*time.Minute {
		t.Fatalf("deadlines: %v", c.Deadlines)
	}
}

func TestConfigRejectsBadValues(t *testing.T) {
	_, err := app.LoadConfig(envOf(map[string]string{
		"PORTAL_DEADLINES": "complaint.respond", "PORTAL_TOKEN_TTL": "forever", "PORTAL_AUTH_RATE": "-1",
		"PORTAL_SECURE_COOKIES": "maybe", "PORTAL_ADMIN_EMAIL": "root@example.com",
	}))
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, name := range []string{"PORTAL_DEADLINES", "PORTAL_TOKEN_TTL", "PORTAL_AUTH_RATE", "PORTAL_SECURE_COOKIES", "PORTAL_ADMIN_PASSWORD"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the error does not name %s: %v", name, err)
		}
	}
}
