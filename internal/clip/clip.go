package clip

import (
	"fmt"
	"unicode/utf8"
)

// Quoted is the most bytes of a user's field or key an error quotes.
const Quoted = 40

// Message is the longest error message Error lets through unchanged.
const Message = 300

// String returns s cut to Quoted bytes (on a rune boundary), with its
// length: "abc... (5000 bytes)".
func String(s string) string {
	if len(s) <= Quoted {
		return s
	}
	return cut(s, Quoted) + fmt.Sprintf("... (%d bytes)", len(s))
}

func cut(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Error returns err, or when its message is longer than Message bytes
// (it quotes the input: a JSON decoder's unknown field, say), an error
// with the message cut that still wraps err for errors.Is and errors.As.
func Error(err error) error {
	if err == nil || len(err.Error()) <= Message {
		return err
	}
	return clipped{err}
}

type clipped struct{ err error }

func (c clipped) Error() string {
	s := c.err.Error()
	return fmt.Sprintf("%s... (%d bytes more)", cut(s, Message), len(s)-len(cut(s, Message)))
}

func (c clipped) Unwrap() error { return c.err }
