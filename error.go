package fidelis

import (
	"errors"
	"fmt"
)

// Error codes, mapped to exit codes in cmd/ and to HTTP statuses in http/ (one table each).
const (
	EInvalid  = "invalid"   // bad input: a flag, a file, a value
	ENotFound = "not_found" // a file, a record or a store that does not exist
	EConflict = "conflict"  // the state forbids it (store locked, import in progress)
	EInternal = "internal"  // a bug or an engine failure
)

// Error is a domain error: a machine-readable code, a message for people and, where useful, a hint
// telling them what to try.
type Error struct {
	Code    string
	Message string
	Hint    string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithHint returns a copy of e carrying a "Try: …" hint.
func (e *Error) WithHint(format string, args ...any) *Error {
	c := *e
	c.Hint = fmt.Sprintf(format, args...)
	return &c
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for any other error and
// "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EInternal
}

// ErrorHint returns the hint of the first *Error in err's chain, or "".
func ErrorHint(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Hint
	}
	return ""
}
