package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Flatten puts text on one line: CR LF, LF, CR and other control characters become a space,
// runs of spaces collapse and the ends are trimmed. ANSI escape sequences and bidirectional
// controls are dropped (Text). The writers and the CI adapters share it.
func Flatten(s string) string {
	s = Text(strings.Map(func(r rune) rune {
		if r < 0x20 && r != 0x1b { // a control between words still separates them
			return ' '
		}
		return r
	}, s))
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
