package search

import (
	"context"
	"log/slog"
	"time"
)

// probeInterval is how often Run checks Meilisearch.
const probeInterval = 2 * time.Second

// Run keeps search working while the portal serves, until ctx ends: it sets the index up if
// start-up could not and checks Meilisearch every probeInterval. While Meilisearch answers, the
// indexing jobs snoozed by a portal that could not reach it are made due at once; when it answers
// after not answering (and once at start, for what an earlier process left), the jobs waiting for
// a retry too. So the backlog drains by itself.
func (c *Client) Run(ctx context.Context) {
	down, resumed := false, false
	for {
		err := c.probe(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case err != nil:
			if !down {
				slog.Warn("meilisearch is not usable: search answers from Postgres, indexing waits", "index", c.index, "err", err)
			}
			down = true
		default:
			if down {
				slog.Info("meilisearch answers again", "index", c.index)
			}
			n, err := c.store.ResumeSearchJobs(ctx, down || !resumed)
			switch {
			case err != nil && ctx.Err() != nil:
				return
			case err != nil:
				slog.Warn("resuming the indexing jobs", "err", err)
			default:
				if n > 0 {
					slog.Info("indexing jobs resumed", "count", n)
				}
				down, resumed = false, true
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(probeInterval):
		}
	}
}

// probe sets the index up if it is not, else pings.
func (c *Client) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, TaskTimeout)
	defer cancel()
	if !c.Ready() {
		if err := c.Setup(ctx); err != nil {
			c.markDown()
			return err
		}
		return nil
	}
	if err := c.Ping(ctx); err != nil {
		c.markDown()
		return err
	}
	c.markUp()
	return nil
}
