package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/hzcbec/portal/app"
)

// seed is `portal seed`: the demo accounts and the demo story (idempotent), the accounts
// printed; `portal seed --accounts`: the accounts only. The story reads the real data of the
// repository's testdata folder (PORTAL_TESTDATA names another).
func seed(ctx context.Context, cfg app.Config, args []string) error {
	accountsOnly := len(args) == 1 && args[0] == "--accounts"
	if len(args) > 0 && !accountsOnly {
		return errors.New("usage: portal seed [--accounts]")
	}
	if accountsOnly {
		store, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer store.Close()
		if _, err := app.Seed(ctx, store); err != nil {
			return err
		}
	} else {
		// The story's requests go through the portal's request log; only what goes wrong is news here.
		slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
		data, err := testdataFolder()
		if err != nil {
			return err
		}
		sum, err := app.SeedDemo(ctx, cfg, data, os.Getenv("PORTAL_BENCH_REVIEWS"))
		if err != nil {
			return err
		}
		if sum.Loaded {
			fmt.Printf("Demo story loaded in %.1f s: %d public alerts from real recalls, %d complaints, claims, cases and measures.\n",
				sum.Took.Seconds(), sum.Alerts, sum.Records)
		} else {
			fmt.Println("Demo story already loaded: nothing changed.")
		}
	}
	fmt.Println("Demo accounts (password for all: " + app.DemoPassword + "):")
	for _, a := range app.DemoAccounts() {
		if accountsOnly && a.Extra {
			continue
		}
		fmt.Printf("  %-11s %s\n", a.Role, a.Email)
	}
	fmt.Fprintln(os.Stderr, "WARNING: these demo accounts, an administrator among them, have a published password. "+
		"Never let anyone else reach a portal with demo data: for a real installation run without it "+
		"(PORTAL_DEMO=0 make run, or portal serve with PORTAL_ADMIN_EMAIL and PORTAL_ADMIN_PASSWORD).")
	return nil
}

// testdataFolder is PORTAL_TESTDATA, or the repository's testdata folder: in the working folder
// or the nearest one above it that has one (make run works at the top, tests in a package).
func testdataFolder() (string, error) {
	if dir := os.Getenv("PORTAL_TESTDATA"); dir != "" {
		return dir, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if st, err := os.Stat(filepath.Join(dir, "testdata", "recalls")); err == nil && st.IsDir() {
			return filepath.Join(dir, "testdata"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("the demo's real data is not found: run portal seed in the repository (its testdata folder), " +
				"or set PORTAL_TESTDATA to that folder")
		}
		dir = parent
	}
}
