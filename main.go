// Command portal is the quality-traceability and dispute-resolution portal of Hangzhou's
// cross-border e-commerce zone: `portal serve`, `portal migrate`, `portal seed`,
// `portal users create`, `portal audit verify`, `portal import safety-gate|cpsc FILE`,
// `portal reindex` and `portal search check`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/migrations"
	"github.com/hzcbec/portal/models"
	"github.com/jackc/pgx/v5"
)

const usage = `usage: portal <command>

  serve                 serve the portal on PORTAL_ADDR (default 127.0.0.1:8080)
  migrate               apply the database migrations
  seed                  load the demo data (idempotent) and print the demo accounts
  users create --email E --password P --name N --role R [--role R2] [--jurisdiction CODE] [--party ID]
  audit verify          walk the audit trail's hash chain; exit 1 naming the first broken record
  bench-data trace [--events N]  fill a benchmark database with a traced chain and N other trace events (default 1000000)
  bench-data stats [--complaints N] [--inspections N]  fill a benchmark database for the statistics (default 1000000 and 100000)
  bench-data reviews --file ZIP [--limit N]  load real reviews as complaints and wait for the search index
  import safety-gate FILE   import EU Safety Gate alerts from a CSV export (again: nothing new)
  import cpsc FILE          import US CPSC recalls from a CSV (again: nothing new)
  reindex               rebuild the search index from the database, with a progress bar
  search check          name every difference between the database and the search index; exit 1 if any

Configuration comes from environment variables; see README.md.`

func main() {
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stdout, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
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
	case "bench-data trace":
		return app.BenchDataTrace(ctx, cfg, args[2:], os.Stderr)
	case "bench-data stats":
		return app.BenchDataStats(ctx, cfg, args[2:], os.Stderr)
	case "bench-data reviews":
		return app.BenchDataReviews(ctx, cfg, args[2:], os.Stderr)
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
		return seed(ctx, cfg)
	case "reindex":
		return reindex(ctx, cfg, os.Stdout, os.Stderr)
	case "help", "-h", "--help":
		fmt.Println(usage)
		return nil
	}
	fmt.Fprintln(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", strings.Join(args, " "))
}

func serve(ctx context.Context, cfg app.Config) error {
	s, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("PORTAL_ADDR: %w", err)
	}
	fmt.Fprintf(os.Stderr, "portal: serving on http://%s\n", ln.Addr())
	return s.Serve(ctx, ln)
}

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

// roleFlags collects repeated --role flags.
type roleFlags []string

func (r *roleFlags) String() string     { return strings.Join(*r, ",") }
func (r *roleFlags) Set(v string) error { *r = append(*r, strings.Split(v, ",")...); return nil }

func usersCreate(ctx context.Context, cfg app.Config, args []string) error {
	fs := flag.NewFlagSet("users create", flag.ContinueOnError)
	var in models.NewUser
	var roles roleFlags
	var jurisdiction, party string
	fs.StringVar(&in.Email, "email", "", "e-mail (sign-in name)")
	fs.StringVar(&in.Password, "password", "", "password, at least 10 characters")
	fs.StringVar(&in.Name, "name", "", "display name")
	fs.Var(&roles, "role", "role: consumer, merchant, platform, inspector, arbitrator or admin (repeatable)")
	fs.StringVar(&jurisdiction, "jurisdiction", "", "jurisdiction code (inspectors), e.g. 330106")
	fs.StringVar(&party, "party", "", "party id (merchant and platform users)")
	fs.StringVar(&in.Locale, "locale", "", "zh-CN or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	in.Roles = roles
	if jurisdiction != "" {
		in.Jurisdiction = &jurisdiction
	}
	if party != "" {
		in.PartyID = &party
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.CreateUser(ctx, models.SystemActor, in)
	if err != nil {
		var de *models.Error
		if errors.As(err, &de) && len(de.Fields) > 0 {
			for _, f := range de.Fields {
				fmt.Fprintf(os.Stderr, "  --%s: %s %s\n", strings.ReplaceAll(f.Field, "_id", ""), f.Rule, f.Param)
			}
		}
		return err
	}
	fmt.Println(u.ID)
	return nil
}

func auditVerify(ctx context.Context, cfg app.Config) error {
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	v, err := store.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if !v.Verified {
		at := "its end"
		if v.FirstBroken != nil {
			at = fmt.Sprintf("record %d", *v.FirstBroken)
		}
		return fmt.Errorf("audit trail broken at %s (%s; %d records read, %d checkpoints checked)", at, v.Problem, v.Records, v.Checkpoints)
	}
	fmt.Printf("audit trail verified: %d records, chain intact, %d signed checkpoints agree\n", v.Records, v.Checkpoints)
	return nil
}
