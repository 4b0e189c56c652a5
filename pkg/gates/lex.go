package gates

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token of the gate language.
type tokKind int

const (
	tkEOF     tokKind = iota // end of the statement
	tkIdent                  // metric, keyword or unit: letters, digits, _ and .
	tkNumber                 // digits and dots
	tkString                 // "double-quoted", Go escapes
	tkOp                     // a run of < > = !
	tkColon                  // :
	tkComma                  // ,
	tkPlus                   // +
	tkMinus                  // -
	tkPercent                // %
	tkPerUnit                // / followed by letters, e.g. /s
)

// token is one lexical token.
type token struct {
	kind  tokKind
	text  string // as written
	val   string // unquoted value of a tkString
	line  int
	col   int  // 1-based, runes
	off   int  // byte offsets of the token in the lexed text
	end   int  //
	glued bool // no space between it and the previous token
}

// statement is the tokens of one gate: text up to a newline, `;` or `#`.
type statement struct {
	toks []token
	line int  // line of the first token
	bad  bool // a lexical problem was reported; the statement is not parsed
	eol  token
}

// lex splits text into statements and lists its lexical problems.
// Statements without tokens (blank lines, comments) are dropped.
func lex(text string) (out []statement, probs []Problem) {
	report := func(line, col int, text, msg string) {
		probs = append(probs, Problem{Line: line, Col: col, Text: text, Msg: msg})
	}
	var (
		cur     statement
		line    = 1
		col     = 1
		lastEnd = -1 // byte offset where the previous token ended
		i       = 0  // byte offset of the next rune
	)
	flush := func() {
		if len(cur.toks) > 0 {
			cur.eol = token{kind: tkEOF, line: line, col: col, off: i, end: i}
			out = append(out, cur)
		}
		cur = statement{}
		lastEnd = -1
	}
	emit := func(t token, start, end int) {
		t.glued = start == lastEnd
		t.off, t.end = start, end
		if len(cur.toks) == 0 {
			cur.line = t.line
		}
		cur.toks = append(cur.toks, t)
		lastEnd = end
	}
	// take emits text[i:j] as a token of kind and moves past it.
	take := func(kind tokKind, j int) {
		emit(token{kind: kind, text: text[i:j], line: line, col: col}, i, j)
		col += utf8.RuneCountInString(text[i:j])
		i = j
	}
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		start, startCol := i, col
		switch {
		case r == '\n':
			flush()
			i += size
			line, col = line+1, 1
			continue
		case r == ';':
			flush()
		case r == '#':
			for i < len(text) && text[i] != '\n' {
				_, sz := utf8.DecodeRuneInString(text[i:])
				i += sz
				col++
			}
			continue
		case isSpace(r):
		case r == '"':
			j, closed := i+1, false
			for j < len(text) && text[j] != '\n' {
				if text[j] == '\\' && j+1 < len(text) && text[j+1] != '\n' {
					j += 2
					continue
				}
				if text[j] == '"' {
					j, closed = j+1, true
					break
				}
				j++
			}
			raw := text[i:j]
			t := token{kind: tkString, text: raw, line: line, col: startCol}
			if !closed {
				report(line, startCol, raw, "unterminated quoted name: add the closing \" on this line")
				cur.bad = true
			} else if v, err := strconv.Unquote(raw); err != nil {
				report(line, startCol, raw, "invalid quoted name "+clip(raw)+": use Go escapes (\\\" for a quote, \\\\ for a backslash)")
				cur.bad = true
			} else {
				t.val = v
			}
			emit(t, start, j)
			col += utf8.RuneCountInString(raw)
			i = j
			continue
		case isDigit(r) || (r == '.' && i+1 < len(text) && isDigit(rune(text[i+1]))):
			j := i
			for j < len(text) && (isDigit(rune(text[j])) || text[j] == '.') {
				j++
			}
			take(tkNumber, j)
			continue
		case isIdentStart(r):
			j := i
			for j < len(text) {
				r2, sz := utf8.DecodeRuneInString(text[j:])
				if !isIdentStart(r2) && !unicode.IsDigit(r2) && r2 != '.' {
					break
				}
				j += sz
			}
			take(tkIdent, j)
			continue
		case strings.ContainsRune("<>=!", r):
			j := i
			for j < len(text) && strings.IndexByte("<>=!", text[j]) >= 0 {
				j++
			}
			take(tkOp, j)
			continue
		case r == '/' && i+1 < len(text) && isASCIILetter(text[i+1]):
			j := i + 1
			for j < len(text) && isASCIILetter(text[j]) {
				j++
			}
			take(tkPerUnit, j)
			continue
		case r == ':' || r == ',' || r == '+' || r == '-' || r == '%':
			kind := map[rune]tokKind{':': tkColon, ',': tkComma, '+': tkPlus, '-': tkMinus, '%': tkPercent}[r]
			emit(token{kind: kind, text: string(r), line: line, col: startCol}, start, i+size)
		default:
			s := text[i : i+size]
			msg := "unexpected character " + strconv.Quote(s)
			switch r {
			case '(', ')':
				msg += ": write p95, not p(95)"
			case '*':
				msg += ": write a relative limit as baseline + 10%"
			case '\'', '`', '“', '”':
				msg += ": quote names with \"double quotes\""
			}
			if !cur.bad { // one unexpected character per gate is enough
				report(line, startCol, s, msg)
			}
			cur.bad = true
		}
		i += size
		col++
	}
	flush()
	return out, probs
}

// clip shortens text for a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		s = string(r[:40]) + "…"
	}
	return s
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isIdentStart(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || isASCIILetter(byte(r))
	}
	return unicode.IsLetter(r)
}

// isSpace is white space within a line (a newline ends the statement).
func isSpace(r rune) bool {
	return r != '\n' && (unicode.IsSpace(r) || r == '\uFEFF')
}
