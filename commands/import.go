package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/models/recalls"
)

// importReaders read each source's CSV into alerts.
var importReaders = map[string]struct {
	source string
	read   func(io.Reader) (*recalls.File, error)
}{
	"safety-gate": {recalls.SourceSafetyGate, recalls.ReadSafetyGate},
	"cpsc":        {recalls.SourceCPSC, recalls.ReadCPSC},
}

// importAlerts is `portal import safety-gate FILE` and `portal import cpsc FILE`: it stores the
// file's alerts (those already imported are left alone), proposes their matches with the
// registered products and listings, and prints what it did. Progress goes to stderr.
func importAlerts(ctx context.Context, cfg app.Config, kind string, args []string, stdout, stderr io.Writer) error {
	reader, ok := importReaders[kind]
	if !ok || len(args) != 1 {
		return errors.New("usage: portal import safety-gate FILE | portal import cpsc FILE")
	}
	path := args[0]
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	f, err := reader.read(file)
	if errors.Is(err, recalls.ErrNotSourceFile) {
		return fmt.Errorf("%s is not a %s export (%v): nothing imported", filepath.Base(path), kind, err)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()

	bar := newBar(len(f.Alerts), "importing", stderr)
	res, err := store.ImportAlerts(ctx, f, func(n int) { _ = bar.Add(n) })
	_ = bar.Finish()
	if err != nil {
		return err
	}
	bar = newBar(len(res.AlertIDs), "matching", stderr)
	proposed, err := store.MatchAlerts(ctx, res.AlertIDs, func(n int) { _ = bar.Add(n) })
	_ = bar.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s (%s):\n  rows read          %d\n  alerts created     %d\n  already present    %d\n  rows skipped       %d\n",
		filepath.Base(path), reader.source, res.Read, res.Created, res.AlreadyPresent, len(res.Skipped))
	reasons := map[string]int{}
	for _, s := range res.Skipped {
		reasons[s.Reason]++
	}
	keys := make([]string, 0, len(reasons))
	for r := range reasons {
		keys = append(keys, r)
	}
	sort.Strings(keys)
	for _, r := range keys {
		fmt.Fprintf(stdout, "    %4d × %s\n", reasons[r], r)
	}
	if res.InvalidBarcodes > 0 {
		fmt.Fprintf(stdout, "  barcodes that are no GTIN, kept in the source row only: %d\n", res.InvalidBarcodes)
	}
	fmt.Fprintf(stdout, "  matches proposed   %d\n", proposed)
	return nil
}
