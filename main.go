// Command portal is the quality-traceability and dispute-resolution portal of Hangzhou's
// cross-border e-commerce zone. Its subcommands (serve, migrate, seed, users, audit, import,
// reindex, search, bench-data) are in package commands; `portal help` lists them.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/hzcbec/portal/commands"
)

func main() {
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stdout, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := commands.Run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}
