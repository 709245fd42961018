package models

import (
	"fmt"
	"reflect"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/lib/pq"
)

// River's database/sql driver (riverdatabasesql, which inserts the deadline jobs inside GORM's
// transactions) passes its arrays wrapped in lib/pq's array types (pq.Array). Those are
// driver.Valuers: pgx would call Value, get the array as text, parse that text back into its
// elements and send them in binary, for every job inserted (a fifth of the Go time of a filing).
// unwrapPQArray lets pgx encode the elements themselves. When pgx cannot encode them for the
// parameter's type, it falls back to Value as before; the text pgx would then send is the same.

// usePQArrayElements puts unwrapPQArray first among the ways pgx tries to encode a value.
func usePQArrayElements(m *pgtype.Map) {
	m.TryWrapEncodePlanFuncs = append([]pgtype.TryWrapEncodePlanFunc{unwrapPQArray}, m.TryWrapEncodePlanFuncs...)
}

func unwrapPQArray(value any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	elements, ok := pqArrayElements(value)
	if !ok {
		return nil, nil, false
	}
	return &pqArrayPlan{elements: reflect.TypeOf(elements)}, elements, true
}

// pqArrayElements is the slice inside one of pq.Array's wrappers, as its plain slice type (the
// wrapper types are Valuers themselves); a nil wrapper is a nil slice (SQL NULL).
func pqArrayElements(value any) (any, bool) {
	switch v := value.(type) {
	case *pq.BoolArray:
		return plain[[]bool](v), true
	case *pq.Float64Array:
		return plain[[]float64](v), true
	case *pq.Float32Array:
		return plain[[]float32](v), true
	case *pq.Int64Array:
		return plain[[]int64](v), true
	case *pq.Int32Array:
		return plain[[]int32](v), true
	case *pq.StringArray:
		return plain[[]string](v), true
	case *pq.ByteaArray:
		return plain[[][]byte](v), true
	case pq.GenericArray:
		// Only the slices River passes this way. pgx keeps one plan for every GenericArray sent
		// as the same parameter type, so each of these must have a parameter type of its own.
		switch v.A.(type) {
		case []time.Time, []int16:
			return v.A, true
		}
	}
	return nil, false
}

// plain is the slice a wrapper points to, as the slice type S it is defined on.
func plain[S ~[]E, E any, W ~[]E](w *W) S {
	if w == nil {
		return nil
	}
	return S(*w)
}

// pqArrayPlan encodes a pq.Array wrapper as its elements, with the plan pgx found for them.
type pqArrayPlan struct {
	elements reflect.Type // the slice type the plan was made for
	next     pgtype.EncodePlan
}

func (p *pqArrayPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *pqArrayPlan) Encode(value any, buf []byte) ([]byte, error) {
	elements, _ := pqArrayElements(value)
	if t := reflect.TypeOf(elements); t != p.elements {
		// A GenericArray of another slice for the same parameter type: an error, never a panic.
		return nil, fmt.Errorf("pq array of %v sent where %v was planned", t, p.elements)
	}
	return p.next.Encode(elements, buf)
}
