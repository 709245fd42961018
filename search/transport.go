package search

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// Connect is a Meilisearch client over meiliTransport, with no retries of its own: River
// retries indexing, and a search falls back to Postgres. The portal and its search benchmark's
// direct side both talk to Meilisearch through it.
func Connect(url, key string) meilisearch.ServiceManager {
	return meilisearch.New(url, meilisearch.WithAPIKey(key), meilisearch.DisableRetries(),
		meilisearch.WithCustomClient(&http.Client{Timeout: 2 * TaskTimeout, Transport: meiliTransport()}))
}

// meiliTransport keeps a connection per concurrent search (Go's default keeps two idle ones per
// host), and acknowledges what Meilisearch sends at once. Meilisearch writes a response in more
// than one segment on a keep-alive connection without TCP_NODELAY, so its last segment waits for
// our acknowledgement of the first, which Linux delays by 40 ms: every search took 44 ms on an
// idle machine, 1.2 ms with the acknowledgement sent at once (docs/benchmarks.md, "Search").
func meiliTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 128
	t.MaxIdleConnsPerHost = 64
	dialer := &net.Dialer{Timeout: callTimeout, KeepAlive: 30 * time.Second}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if tcp, ok := c.(*net.TCPConn); ok && err == nil {
			return quickAck(tcp), nil
		}
		return c, err
	}
	return t
}
