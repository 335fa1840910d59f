// This file defines the errors the readers return, so that every message
// names the file, the part of it (zip entry) and the byte offset.

package weights

import (
	"errors"
	"fmt"
)

// ErrUnsafe is wrapped by errors for pickles that would run code: a global
// outside the whitelist, or an opcode that calls or builds arbitrary objects.
var ErrUnsafe = errors.New("refused to load: the pickle would call code")

// FormatError reports a malformed, truncated, unsupported or unsafe
// checkpoint file.
type FormatError struct {
	File   string // the path or name given to the reader
	Entry  string // the zip entry or section, or ""
	Offset int64  // byte offset within Entry (or the file), or -1
	Msg    string
	Err    error // ErrUnsafe, an I/O error, or nil
}

func (e *FormatError) Error() string {
	s := "weights: " + e.File
	if e.Entry != "" {
		s += ": " + e.Entry
	}
	if e.Offset >= 0 {
		s += fmt.Sprintf(": offset %d", e.Offset)
	}
	s += ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *FormatError) Unwrap() error { return e.Err }

// formatErr returns a *FormatError without an offset.
func formatErr(file, entry string, format string, args ...any) error {
	return &FormatError{File: file, Entry: entry, Offset: -1, Msg: fmt.Sprintf(format, args...)}
}
