package models

import (
	"errors"
	"fmt"
)

// Error codes carried by domain errors; app/ maps each to an HTTP status.
const (
	EBADREQUEST = "bad_request" // the body is not JSON, or not the shape expected
	EINVALID    = "invalid"     // well-formed but invalid input: Fields names what is wrong
	ENOTFOUND   = "not_found"   // no such thing, or the caller may not see it
	ECONFLICT   = "conflict"    // a duplicate, or not valid in the current state
	EFORBIDDEN  = "forbidden"   // the caller may see it but may not do this
	EUNAUTH     = "unauthorized"
	ETOOMANY    = "too_many_requests"
	EINTERNAL   = "internal"
)

// Error is a domain error. Message is a key of the message catalogs (views/locales), so the
// caller's language is chosen at the edge, not here.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// RetryAfter is set on ETOOMANY, and on a key whose request still runs: seconds before
	// trying again makes sense.
	RetryAfter int
}

// FieldError says which field is wrong and by which rule; Param is the rule's argument (a length, a list).
type FieldError struct {
	Field string
	Rule  string
	Param string
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Message, e.Fields)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf makes a domain error with a catalog message key.
func Errorf(code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// Invalid makes an EINVALID error naming the bad fields.
func Invalid(fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: "validation_failed", Fields: fields}
}

// ErrorCode returns the code of a domain error, EINTERNAL for anything else.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
