package commands

import (
	"context"
	"fmt"
	"net"
	"os"

	"github.com/hzcbec/portal/app"
)

// serve is `portal serve`: the portal on PORTAL_ADDR until ctx ends.
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
