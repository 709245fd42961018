package models

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// Queries are counted per request: the pool's tracer adds each query sent with a context that
// CountQueries made to that context's count (GORM's too: it runs on the same pool). The portal
// reports the count per route (portal_db_queries_per_request), so a page that starts asking the
// database more often shows.

type queryCountKey struct{}

// CountQueries returns a context whose queries are counted, and their count so far.
func CountQueries(ctx context.Context) (context.Context, *atomic.Int64) {
	n := new(atomic.Int64)
	return context.WithValue(ctx, queryCountKey{}, n), n
}

// queryCounter is the pool's tracer.
type queryCounter struct{}

func (queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if n, ok := ctx.Value(queryCountKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
	return ctx
}

func (queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
