package gates

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is one mistake in gate text or in a gates file.
type Problem struct {
	// Line is 1-based: the line of the gate text, or of the YAML file.
	Line int
	// Col is the 1-based column in characters (runes).
	Col int
	// Text is the offending text ("" at the end of a line).
	Text string
	// Msg says what is wrong, what is valid and, when a close name exists,
	// "did you mean …?".
	Msg string
}

// String returns "line:col: msg" ("line: msg" when the column is unknown,
// just msg when the line is).
func (p Problem) String() string {
	switch {
	case p.Line == 0:
		return p.Msg
	case p.Col == 0:
		return fmt.Sprintf("%d: %s", p.Line, p.Msg)
	}
	return fmt.Sprintf("%d:%d: %s", p.Line, p.Col, p.Msg)
}

// ParseError lists every problem found in gate text or a gates file.
type ParseError struct {
	// Source names the input in Error(), e.g. a file path; "" means "gates".
	Source string
	// Problems are in input order.
	Problems []Problem
}

// maxShownProblems bounds the problems Error() writes; Problems keeps all.
const maxShownProblems = 25

// Error returns one line for a single problem, else a header line and one
// indented line per problem (at most 25, then a count of the rest).
func (e *ParseError) Error() string {
	src := e.Source
	if src == "" {
		src = "gates"
	}
	switch len(e.Problems) {
	case 0:
		return src + ": invalid"
	case 1:
		return src + ": " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problems:", src, len(e.Problems))
	for i, p := range e.Problems {
		if i == maxShownProblems {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-i)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Suggest returns the candidates closest to word: an exact match ignoring
// case, else those within a small edit distance (transpositions count
// once), else those word is a prefix of (for words of 3+ characters); at
// most 3, in candidate order.
func Suggest(word string, candidates []string) []string {
	if word == "" {
		return nil
	}
	lw := strings.ToLower(word)
	for _, c := range candidates {
		if strings.ToLower(c) == lw && c != word {
			return []string{c}
		}
	}
	n := utf8.RuneCountInString(word)
	limit := 1
	switch {
	case n == 1:
		return nil // one character is close to every short name
	case n > 8:
		limit = 3
	case n > 4:
		limit = 2
	}
	best, out := limit, []string(nil)
	for _, c := range candidates {
		d := distance(lw, strings.ToLower(c))
		switch {
		case d < best:
			best, out = d, []string{c}
		case d == best:
			out = append(out, c)
		}
	}
	if len(out) > 1 {
		// Prefer a swap of letters ("p59" → "p95") among equally close names.
		var swaps []string
		for _, c := range out {
			if sameLetters(lw, strings.ToLower(c)) {
				swaps = append(swaps, c)
			}
		}
		if len(swaps) > 0 {
			out = swaps
		}
	}
	if out == nil && n >= 3 {
		for _, c := range candidates {
			if strings.HasPrefix(strings.ToLower(c), lw) {
				out = append(out, c)
			}
		}
	}
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

// sameLetters reports whether a and b hold the same runes in another order.
func sameLetters(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	slices.Sort(ra)
	slices.Sort(rb)
	return slices.Equal(ra, rb)
}

// distance is the optimal-string-alignment edit distance between a and b
// (insertions, deletions, substitutions and adjacent transpositions).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 30 // never close; keeps suggestion cost bounded
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// DidYouMean formats suggestions: ` (did you mean "p95"?)`, or "" for none.
func DidYouMean(s []string) string {
	if len(s) == 0 {
		return ""
	}
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = strconv.Quote(x)
	}
	return " (did you mean " + orList(q) + "?)"
}

// orList joins "a", "a or b", "a, b or c".
func orList(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// quoteAll quotes every name for a message listing names.
func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}
