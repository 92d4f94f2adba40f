// Package booth is the domain of medibooth: the event, organisations, visitors,
// consents and scans, the rules that decide a check-in, and the interfaces the
// store implements. It imports neither Fyne nor SQL, so the rules can be tested
// on their own and every front end (GUI, CLI, HQ) shares them.
package booth

import (
	"errors"
	"fmt"
	"strings"
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

// Error is a domain error: a code for programs and one clear sentence for
// people. Message is the sentence in English, for the CLI and the log; Key
// and Args are what it was made from, so that a screen can write it in its
// own language (Localize): the translation files hold Key (the format) in
// every language.
type Error struct {
	Code    string
	Message string
	Key     string // the format of Message; "" when Message is its own key
	Args    []any  // Key's values; an error among them is localized too
	Parts   []*Error
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	english := args
	for i, a := range args {
		if e, ok := a.(*Error); ok && e != nil {
			if len(english) > 0 && &english[0] == &args[0] {
				english = append([]any(nil), args...)
			}
			english[i] = e.Message
		}
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, english...), Key: format, Args: args}
}

// Localize returns the sentence of err in the language of tr, which
// translates a key (a sentence or a format) and returns it unchanged when it
// has no translation. Errors that are not ours get the generic sentence.
func Localize(err error, tr func(string) string) string {
	var e *Error
	if err == nil {
		return ""
	} else if !errors.As(err, &e) {
		return tr(internalSentence)
	}
	if len(e.Parts) > 0 {
		lines := make([]string, len(e.Parts))
		for i, p := range e.Parts {
			lines[i] = Localize(p, tr)
		}
		return strings.Join(lines, "\n")
	}
	if e.Key == "" {
		return tr(e.Message)
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		if ae, ok := a.(error); ok && !isNil(ae) {
			var inner *Error
			if errors.As(ae, &inner) {
				a = Localize(inner, tr)
			}
		}
		args[i] = a
	}
	return fmt.Sprintf(tr(e.Key), args...)
}

// isNil reports whether err is a typed nil, which Localize leaves alone.
func isNil(err error) bool {
	e, ok := err.(*Error)
	return ok && e == nil
}

// internalSentence is what people are told of an error that is not ours.
const internalSentence = "Something went wrong inside medibooth; the details are in the log."

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
	return internalSentence
}
