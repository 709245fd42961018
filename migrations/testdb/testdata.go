package testdb

import (
	"os"
	"path/filepath"
	"testing"
)

// Testdata is the path of a file or folder in the real data the repository carries
// (testdata/ at its root, see its README): PORTAL_TESTDATA when set, else the testdata folder
// beside the go.mod found walking up from the test's folder. Missing data fails the test: tests
// on real data must not vanish.
func Testdata(tb testing.TB, parts ...string) string {
	tb.Helper()
	root := os.Getenv("PORTAL_TESTDATA")
	if root == "" {
		dir, err := os.Getwd()
		if err != nil {
			tb.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				root = filepath.Join(dir, "testdata")
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				tb.Fatal("no go.mod above the test's folder: set PORTAL_TESTDATA to the real data's folder")
			}
			dir = parent
		}
	}
	path := filepath.Join(append([]string{root}, parts...)...)
	if _, err := os.Stat(path); err != nil {
		tb.Fatalf("the real data %s is not there (testdata/README.md): %v", path, err)
	}
	return path
}
