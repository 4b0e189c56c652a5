package redact

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The control-character cleaner. Text from a server (error messages, suite, task, case,
// request and plan names) or from the repository may hold line breaks, ANSI escape sequences,
// bidirectional controls and workflow commands. Inline makes such text harmless inside one
// line of a terminal or CI log; Text makes it harmless inside a document; Line guards a whole
// line the runner prints.

// isUnsafe reports whether r may not appear as is in a line of output: a C0 or C1 control
// character (TAB excepted), DEL, a line or paragraph separator, a bidirectional control
// (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) or a character XML cannot carry
// (U+FFFE, U+FFFF).
func isUnsafe(r rune) bool {
	switch {
	case r == '\t':
		return false
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x2028, r == 0x2029, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
		r == 0x200e, r == 0x200f, r == 0x061c, r == 0xfffe, r == 0xffff:
		return true
	}
	return false
}

// Inline returns s made safe inside one line of terminal or CI-log output: line breaks,
// every other control character and the bidirectional controls are escaped visibly (`\n`,
// `\r`, `\x1b`, `\u202e`), invalid UTF-8 becomes U+FFFD, and the legacy workflow-command
// marker `##[` (which GitHub's runner honours anywhere in a line) becomes `##\[`. The result
// holds no line break, so it can never begin a line of its own.
func Inline(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80 && isUnsafe(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case isUnsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == '#' && strings.HasPrefix(s[i:], "##["):
			b.WriteString(`##\[`)
			size = 3
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII (or TAB) without `##[`: Inline leaves it as is.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return !strings.Contains(s, "##[")
}

// Line returns one line of output made safe to print (line must not hold its line break): it
// is Inline(line), and a line that would begin (after blanks) with `::` — the start of a
// workflow command — gets a backslash in front. Every line the runner prints to stdout or
// stderr passes through Line, except GitHub workflow commands it issues itself.
func Line(line string) string {
	line = Inline(line)
	if strings.HasPrefix(strings.TrimLeftFunc(line, unicode.IsSpace), "::") {
		return `\` + line
	}
	return line
}

// Text returns s made safe inside a document (HTML, Markdown, XML, JSON): ANSI escape
// sequences (CSI and OSC) and lone ESC characters are dropped with every other control
// character except TAB and LF, CR LF and lone CR become LF, the bidirectional controls and
// the characters XML cannot carry are dropped, and invalid UTF-8 becomes U+FFFD.
func Text(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || (isUnsafe(r) && r != '\n') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == 0x1b || r == 0x9b:
			size = escapeLen(s[i:], size)
		case r == '\r':
			b.WriteByte('\n')
			if strings.HasPrefix(s[i+1:], "\n") {
				size++
			}
		case r == '\n':
			b.WriteByte('\n')
		case isUnsafe(r):
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// escapeLen is the length of the escape sequence at the start of s (ESC or the C1 CSI
// U+009B, of size bytes): CSI `ESC [ params final`, OSC `ESC ] … BEL|ESC \`, a two-byte
// `ESC x` (x in 0x30–0x7E), or the ESC alone.
func escapeLen(s string, size int) int {
	csi := size == 2 // U+009B
	i := size
	if !csi {
		if i >= len(s) {
			return i
		}
		switch s[i] {
		case '[':
			csi = true
			i++
		case ']':
			for j := i + 1; j < len(s); j++ {
				if s[j] == 0x07 {
					return j + 1
				}
				if s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\' {
					return j + 2
				}
			}
			return len(s)
		default:
			if s[i] >= 0x30 && s[i] <= 0x7e {
				return i + 1
			}
			return i
		}
	}
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f { // parameter and intermediate bytes
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e { // final byte
		i++
	}
	return i
}
