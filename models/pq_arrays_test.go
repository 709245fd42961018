package models_test

import (
	"testing"
	"time"

	"github.com/lib/pq"
)

// Arrays wrapped by pq.Array (River's database/sql driver passes its job columns so) reach
// Postgres exactly as written: awkward text, big numbers, raw bytes, times to the microsecond,
// River's enum, empty arrays and NULL.
func TestPQArraysReachPostgresIntact(t *testing.T) {
	s := openStore(t)
	at := time.Date(2026, 11, 27, 10, 0, 0, 123456000, time.FixedZone("CST", 8*3600))
	for _, tc := range []struct {
		name, sql string
		value     any
	}{
		{"text", `SELECT ?::text[] IS NOT DISTINCT FROM ARRAY['a', 'quo"te', 'com,ma', '{brace}', 'back\slash', 'NULL', '', '中文 空格']`,
			pq.Array([]string{"a", `quo"te`, "com,ma", "{brace}", `back\slash`, "NULL", "", "中文 空格"})},
		{"bigint", `SELECT ?::bigint[] IS NOT DISTINCT FROM ARRAY[1, -2, 9007199254740993]::bigint[]`,
			pq.Array([]int64{1, -2, 9007199254740993})},
		{"smallint", `SELECT ?::smallint[] IS NOT DISTINCT FROM ARRAY[1, 4]::smallint[]`, pq.Array([]int16{1, 4})},
		{"bytea", `SELECT ?::bytea[] IS NOT DISTINCT FROM ARRAY['\x0001ff'::bytea, ''::bytea]`,
			pq.Array([][]byte{{0, 1, 255}, {}})},
		{"timestamptz", `SELECT ?::timestamptz[] IS NOT DISTINCT FROM ARRAY['2026-11-27 02:00:00.123456+00'::timestamptz]`,
			pq.Array([]time.Time{at})},
		{"bool", `SELECT ?::boolean[] IS NOT DISTINCT FROM ARRAY[true, false]`, pq.Array([]bool{true, false})},
		{"enum", `SELECT ?::river_job_state[] IS NOT DISTINCT FROM ARRAY['available', 'scheduled']::river_job_state[]`,
			pq.Array([]string{"available", "scheduled"})},
		{"empty", `SELECT ?::text[] IS NOT DISTINCT FROM '{}'::text[]`, pq.Array([]string{})},
		{"null", `SELECT ?::text[] IS NULL`, pq.Array([]string(nil))},
	} {
		var same bool
		if err := s.Gorm().Raw(tc.sql, tc.value).Scan(&same).Error; err != nil || !same {
			t.Errorf("%s: arrived changed (err %v)", tc.name, err)
		}
	}
}
