package testdb

import (
	"os"
	"path/filepath"
	"testing"
)

// Testdata is the path of a file or folder in the shared real data (../shared/testdata beside
// the repository): PORTAL_TESTDATA when set, else the first shared/testdata found walking up
// from the test's folder. Missing data fails the test: tests on real data must not vanish.
func Testdata(tb testing.TB, parts ...string) string {
	tb.Helper()
	root := os.Getenv("PORTAL_TESTDATA")
	if root == "" {
		dir, err := os.Getwd()
		if err != nil {
			tb.Fatal(err)
		}
		for {
			candidate := filepath.Join(dir, "shared", "testdata")
			if st, err := os.Stat(candidate); err == nil && st.IsDir() {
				root = candidate
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				tb.Fatal("the shared test data (shared/testdata beside the repository) is not found: set PORTAL_TESTDATA")
			}
			dir = parent
		}
	}
	return filepath.Join(append([]string{root}, parts...)...)
}
