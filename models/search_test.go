package models_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/hzcbec/portal/models"
)

// searchJobs lists the indexing jobs of a record: River rows that the triggers inserted.
func searchJobs(t *testing.T, s *models.Store, typ, id string) int {
	t.Helper()
	var n int
	payload, _ := json.Marshal(map[string]string{"type": typ, "id": id})
	err := s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'search_index'
		AND args @> $1 AND state = 'available' AND priority = 2 AND max_attempts = 25 AND queue = 'search'`, payload).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Every write of a searchable record enqueues its indexing job in the same transaction: once
// however often the record changes in it, never when it rolls back; deletes too.
func TestSearchOutbox(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	p, err := s.CreateProduct(ctx, models.SystemActor, models.NewProduct{Name: "移动电源", Brand: "Outbox", Category: "electronics", OriginCountry: "CN"})
	if err != nil {
		t.Fatal(err)
	}
	if n := searchJobs(t, s, "product", p.ID); n != 1 {
		t.Fatalf("creating a product enqueued %d jobs", n)
	}
	err = pgx.BeginFunc(ctx, s.Pool(), func(tx pgx.Tx) error {
		for _, m := range []string{"A1", "A2", "A3"} {
			if _, err := tx.Exec(ctx, `UPDATE products SET model = $1 WHERE id = $2`, m, p.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := searchJobs(t, s, "product", p.ID); n != 2 {
		t.Fatalf("three updates in one transaction: %d jobs in all, want 2", n)
	}
	tx, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE products SET model = 'rolled back' WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n := searchJobs(t, s, "product", p.ID); n != 2 {
		t.Fatalf("a rolled-back update left a job: %d", n)
	}
	if _, err := s.Pool().Exec(ctx, `DELETE FROM products WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	if n := searchJobs(t, s, "product", p.ID); n != 3 {
		t.Fatalf("deleting: %d jobs, want 3", n)
	}
	var rows []models.SearchRow
	if err := s.SearchRecords(ctx, "product", []string{p.ID}, func(r []models.SearchRow) error { rows = r; return nil }); err != nil || len(rows) != 0 {
		t.Fatalf("a deleted product reads as %v %v", rows, err)
	}
}

// The fallback applies the live policy to the relations a document carries: a consumer finds
// their own complaint only.
func TestSearchFallbackAccess(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	owner := newUser(t, s, "fallback-owner@example.com")
	if _, err := s.EnsureParty(ctx, models.SystemActor, models.Party{ID: "fallback-shop", Kind: "merchant", Name: "回退商店", Country: "CN"}); err != nil {
		t.Fatal(err)
	}
	c := &models.Complaint{ComplainantID: owner.ID, RespondentID: "fallback-shop", OrderRef: "O-1", Category: "quality",
		Amount: "1.00", Currency: "CNY", Description: "移动电源外壳鼓包", Request: "退款"}
	c.Status, c.Jurisdiction = "filed", "330106"
	if err := s.File(ctx, models.Filing{Actor: models.Actor{UserID: owner.ID}, Action: "file", Relation: "complainant"}, c); err != nil {
		t.Fatal(err)
	}
	find := func(v models.SearchViewer, terms ...[]string) bool {
		rows, err := s.SearchFallback(ctx, models.SearchMatch{Types: models.SearchTypes, Terms: terms, Viewer: v, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(rows, func(r models.SearchRow) bool { return r.ID == c.ID && r.Type == "complaint" })
	}
	policy, err := s.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	viewer := func(u *models.User) models.SearchViewer {
		return models.SearchViewer{Reads: []models.Access{policy.Readable("complaint", u)}}
	}
	shop, here, there := "fallback-shop", "330106", "330108"
	power := []string{"充电宝", "移动电源"}
	for _, tc := range []struct {
		name string
		u    *models.User
		want bool
	}{
		{"owner", owner, true},
		{"someone else", &models.User{ID: "someone", Roles: models.Roles{"consumer"}}, false},
		{"the respondent's merchant", &models.User{ID: "m", Roles: models.Roles{"merchant"}, PartyID: &shop}, true},
		{"the respondent as a platform", &models.User{ID: "p", Roles: models.Roles{"platform"}, PartyID: &shop}, false},
		{"an inspector of the district", &models.User{ID: "i", Roles: models.Roles{"inspector"}, Jurisdiction: &here}, true},
		{"an inspector elsewhere", &models.User{ID: "j", Roles: models.Roles{"inspector"}, Jurisdiction: &there}, false},
		{"admin", &models.User{ID: "a", Roles: models.Roles{"admin"}}, true},
		{"the public", nil, false},
	} {
		if got := find(viewer(tc.u), power); got != tc.want {
			t.Errorf("%s finds the complaint: %v, want %v", tc.name, got, tc.want)
		}
	}
	if find(viewer(owner), power, []string{"起火"}) {
		t.Error("a term the text does not hold matched")
	}
}
