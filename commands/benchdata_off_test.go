//go:build !bench

package commands

import (
	"context"
	"strings"
	"testing"
)

// A binary built without -tags bench has no benchmark data generators, and says how to get them.
func TestBenchDataNeedsTheBenchTag(t *testing.T) {
	for _, kind := range []string{"trace", "stats", "reviews"} {
		err := Run(context.Background(), []string{"bench-data", kind})
		if err == nil || !strings.Contains(err.Error(), "-tags bench") {
			t.Errorf("bench-data %s: %v, want an error naming -tags bench", kind, err)
		}
	}
}
