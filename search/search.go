// Package search owns Meilisearch: the client, index settings, documents, the indexing worker
// and the Postgres fallback.
package search

import (
	"context"
	"fmt"

	"github.com/meilisearch/meilisearch-go"
)

// Client talks to one Meilisearch server.
type Client struct {
	meili meilisearch.ServiceManager
}

// Open makes a client for the server at url with the given key.
func Open(url, key string) (*Client, error) {
	if url == "" {
		return nil, fmt.Errorf("MEILI_URL is not set: `make run` starts a Meilisearch server, or point MEILI_URL at one")
	}
	return &Client{meili: meilisearch.New(url, meilisearch.WithAPIKey(key))}, nil
}

// Ping checks that the server answers and is available.
func (c *Client) Ping(ctx context.Context) error {
	h, err := c.meili.Health(ctx)
	if err != nil {
		return fmt.Errorf("meilisearch: %w", err)
	}
	if h.Status != "available" {
		return fmt.Errorf("meilisearch: status %q", h.Status)
	}
	return nil
}
