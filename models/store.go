// Package models holds the domain types, the validation of their fields and every database
// read and write. It imports nothing else of the portal.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/hzcbec/portal/models/clock"
)

// Store is the portal's database: every read and write goes through its methods.
type Store struct {
	db          *gorm.DB
	pool        *pgxpool.Pool
	sqlDB       *sql.DB          // the pool as database/sql, which GORM writes through (requestPool)
	credentials *credentialCache // recently served tokens and sessions (credentials.go)
	clock       clock.Clock
	auditKey    *AuditKey // signs the audit log's checkpoints (audit_log.go); nil: none are signed
}

// Now is the present by the portal's clock: every "now" of the models (and of the workflows
// and handlers, which ask the store) comes from here.
func (s *Store) Now() time.Time { return s.clock.Now() }

// Clock is the portal's clock.
func (s *Store) Clock() clock.Clock { return s.clock }

// Open connects to Postgres; the pool is shared by GORM and the job queue. clk is the portal's
// clock (nil: the machine's).
func Open(ctx context.Context, dsn string, clk clock.Clock) (*Store, error) {
	if clk == nil {
		clk = clock.System
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if cfg.MaxConns < 10 {
		cfg.MaxConns = 10
	}
	cfg.ConnConfig.Tracer = queryCounter{}
	cfg.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		usePQArrayElements(conn.TypeMap())
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to Postgres: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: requestPool{db: sqlDB}}), &gorm.Config{
		Logger:                 logger.Default.LogMode(logger.Silent),
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return clk.Now().UTC().Truncate(time.Microsecond) },
	})
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{db: db, pool: pool, sqlDB: sqlDB, credentials: newCredentialCache(), clock: clk}, nil
}

// Close releases the connections.
func (s *Store) Close() { s.pool.Close() }

// Pool is the pgx pool, for the job queue and LISTEN.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Gorm is the GORM handle, for the policy adapter.
func (s *Store) Gorm() *gorm.DB { return s.db }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// byID loads the row of T with this id; none is ENOTFOUND (GORM's Find does not say so itself).
func byID[T any](ctx context.Context, db *gorm.DB, id string) (*T, error) {
	var row T
	if err := loadByID(ctx, db, &row, id); err != nil {
		return nil, err
	}
	return &row, nil
}

// loadByID reads the row with this id into row, a pointer to its model; none is ENOTFOUND.
func loadByID(ctx context.Context, db *gorm.DB, row any, id string) error {
	res := db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(row)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return Errorf(ENOTFOUND, "not_found")
	}
	return nil
}

// newID returns a new opaque, time-ordered id.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// stamp is the present as the database keeps it (UTC, to the microsecond).
func (s *Store) stamp() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// isUniqueViolation tells a duplicate key from other database errors.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// isForeignKeyViolation tells a reference to a missing row.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}
