// Package migrations holds the schema as ordered SQL files, applied by goose, each in its own transaction.
package migrations

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"

	"github.com/pressly/goose/v3"
)

//go:embed *.sql
var files embed.FS

func provider(db *sql.DB) (*goose.Provider, error) {
	// Out of order: work developed side by side may land a lower-numbered file after a higher
	// one was applied somewhere; it is applied then rather than refused.
	return goose.NewProvider(goose.DialectPostgres, db, files, goose.WithAllowOutofOrder(true))
}

// Up applies every migration not yet applied and returns the version the database is at.
func Up(ctx context.Context, db *sql.DB) (int64, error) {
	p, err := provider(db)
	if err != nil {
		return 0, err
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// Check returns an error naming the versions when the database is behind the embedded migrations.
func Check(ctx context.Context, db *sql.DB) error {
	p, err := provider(db)
	if err != nil {
		return err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	if pending {
		current, _ := p.GetDBVersion(ctx)
		sources := p.ListSources()
		latest := sources[len(sources)-1].Version
		return fmt.Errorf("the database is not migrated (at version %d, this portal needs %d): run `portal migrate` first", current, latest)
	}
	return nil
}

// Fingerprint names this set of migrations, so a test template database can be reused while they are unchanged.
func Fingerprint() (string, error) {
	entries, err := files.ReadDir(".")
	if err != nil {
		return "", err
	}
	var all []byte
	for _, e := range entries {
		b, err := files.ReadFile(e.Name())
		if err != nil {
			return "", err
		}
		all = append(all, e.Name()...)
		all = append(all, b...)
	}
	sum := sha256.Sum256(all)
	return hex.EncodeToString(sum[:6]), nil
}
