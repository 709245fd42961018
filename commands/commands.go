// Package commands is the portal's command line: one file per subcommand, and Run, which picks
// the subcommand the arguments name. The bench-data subcommands are only in a binary built with
// -tags bench.
package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/schollz/progressbar/v3"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/models"
)

const usage = `usage: portal <command>

  serve                 serve the portal on PORTAL_ADDR (default 127.0.0.1:8080)
  migrate               apply the database migrations
  seed [--accounts]     load the demo story (idempotent) and print the demo accounts;
                        --accounts: the demo accounts only
  users create --email E --password P --name N --role R [--role R2] [--jurisdiction CODE] [--party ID]
  audit verify          walk the audit trail's hash chain; exit 1 naming the first broken record
  import safety-gate FILE   import EU Safety Gate alerts from a CSV export (again: nothing new)
  import cpsc FILE          import US CPSC recalls from a CSV (again: nothing new)
  reindex               rebuild the search index from the database, with a progress bar
  search check          name every difference between the database and the search index; exit 1 if any

Only in a binary built with -tags bench:
  bench-data trace [--events N]  fill a benchmark database with a traced chain and N other trace events (default 1000000)
  bench-data stats [--complaints N] [--inspections N]  fill a benchmark database for the statistics (default 1000000 and 100000)
  bench-data reviews --file ZIP [--limit N]  load real reviews as complaints and wait for the search index

Configuration comes from environment variables; see README.md.`

// Run runs the subcommand args name: `portal serve`, `portal migrate`, `portal seed`,
// `portal users create`, `portal audit verify`, `portal import safety-gate|cpsc FILE`,
// `portal reindex`, `portal search check` and `portal bench-data trace|stats|reviews`.
func Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, usage)
		return errors.New("no command")
	}
	cfg, err := app.LoadConfig(os.Getenv)
	if err != nil {
		return err
	}
	switch strings.Join(args[:min(len(args), 2)], " ") {
	case "users create":
		return usersCreate(ctx, cfg, args[2:])
	case "audit verify":
		return auditVerify(ctx, cfg)
	case "bench-data trace", "bench-data stats", "bench-data reviews":
		return benchData(ctx, cfg, args[1], args[2:], os.Stderr)
	case "import safety-gate", "import cpsc":
		return importAlerts(ctx, cfg, args[1], args[2:], os.Stdout, os.Stderr)
	case "search check":
		return searchCheck(ctx, cfg, os.Stdout)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, cfg)
	case "migrate":
		return migrate(ctx, cfg)
	case "seed":
		return seed(ctx, cfg, args[1:])
	case "reindex":
		return reindex(ctx, cfg, os.Stdout, os.Stderr)
	case "help", "-h", "--help":
		fmt.Println(usage)
		return nil
	}
	fmt.Fprintln(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", strings.Join(args, " "))
}

// openStore opens the database the configuration names, with the audit trail's signing key.
func openStore(ctx context.Context, cfg app.Config) (*models.Store, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set: `make run` starts a private Postgres, or point DATABASE_URL at one")
	}
	store, err := models.Open(ctx, cfg.DatabaseURL, nil)
	if err != nil {
		return nil, err
	}
	key, err := app.LoadAuditKey(cfg, func() (bool, error) { return store.AuditSigned(ctx) })
	if err != nil {
		store.Close()
		return nil, err
	}
	store.SetAuditKey(key)
	return store, nil
}

// newBar is a progress bar of total steps on w.
func newBar(total int, what string, w io.Writer) *progressbar.ProgressBar {
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
}
