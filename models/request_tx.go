package models

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"

	"gorm.io/gorm"
)

// A request can run in one transaction of its own (InRequestTransaction): everything the store
// writes for it (through GORM, which every write path uses) then commits or rolls back as one,
// with whatever the request writes last, such as the answer an Idempotency-Key keeps. The store
// needs no change for it: GORM writes through requestPool, which sends a statement whose context
// carries a request's transaction to that transaction, and makes a transaction begun there a
// savepoint of it.

type requestTxKey struct{}

// requestTx is the transaction of the request ctx belongs to, or nil.
func requestTx(ctx context.Context) *sql.Tx {
	tx, _ := ctx.Value(requestTxKey{}).(*sql.Tx)
	return tx
}

// InRequestTransaction runs fn in a new transaction that every store call made with fn's context
// joins, and commits it when fn returns nil (else rolls it back). A portal that dies before the
// commit leaves nothing of it: Postgres rolls back a transaction whose connection is gone.
func (s *Store) InRequestTransaction(ctx context.Context, fn func(ctx context.Context) error) error {
	if requestTx(ctx) != nil {
		return fn(ctx) // already in one
	}
	tx, err := s.sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(context.WithValue(ctx, requestTxKey{}, tx)); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
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
