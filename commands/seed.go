package commands

import (
	"context"
	"fmt"
	"os"

	"github.com/hzcbec/portal/app"
)

// seed is `portal seed`: the demo data, idempotent, and the demo accounts printed.
func seed(ctx context.Context, cfg app.Config) error {
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	accounts, err := app.Seed(ctx, store)
	if err != nil {
		return err
	}
	fmt.Println("Demo accounts (password for all: " + app.DemoPassword + "):")
	for _, a := range accounts {
		fmt.Printf("  %-11s %s\n", a.Role, a.Email)
	}
	fmt.Fprintln(os.Stderr, "WARNING: these demo accounts, an administrator among them, have a published password. "+
		"Never let anyone else reach a portal with demo data: for a real installation run without it "+
		"(PORTAL_DEMO=0 make run, or portal serve with PORTAL_ADMIN_EMAIL and PORTAL_ADMIN_PASSWORD).")
	return nil
}
