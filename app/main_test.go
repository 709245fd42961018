package app_test

import (
	"io"
	"log/slog"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// The servers under test log every request; keep the test output readable.
	if os.Getenv("PORTAL_TEST_LOGS") == "" {
		slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	}
	os.Exit(m.Run())
}
