package models

// Page asks for one page of a list: at most Limit items after Cursor.
type Page struct {
	Limit  int
	Cursor string
}

// Page size bounds shared by every list.
const (
	DefaultPageLimit = 20
	MaxPageLimit     = 100
)

// NewPage bounds a requested limit; 0 means the default.
func NewPage(limit int, cursor string) (Page, error) {
	switch {
	case limit == 0:
		limit = DefaultPageLimit
	case limit < 0 || limit > MaxPageLimit:
		return Page{}, Invalid(FieldError{Field: "limit", Rule: "between", Param: "1-100"})
	}
	return Page{Limit: limit, Cursor: cursor}, nil
}

// pageOf trims the one extra row a query fetched and turns it into the next cursor.
func pageOf[T any](rows []T, limit int, cursor func(T) string) ([]T, *string, error) {
	if len(rows) <= limit {
		return rows, nil, nil
	}
	rows = rows[:limit]
	next := cursor(rows[limit-1])
	return rows, &next, nil
}
