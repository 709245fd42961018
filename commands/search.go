package commands

import (
	"context"
	"fmt"
	"io"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/search"
)

// openSearch opens the database and the search index the configuration names.
func openSearch(ctx context.Context, cfg app.Config) (*models.Store, *search.Client, error) {
	store, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	client, err := search.Open(cfg.MeiliURL, cfg.MeiliKey, cfg.SearchIndex, store)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, client, nil
}

// reindex is `portal reindex`: every searchable record sent to the index again, and the
// documents of records that are gone deleted, with a progress bar on stderr.
func reindex(ctx context.Context, cfg app.Config, stdout, stderr io.Writer) error {
	store, client, err := openSearch(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	bar := newBar(0, "indexing", stderr)
	err = client.Reindex(ctx, func(done, total int) {
		bar.ChangeMax(total)
		_ = bar.Set(done)
	})
	_ = bar.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "index %s rebuilt: %d records\n", client.Index(), bar.GetMax())
	return nil
}

// searchCheck is `portal search check`: it names every difference between Postgres and the
// index, and fails when there is one.
func searchCheck(ctx context.Context, cfg app.Config, stdout io.Writer) error {
	store, client, err := openSearch(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	diffs, err := client.Check(ctx)
	if err != nil {
		return err
	}
	for _, d := range diffs {
		fmt.Fprintln(stdout, d)
	}
	if len(diffs) == 0 {
		fmt.Fprintf(stdout, "index %s matches Postgres\n", client.Index())
		return nil
	}
	backlog, err := store.SearchBacklog(ctx)
	if err == nil && backlog > 0 {
		fmt.Fprintf(stdout, "(%d indexing jobs are still waiting; a running portal sends them)\n", backlog)
	}
	return fmt.Errorf("the index differs from Postgres in %d documents: run `portal reindex`", len(diffs))
}
