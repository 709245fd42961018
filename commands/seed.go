package commands

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/hzcbec/portal/app"
)

// seed is `portal seed`: the demo accounts and the demo story (idempotent), the accounts printed.
// The story reads the real data of the repository's testdata folder (PORTAL_TESTDATA elsewhere).
func seed(ctx context.Context, cfg app.Config) error {
	// The story's requests go through the portal's request log; only what goes wrong is news here.
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	data := os.Getenv("PORTAL_TESTDATA")
	if data == "" {
		data = "testdata"
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
	fmt.Println("Demo accounts (password for all: " + app.DemoPassword + "):")
	for _, a := range app.DemoAccounts() {
		fmt.Printf("  %-11s %s\n", a.Role, a.Email)
	}
	fmt.Fprintln(os.Stderr, "WARNING: these demo accounts, an administrator among them, have a published password. "+
		"Never let anyone else reach a portal with demo data: for a real installation run without it "+
		"(PORTAL_DEMO=0 make run, or portal serve with PORTAL_ADMIN_EMAIL and PORTAL_ADMIN_PASSWORD).")
	return nil
}
