package models

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/lib/pq"
)

// pgx encodes pq.Array's wrappers through their elements, in binary, once usePQArrayElements
// has run; without it, through their text (the Valuer).
func TestPQArraysEncodeThroughTheirElements(t *testing.T) {
	for _, tc := range []struct {
		oid   uint32
		value any
	}{
		{pgtype.TextArrayOID, pq.Array([]string{"a"})},
		{pgtype.Int8ArrayOID, pq.Array([]int64{1})},
		{pgtype.Int2ArrayOID, pq.Array([]int16{1})}, // GenericArray
		{pgtype.ByteaArrayOID, pq.Array([][]byte{{1}})},
		{pgtype.TimestamptzArrayOID, pq.Array([]time.Time{time.Now()})},
	} {
		plain := pgtype.NewMap()
		if _, unwrapped := plain.PlanEncode(tc.oid, pgtype.BinaryFormatCode, tc.value).(*pqArrayPlan); unwrapped {
			t.Fatalf("%T: unwrapped without usePQArrayElements", tc.value)
		}
		m := pgtype.NewMap()
		usePQArrayElements(m)
		if _, unwrapped := m.PlanEncode(tc.oid, pgtype.BinaryFormatCode, tc.value).(*pqArrayPlan); !unwrapped {
			t.Errorf("%T: not encoded through its elements", tc.value)
		}
	}
}

// pgx keeps one plan per parameter type and Go type, and every GenericArray is the same Go type:
// one holding another slice than the plan was made for is an error, not a panic.
func TestPQGenericArrayOfAnotherSliceIsAnError(t *testing.T) {
	m := pgtype.NewMap()
	usePQArrayElements(m)
	plan := m.PlanEncode(pgtype.Int2ArrayOID, pgtype.BinaryFormatCode, pq.GenericArray{A: []int16{1}})
	if _, err := plan.Encode(pq.GenericArray{A: []time.Time{time.Now()}}, nil); err == nil {
		t.Fatal("a GenericArray of times went through a plan made for smallints")
	}
	if _, err := plan.Encode(pq.GenericArray{A: []int16{2, 3}}, nil); err != nil {
		t.Fatal(err)
	}
}
