package models

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// A request can run in one transaction of its own (InRequestTransaction): everything the store
// writes for it (through GORM, which every write path uses) then commits or rolls back as one,
// with whatever the request writes last, such as the answer an Idempotency-Key keeps. The store
// needs no change for it: GORM writes through requestPool, which sends a statement whose context
// carries a request's transaction to that transaction, and makes a transaction begun there a
// savepoint of it.

type requestTxKey struct{}

// request is a request's transaction and what is to be done once it commits.
type request struct {
	tx          *sql.Tx
	afterCommit []func() error
}

// requestTx is the transaction of the request ctx belongs to, or nil.
func requestTx(ctx context.Context) *sql.Tx {
	if r, ok := ctx.Value(requestTxKey{}).(*request); ok {
		return r.tx
	}
	return nil
}

// RequestTimeout bounds a request's transaction: past it, Postgres's work is cancelled and the
// transaction rolled back, so no request holds a connection or a lock for long.
const RequestTimeout = 30 * time.Second

// InRequestTransaction runs fn in a new transaction that every store call made with fn's context
// joins, and commits it when fn returns nil (else, or when fn panics, rolls it back). A portal
// that dies before the commit leaves nothing of it: Postgres rolls back a transaction whose
// connection is gone. What AfterCommit was given runs once it has committed.
func (s *Store) InRequestTransaction(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if requestTx(ctx) != nil {
		return fn(ctx) // already in one
	}
	ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	tx, err := s.sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	r := &request{tx: tx}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(context.WithValue(ctx, requestTxKey{}, r)); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, f := range r.afterCommit {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// AfterCommit runs f once the request ctx belongs to has committed, or at once outside a
// request's transaction: work that must see what the request wrote from another connection
// (reloading the access policy) and must not hold a second connection while the request holds one.
func AfterCommit(ctx context.Context, f func() error) error {
	if r, ok := ctx.Value(requestTxKey{}).(*request); ok {
		r.afterCommit = append(r.afterCommit, f)
		return nil
	}
	return f()
}

// requestPool is the connection pool GORM uses: the database's, or the request's transaction
// when the statement's context has one.
type requestPool struct{ db *sql.DB }

func (p requestPool) conn(ctx context.Context) gorm.ConnPool {
	if tx := requestTx(ctx); tx != nil {
		return tx
	}
	return p.db
}

func (p requestPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.conn(ctx).PrepareContext(ctx, query)
}

func (p requestPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.conn(ctx).ExecContext(ctx, query, args...)
}

func (p requestPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.conn(ctx).QueryContext(ctx, query, args...)
}

func (p requestPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.conn(ctx).QueryRowContext(ctx, query, args...)
}

// BeginTx begins a transaction, or within a request's a savepoint of it (gorm.ConnPoolBeginner).
func (p requestPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx := requestTx(ctx)
	if tx == nil {
		return p.db.BeginTx(ctx, opts)
	}
	sp := &savepoint{tx: tx, ctx: ctx, name: fmt.Sprintf("request_sp%d", savepoints.Add(1))}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp.name); err != nil {
		return nil, err
	}
	return sp, nil
}

// GetDBConn is the database behind the pool (for gorm.DB.DB).
func (p requestPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

// savepoints numbers the savepoints, so that nested ones never share a name.
var savepoints atomic.Uint64

// savepoint is a transaction begun inside a request's: committing releases it, rolling back
// undoes what was written since it began, and the request's transaction goes on either way.
type savepoint struct {
	tx   *sql.Tx
	ctx  context.Context
	name string
}

func (s *savepoint) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return s.tx.PrepareContext(ctx, query)
}

func (s *savepoint) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.tx.ExecContext(ctx, query, args...)
}

func (s *savepoint) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.tx.QueryContext(ctx, query, args...)
}

func (s *savepoint) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return s.tx.QueryRowContext(ctx, query, args...)
}

func (s *savepoint) Commit() error {
	_, err := s.tx.ExecContext(s.ctx, "RELEASE SAVEPOINT "+s.name)
	return err
}

func (s *savepoint) Rollback() error {
	_, err := s.tx.ExecContext(s.ctx, "ROLLBACK TO SAVEPOINT "+s.name)
	return err
}
