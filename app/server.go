package app

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/template/html/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"

	"github.com/hzcbec/portal/handlers"
	"github.com/hzcbec/portal/migrations"
	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/search"
	"github.com/hzcbec/portal/views"
	"github.com/hzcbec/portal/workflows"
)

// Server is one running portal: its database, policy, search, job queue and HTTP app.
type Server struct {
	cfg      Config
	store    *models.Store
	policy   *models.Policy
	search   *search.Client
	tr       *Translator
	handlers *handlers.Handlers
	engine   *workflows.Engine
	jobs     *river.Client[pgx.Tx]
	mailer   *workflows.Mailer // nil: PORTAL_SMTP_URL unset, notices stay in the portal
	metrics  *metrics
	fiber    *fiber.App
}

// New connects to Postgres and Meilisearch, refuses an unmigrated database, loads the access
// policy and builds the HTTP app. Run starts serving.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set: `make run` starts a private Postgres, or point DATABASE_URL at one")
	}
	store, err := models.Open(ctx, cfg.DatabaseURL, cfg.Clock)
	if err != nil {
		return nil, err
	}
	key, err := LoadAuditKey(cfg, func() (bool, error) { return store.AuditSigned(ctx) })
	if err != nil {
		store.Close()
		return nil, err
	}
	store.SetAuditKey(key)
	s := &Server{cfg: cfg, store: store}
	if err := s.init(ctx); err != nil {
		store.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) init(ctx context.Context) error {
	db := stdlib.OpenDBFromPool(s.store.Pool())
	err := migrations.Check(ctx, db)
	db.Close()
	if err != nil {
		return err
	}
	if s.policy, err = s.store.LoadPolicy(); err != nil {
		return err
	}
	if s.search, err = search.Open(s.cfg.MeiliURL, s.cfg.MeiliKey, s.cfg.SearchIndex, s.store); err != nil {
		return err
	}
	s.search.WarmUp = s.cfg.SearchWarmUp
	// The index's primary key and settings, with a deadline; a portal whose Meilisearch is away
	// serves anyway (searching Postgres) and sets the index up when it answers (search.Run).
	setupCtx, cancelSetup := context.WithTimeout(ctx, 10*time.Second)
	if err := s.search.Setup(setupCtx); err != nil {
		slog.Warn("search index not set up yet: searching Postgres until Meilisearch answers", "err", err)
	}
	cancelSetup()
	if s.tr, err = NewTranslator(); err != nil {
		return err
	}
	calendar := workflows.Calendar{Overrides: s.cfg.Deadlines, Holidays: s.cfg.Holidays}
	if s.engine, err = workflows.NewEngine(s.store, s.policy, calendar); err != nil {
		return err
	}
	s.engine.DefaultJurisdiction = s.cfg.DefaultJurisdiction
	s.engine.EvidenceDir = filepath.Join(s.cfg.DataDir, "evidence")
	s.engine.EvidenceMaxBytes = s.cfg.EvidenceMaxBytes
	if s.mailer, err = s.cfg.Mailer(); err != nil {
		return err
	}
	noticeMail := workflows.NewNoticeMailWorker(s.engine, s.mailer, s.tr.T, s.cfg.PublicURL)
	if s.jobs, err = workflows.NewJobs(s.store, s.engine, s.search.AddWorkers, noticeMail.AddTo); err != nil {
		return err
	}
	if s.cfg.AdminEmail != "" {
		created, err := s.store.EnsureAdmin(ctx, s.cfg.AdminEmail, s.cfg.AdminPassword)
		if err != nil {
			return fmt.Errorf("PORTAL_ADMIN_EMAIL: %w", err)
		}
		if created {
			slog.Info("admin account created", "email", s.cfg.AdminEmail)
		}
	}
	s.handlers = &handlers.Handlers{
		Store: s.store, Policy: s.policy, Search: s.search, Engine: s.engine, T: s.tr.T,
		Settings: handlers.Settings{TokenTTL: s.cfg.TokenTTL, SessionTTL: s.cfg.SessionTTL, SecureCookies: s.cfg.SecureCookies},
	}
	s.handlers.OpenAPI = func() any { return openAPI(s.Routes()) }
	s.metrics = newMetrics(s.store)
	return s.buildApp()
}

func (s *Server) buildApp() error {
	tpl, err := fs.Sub(views.Templates, "templates")
	if err != nil {
		return err
	}
	engine := html.NewFileSystem(http.FS(tpl), ".html")
	engine.AddFunc("t", s.tr.templateFunc)
	engine.AddFunc("value", s.tr.value)
	engine.AddFunc("dict", dict)
	engine.AddFunc("list", func(v ...string) []string { return v })
	engine.AddFunc("local", handlers.LocalTime)
	engine.AddFunc("trimPrefix", strings.TrimPrefix)
	engine.AddFunc("inc", func(i int) int { return i + 1 })
	// safe marks HTML the search package has already escaped (matches wrapped in <mark>).
	engine.AddFunc("safe", func(s string) template.HTML { return template.HTML(s) })
	engine.AddFunc("has", func(list []string, v string) bool { return slices.Contains(list, v) })
	engine.AddFunc("deref", func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	})
	engine.AddFunc("hex", func(b []byte) string { return hex.EncodeToString(b) })
	if err := engine.Load(); err != nil {
		return fmt.Errorf("loading the page templates: %w", err)
	}
	app := fiber.New(fiber.Config{
		AppName:               "portal",
		Views:                 engine,
		ErrorHandler:          s.errorHandler,
		BodyLimit:             max(16<<20, int(s.cfg.EvidenceMaxBytes)+1<<20), // room above the evidence limit: our 413, not Fiber's
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
	})
	app.Use(recover.New(), requestid.New(), s.clientAddress(), s.securityHeaders(), s.observe, s.accessLog, s.language, s.authenticate, s.csrf)
	limited := s.authLimiter()
	for _, r := range s.Routes() {
		chain := []fiber.Handler{}
		if r.Limited {
			chain = append(chain, limited)
		}
		if r.PerUser > 0 {
			chain = append(chain, s.userLimiter(r.PerUser))
		}
		chain = append(chain, s.guard(r), s.secondFactorGate(r), s.idempotent(r), r.Handler)
		app.Add(r.Method, r.Path, chain...)
	}
	s.fiber = app
	return nil
}

// App is the HTTP app, for tests.
func (s *Server) App() *fiber.App { return s.fiber }

// Store is the database, for tests and the command line.
func (s *Server) Store() *models.Store { return s.store }

// Search is the search client, for tests and the command line.
func (s *Server) Search() *search.Client { return s.search }

// Jobs is the client of the background job workers (deadlines, indexing), for the command line:
// Serve starts and stops them itself.
func (s *Server) Jobs() *river.Client[pgx.Tx] { return s.jobs }

// Serve answers on ln until ctx ends, then finishes the requests in flight, stops the job
// workers and closes the database.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	watchCtx, stopWatch := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWatch()
	go s.store.WatchPolicy(watchCtx, s.policy)
	go s.watchJobs(watchCtx)
	if err := s.jobs.Start(watchCtx); err != nil {
		return fmt.Errorf("starting the job workers: %w", err)
	}
	searchDone := make(chan struct{})
	go func() { defer close(searchDone); s.search.Run(watchCtx) }()
	served := make(chan error, 1)
	go func() { served <- s.fiber.Listener(ln) }()
	slog.Info("portal serving", "addr", ln.Addr().String())
	if s.mailer != nil {
		slog.Info("e-mail: notices also go by e-mail", "smtp", s.mailer.Server(), "from", s.cfg.MailFrom, "links", s.cfg.PublicURL)
	} else {
		slog.Info("e-mail: PORTAL_SMTP_URL unset, notices stay in the portal")
	}
	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		slog.Info("shutting down")
		err = s.fiber.ShutdownWithTimeout(20 * time.Second)
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if jerr := s.jobs.Stop(stopCtx); jerr != nil {
		slog.Warn("stopping the job workers", "err", jerr)
	}
	stopWatch()
	<-searchDone
	s.store.Close()
	return err
}

// SQLDB opens database/sql over the pool, for migrations.
func SQLDB(store *models.Store) *sql.DB { return stdlib.OpenDBFromPool(store.Pool()) }

// staticHandler serves views/static with a day of caching. The route "/static/*" keeps its
// prefix, which is also the folder's name in the embedded files.
func (s *Server) staticHandler() fiber.Handler {
	return filesystem.New(filesystem.Config{Root: http.FS(views.Static), MaxAge: 86400})
}

// dict builds a map in templates: {{template "field" (dict "Name" "email" ...)}}.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, errors.New("dict: keys must be strings")
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
