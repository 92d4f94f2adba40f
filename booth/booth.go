// Package booth is the domain of medibooth: the event, organisations, visitors,
// consents and scans, the rules that decide a check-in, and the interfaces the
// store implements. It imports neither Fyne nor SQL, so the rules can be tested
// on their own and every front end (GUI, CLI, HQ) shares them.
package booth

import (
	"errors"
	"fmt"
)

// Error codes. The store maps constraint failures to them; the UI and CLI
// show Message to people and keep the rest for the log.
const (
	EINVALID  = "invalid"  // bad input from a person or a file
	ENOTFOUND = "notfound" // the thing asked for does not exist
	ECONFLICT = "conflict" // the thing exists already, or the state forbids it
	EINTERNAL = "internal" // a bug or a failing disk
	// EUNAVAILABLE: the storage cannot take a write now (a full disk,
	// read-only media); nothing was saved, nothing earlier was lost, and
	// the same action succeeds once the cause is gone.
	EUNAVAILABLE = "unavailable"
)

// Error is a domain error: a code for programs and one clear sentence for people.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not ours and
// "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the sentence to show a person for err. Internal errors
// get a generic sentence; their detail belongs in the log.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong inside medibooth; the details are in the log."
}
