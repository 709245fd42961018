package commands

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/migrations/testdb"
	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/search"
)

// `portal search check` against the real Meilisearch: with no portal running, the index does
// not follow the writes and check names what is missing, then what is extra; `portal reindex`
// repairs it each time.
func TestReindexAndSearchCheck(t *testing.T) {
	dsn := testdb.New(t)
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	index := "test_cli_" + hex.EncodeToString(buf)
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("PORTAL_SEARCH_INDEX", index)
	ctx := context.Background()
	t.Cleanup(func() {
		if c, err := search.Open(os.Getenv("MEILI_URL"), os.Getenv("MEILI_MASTER_KEY"), index, nil); err == nil {
			_ = c.DeleteIndex(context.Background())
		}
	})
	store, err := models.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	p, err := store.CreateProduct(ctx, models.SystemActor, models.NewProduct{Name: "移动电源", Brand: "Reindex", Category: "electronics", OriginCountry: "CN"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Run(ctx, []string{"search", "check"}); err == nil || !strings.Contains(err.Error(), "1 documents") {
		t.Fatalf("check of an empty index: %v", err)
	}
	if err := Run(ctx, []string{"reindex"}); err != nil {
		t.Fatal(err)
	}
	if err := Run(ctx, []string{"search", "check"}); err != nil {
		t.Fatalf("check after reindex: %v", err)
	}
	if _, err := store.Pool().Exec(ctx, `DELETE FROM products WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	cfg, err := app.LoadConfig(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	checkStore, client, err := openSearch(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer checkStore.Close()
	diffs, err := client.Check(ctx)
	if err != nil || len(diffs) != 1 || diffs[0].Problem != "extra" || diffs[0].RecordID != p.ID {
		t.Fatalf("check after a delete nobody indexed: %v %v", diffs, err)
	}
	if err := Run(ctx, []string{"reindex"}); err != nil {
		t.Fatal(err)
	}
	if err := Run(ctx, []string{"search", "check"}); err != nil {
		t.Fatalf("check after the second reindex: %v", err)
	}
}
