package models

import (
	"context"
	"hash/fnv"
)

// TryLock takes the session advisory lock named name, if nobody holds it, on a connection of
// its own kept until release is called: work that must not run twice at once (a statistics
// rebuild River rescued from a portal it thought dead, while that portal is still at it). The
// lock goes with its connection, so a portal that dies holds nothing.
func (s *Store) TryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	h := fnv.New64a()
	h.Write([]byte("portal:" + name))
	key := int64(h.Sum64())
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil || !ok {
		conn.Release()
		return nil, false, err
	}
	return func() {
		// A background context: the work's own may have ended, and the lock must go either way.
		if _, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, key); err != nil {
			conn.Conn().Close(context.Background()) // the lock dies with the session
		}
		conn.Release()
	}, true, nil
}
