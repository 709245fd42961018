package commands

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/migrations/testdb"
)

// `portal import` as an operator runs it: the summary on stdout, the progress bar on stderr; the
// second run finds everything present; the Slovak SOI list is refused.
func TestImportCommand(t *testing.T) {
	t.Setenv("DATABASE_URL", testdb.New(t))
	ctx := context.Background()
	cfg, err := app.LoadConfig(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	file := testdb.Testdata(t, "recalls", "us_cpsc_nhtsa_fda_kids_recalls_kindlykiddo_sample.csv")
	for i, want := range []string{"alerts created     8", "already present    8"} {
		var out, bar bytes.Buffer
		if err := importAlerts(ctx, cfg, "cpsc", []string{file}, &out, &bar); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "1 × agency NHTSA") || !strings.Contains(bar.String(), "(8/8)") {
			t.Errorf("run %d: stdout\n%s\nstderr\n%s", i+1, out.String(), bar.String())
		}
	}
	soi := testdb.Testdata(t, "recalls", "sk_soi_unsafe_products_110.csv")
	err = Run(ctx, []string{"import", "safety-gate", soi})
	if err == nil || !strings.Contains(err.Error(), "not a safety-gate export") {
		t.Errorf("the Slovak SOI list: %v", err)
	}
}
