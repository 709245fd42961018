// Package testdb gives tests a fresh Postgres database of their own, cloned from a template that
// holds every migration. Cloning takes a fraction of a second, so each test package (or test)
// starts from a clean, fully migrated schema on the real server named by DATABASE_URL.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for goose

	"github.com/hzcbec/portal/migrations"
)

// New returns the URL of a fresh migrated database, dropped when the test ends.
func New(tb testing.TB) string {
	tb.Helper()
	dsn, drop, err := Create(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(drop)
	return dsn
}

// NewEmpty returns the URL of a fresh database without any migration, dropped when the test ends.
func NewEmpty(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	admin := os.Getenv("DATABASE_URL")
	if admin == "" {
		tb.Fatal("DATABASE_URL is not set: run the tests with `make test`, which starts Postgres")
	}
	name := "test_empty_" + randomSuffix()
	if err := execAdmin(ctx, admin, "CREATE DATABASE "+name); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = execAdmin(context.Background(), admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	dsn, err := withDatabase(admin, name)
	if err != nil {
		tb.Fatal(err)
	}
	return dsn
}

// Create makes a fresh migrated database and returns its URL and a function that drops it.
// TestMain functions use it to give a whole package one database.
func Create(ctx context.Context) (string, func(), error) {
	admin := os.Getenv("DATABASE_URL")
	if admin == "" {
		return "", nil, fmt.Errorf("DATABASE_URL is not set: run the tests with `make test`, which starts Postgres")
	}
	template, err := ensureTemplate(ctx, admin)
	if err != nil {
		return "", nil, err
	}
	name := "test_" + randomSuffix()
	if err := execAdmin(ctx, admin, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template)); err != nil {
		return "", nil, err
	}
	dsn, err := withDatabase(admin, name)
	if err != nil {
		return "", nil, err
	}
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = execAdmin(ctx, admin, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	}
	return dsn, drop, nil
}

// ensureTemplate builds the template for the current migrations once; test binaries running in
// parallel wait for each other on an advisory lock.
func ensureTemplate(ctx context.Context, admin string) (string, error) {
	fp, err := migrations.Fingerprint()
	if err != nil {
		return "", err
	}
	template := "portal_template_" + fp
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("connecting to DATABASE_URL: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7411002)"); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(7411002)") //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", template).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return template, nil
	}
	building := template + "_building"
	for _, stmt := range []string{
		fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", building),
		fmt.Sprintf("CREATE DATABASE %s", building),
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return "", err
		}
	}
	dsn, err := withDatabase(admin, building)
	if err != nil {
		return "", err
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", err
	}
	_, err = migrations.Up(ctx, db)
	db.Close()
	if err != nil {
		return "", fmt.Errorf("migrating the test template: %w", err)
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, template)); err != nil {
		return "", err
	}
	return template, nil
}

func execAdmin(ctx context.Context, admin, stmt string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// Two clones of one template at the same instant can collide; a retry is enough.
	for attempt := 0; ; attempt++ {
		_, err = conn.Exec(ctx, stmt)
		if err == nil || attempt == 5 || !strings.Contains(err.Error(), "being accessed by other users") {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// withDatabase returns the admin URL pointing at another database.
func withDatabase(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("DATABASE_URL must be a postgres:// URL for tests")
	}
	u.Path = "/" + name
	return u.String(), nil
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
