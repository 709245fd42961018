package app

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/schollz/progressbar/v3"

	"github.com/hzcbec/portal/models"
)

// Review is one row of online_shopping_10_cats.csv: the product kind, 1 for a good review, the text.
type Review struct {
	Cat    string
	Label  string
	Review string
}

// ReadReviews reads up to limit reviews (all when limit <= 0) from the zip of
// online_shopping_10_cats.csv, skipping empty ones.
func ReadReviews(path string, limit int) ([]Review, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".csv") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		r := csv.NewReader(rc)
		r.LazyQuotes = true
		r.FieldsPerRecord = -1
		var out []Review
		for first := true; limit <= 0 || len(out) < limit; first = false {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.Name, err)
			}
			if first || len(rec) < 3 {
				continue
			}
			text := strings.TrimSpace(strings.TrimPrefix(strings.Join(rec[2:], ","), "\ufeff"))
			if text == "" {
				continue
			}
			if n := []rune(text); len(n) > 10000 {
				text = string(n[:10000])
			}
			out = append(out, Review{Cat: rec[0], Label: rec[1], Review: text})
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s holds no CSV file", path)
}

// reviewCategory maps a review, roughly, to a complaint category.
func reviewCategory(r Review) string {
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(r.Review, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("假货", "正品", "山寨", "盗版"):
		return "counterfeit"
	case has("爆炸", "起火", "漏电", "触电", "烫伤", "过敏"):
		return "safety"
	case has("没收到", "不发货", "物流", "快递", "送货"):
		return "non_delivery"
	case has("不符", "描述", "图片", "色差"):
		return "not_as_described"
	case has("客服", "售后", "退货", "换货", "维修"):
		return "after_sales"
	case r.Label == "0":
		return "quality"
	}
	return "other"
}

// LoadReviews inserts reviews as complaints of the demo consumer against demo-merchant, with
// COPY in transactions of batch rows; the search trigger enqueues an indexing job for each.
// progress is told the rows of each committed batch. It answers the complaints' ids.
func LoadReviews(ctx context.Context, store *models.Store, reviews []Review, jurisdiction string, progress func(int)) ([]string, error) {
	consumer, err := store.UserByEmail(ctx, "consumer@demo.portal")
	if err != nil {
		return nil, fmt.Errorf("the demo consumer (run `portal seed` first): %w", err)
	}
	jur, err := store.ComplaintJurisdiction(ctx, "demo-merchant", nil, jurisdiction)
	if err != nil {
		return nil, err
	}
	cols := []string{"id", "number", "complainant_id", "respondent_id", "jurisdiction", "order_ref", "category",
		"amount", "currency", "description", "request", "status", "deadlines", "created_at", "updated_at"}
	const batch = 2000
	ids := make([]string, 0, len(reviews))
	year := time.Now().Year()
	for start := 0; start < len(reviews); start += batch {
		part := reviews[start:min(start+batch, len(reviews))]
		tx, err := store.Pool().Begin(ctx)
		if err != nil {
			return ids, err
		}
		var first int64
		if err := tx.QueryRow(ctx, `SELECT nextval('complaint_number_seq')`).Scan(&first); err != nil {
			_ = tx.Rollback(ctx)
			return ids, err
		}
		if _, err := tx.Exec(ctx, `SELECT setval('complaint_number_seq', $1)`, first+int64(len(part))); err != nil {
			_ = tx.Rollback(ctx)
			return ids, err
		}
		now := time.Now()
		rows := make([][]any, len(part))
		for i, r := range part {
			id := uuid.Must(uuid.NewV7()).String()
			ids = append(ids, id)
			rows[i] = []any{id, fmt.Sprintf("CP-%d-%06d", year, first+int64(i)), consumer.ID, "demo-merchant", jur,
				fmt.Sprintf("REV-%06d", start+i+1), reviewCategory(r), "0", "CNY", r.Review,
				"商品类别：" + r.Cat + "。请商家处理。", "filed", "{}", now, now}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"complaints"}, cols, pgx.CopyFromRows(rows)); err != nil {
			_ = tx.Rollback(ctx)
			return ids, err
		}
		if err := tx.Commit(ctx); err != nil {
			return ids, err
		}
		progress(len(part))
	}
	return ids, nil
}

// BenchDataReviews is `portal bench-data reviews --file ZIP [--limit N]`: it inserts the real
// online-shopping reviews as complaint descriptions, then runs the indexing workers (a running
// portal helps) until the index has caught up, and says the indexing throughput.
// For a benchmark database only: the rows bypass the workflow's timeline and the audit trail.
func BenchDataReviews(ctx context.Context, cfg Config, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("bench-data reviews", flag.ContinueOnError)
	fs.SetOutput(w)
	file := fs.String("file", "", "online_shopping_10_cats.zip")
	limit := fs.Int("limit", 0, "load at most N reviews (0: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("--file is required: the zip of online_shopping_10_cats.csv")
	}
	reviews, err := ReadReviews(*file, *limit)
	if err != nil {
		return err
	}
	s, err := New(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.store.Close()
	bar := benchBar(len(reviews), "inserting", w)
	started := time.Now()
	ids, err := LoadReviews(ctx, s.store, reviews, cfg.DefaultJurisdiction, func(n int) { _ = bar.Add(n) })
	_ = bar.Finish()
	if err != nil {
		return err
	}
	inserted := time.Since(started)
	fmt.Fprintf(w, "%d complaints inserted in %s (%.0f rows/s)\n", len(ids), inserted.Round(time.Millisecond), float64(len(ids))/inserted.Seconds())

	jobsCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	if err := s.jobs.Start(jobsCtx); err != nil {
		return fmt.Errorf("starting the job workers: %w", err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = s.jobs.Stop(stopCtx)
	}()
	backlog, err := s.store.SearchBacklog(ctx)
	if err != nil {
		return err
	}
	bar = benchBar(backlog, "indexing", w)
	for backlog > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		if backlog, err = s.store.SearchBacklog(ctx); err != nil {
			return err
		}
		_ = bar.Set(max(bar.GetMax()-backlog, 0))
	}
	_ = bar.Finish()
	took := time.Since(started)
	fmt.Fprintf(w, "index %s caught up: %d complaints searchable %s after the first commit: %.0f docs/s\n",
		s.search.Index(), len(ids), took.Round(time.Millisecond), float64(len(ids))/took.Seconds())
	return nil
}

func benchBar(total int, what string, w io.Writer) *progressbar.ProgressBar {
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
}
