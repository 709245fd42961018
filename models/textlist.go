package models

import (
	"database/sql/driver"
	"fmt"
	"strings"
)

// TextList is a Postgres text[] of simple words and ids (roles, hazards, GTINs, record ids):
// values without commas, braces or quotes, which the array literal then never quotes.
type TextList []string

// Value writes the array literal.
func (l TextList) Value() (driver.Value, error) {
	for _, v := range l {
		if strings.ContainsAny(v, `,{}"\ `) || v == "" {
			return nil, fmt.Errorf("text list: %q cannot be stored unquoted", v)
		}
	}
	return "{" + strings.Join(l, ",") + "}", nil
}

// Scan reads the array literal.
func (l *TextList) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("text list: cannot scan %T", src)
	}
	s = strings.Trim(s, "{}")
	*l = TextList{}
	if s != "" {
		*l = strings.Split(s, ",")
	}
	return nil
}

// Has tells whether the list holds v.
func (l TextList) Has(v string) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}
