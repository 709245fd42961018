package commands

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/migrations"
)

// migrate is `portal migrate`: the migrations not applied yet, then the login role
// PORTAL_APP_ROLE names.
func migrate(ctx context.Context, cfg app.Config) error {
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	db := app.SQLDB(store)
	defer db.Close()
	version, err := migrations.Up(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "portal: database migrated to version %d\n", version)
	// PORTAL_APP_ROLE: the login role `portal serve` connects as, granted portal_app (migration
	// 00044), made here when missing (without a password: for a socket with trust or peer auth,
	// as `make run` has; elsewhere make it with a password yourself).
	if role := os.Getenv("PORTAL_APP_ROLE"); role != "" {
		if _, err := db.ExecContext(ctx, `DO $$ BEGIN
			IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '`+strings.ReplaceAll(role, "'", "''")+`') THEN
				CREATE ROLE `+pgx.Identifier{role}.Sanitize()+` LOGIN IN ROLE portal_app;
			END IF; END $$`); err != nil {
			return fmt.Errorf("PORTAL_APP_ROLE: %w", err)
		}
	}
	return nil
}
