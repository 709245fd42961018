package models

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/hzcbec/portal/migrations/testdb"
)

// Each table's text in the fallback is the expression its trigram index was built on, so a
// degraded search scans the index, not the table.
func TestSearchTextUsesTheTrigramIndexes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, testdb.New(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, table := range SearchTables {
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `EXPLAIN SELECT d.id FROM `+searchSQL+` WHERE d.type = ANY($1) AND d.search_text ILIKE $2`,
				SearchDocTypes(table), "%充电宝%")
			if err != nil {
				return err
			}
			plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return err
			}
			if text := strings.Join(plan, "\n"); !strings.Contains(text, searchTable[table]+"_search_trgm") {
				t.Errorf("%s: the fallback does not use %s_search_trgm:\n%s", table, searchTable[table], text)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
