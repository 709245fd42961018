package app

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/hzcbec/portal/models"
)

// The search benchmark's data: real online-shopping reviews as complaints (`portal bench-data
// reviews`, BenchmarkSearch, TestSearchRelevance). Not behind the bench tag, as the other data
// generators are, because TestSearchRelevance is in `make test`; only bench-tagged code and tests
// call these functions, so the linker leaves them out of the production binary.

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
