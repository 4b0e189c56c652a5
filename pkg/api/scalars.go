package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The documents type the same field differently from page to page (ids as numbers and as
// strings, counts as 12 and 12.0, figures as null): the typed clients decode through these.

// Int is a tolerant integer for ids and counters: it accepts 12, 12.0,
// 1.2e1, "12" and null (as 0). A fractional value is an error.
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	v, err := ParseInt(b)
	if err != nil {
		return err
	}
	*n = v
	return nil
}

// ParseInt decodes one JSON token (a literal, a string with its quotes, or the bytes of an
// object or array) as Int.UnmarshalJSON does. Decoders that walk a body themselves call it so
// that their integers follow the same rules.
func ParseInt(b []byte) (Int, error) {
	if IsNullOrEmpty(b) {
		return 0, nil
	}
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		return Int(v), nil // fast path: a plain JSON integer
	}
	s, ok := scalarText(b)
	if !ok {
		return 0, fmt.Errorf("cannot decode %.40s as an integer", b)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Int(v), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<63-1 {
		return 0, fmt.Errorf("cannot decode %.40s as an integer", b)
	}
	return Int(f), nil
}

// Number is a nullable, tolerant floating-point value for report figures:
// it accepts numbers, numeric strings ("12.5") and null. Null, "", strings
// that are not numbers and non-finite or out-of-range values ("NaN", 1e999)
// decode as not Valid; booleans, objects and arrays are errors.
type Number struct {
	// Value is the figure; meaningful only when Valid.
	Value float64
	// Valid is false when the service reported null or nothing.
	Valid bool
}

// NumberOf returns a valid Number holding v.
func NumberOf(v float64) Number { return Number{Value: v, Valid: true} }

// Get returns the value and whether it was reported.
func (n Number) Get() (float64, bool) { return n.Value, n.Valid }

// UnmarshalJSON implements json.Unmarshaler.
func (n *Number) UnmarshalJSON(b []byte) error {
	v, err := ParseNumber(b)
	*n = v // not Valid on error
	return err
}

// ParseNumber decodes one JSON token (a literal, a string with its quotes, or the bytes of an
// object or array) as Number.UnmarshalJSON does; on error the Number is not Valid. Decoders
// that walk a body themselves call it so that their figures follow the same rules.
func ParseNumber(b []byte) (Number, error) {
	if IsNullOrEmpty(b) {
		return Number{}, nil
	}
	if c := b[0]; c == '-' || c >= '0' && c <= '9' {
		// Fast path for a JSON number: no allocation.
		f, err := strconv.ParseFloat(string(b), 64)
		if math.IsInf(f, 0) {
			return Number{}, nil // out of range: not reported
		}
		if err != nil {
			return Number{}, fmt.Errorf("cannot decode %.40s as a number", b)
		}
		return Number{Value: f, Valid: true}, nil
	}
	if raw, ok := RawText(b); ok {
		// A string without escapes: parsed from the bytes, without a copy.
		f, err := strconv.ParseFloat(string(bytes.TrimSpace(raw)), 64)
		return textNumber(b, f, err)
	}
	s, ok := scalarText(b)
	if !ok {
		return Number{}, fmt.Errorf("cannot decode %.40s as a number", b)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return textNumber(b, f, err)
}

// textNumber is the Number of the scalar b that is not a JSON number, given what
// strconv.ParseFloat made of its text.
func textNumber(b []byte, f float64, err error) (Number, error) {
	if err != nil {
		if b[0] == '"' {
			return Number{}, nil // "N/A", "-": not reported
		}
		return Number{}, fmt.Errorf("cannot decode %.40s as a number", b)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Number{}, nil
	}
	return Number{Value: f, Valid: true}, nil
}

// MarshalJSON writes the number, or null when not Valid.
func (n Number) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, n.Value, 'g', -1, 64), nil
}

// Text is a tolerant string for ids and figures the documents type inconsistently: it accepts
// a JSON string, a number or boolean (kept as written) and null (as "").
type Text string

// String returns the text.
func (t Text) String() string { return string(t) }

// UnmarshalJSON implements json.Unmarshaler.
func (t *Text) UnmarshalJSON(b []byte) error {
	v, err := ParseText(b)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// ParseText decodes one JSON token (a literal, a string with its quotes, or the bytes of an
// object or array) as Text.UnmarshalJSON does. Decoders that walk a body themselves call it so
// that their texts follow the same rules.
func ParseText(b []byte) (Text, error) {
	if string(b) == "null" {
		return "", nil
	}
	s, ok := scalarText(b)
	if !ok {
		return "", fmt.Errorf("cannot decode %.40s as text", b)
	}
	return Text(s), nil
}

// IsNullOrEmpty reports whether b is JSON null or the empty string "".
func IsNullOrEmpty(b []byte) bool {
	return string(b) == "null" || string(b) == `""`
}

// scalarText returns the text of a JSON scalar: a string unquoted, a number
// or boolean as written. Objects and arrays are refused.
func scalarText(b []byte) (string, bool) {
	if len(b) == 0 {
		return "", false
	}
	switch b[0] {
	case '{', '[':
		return "", false
	case '"':
		if raw, ok := RawText(b); ok {
			return string(raw), true
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", false
		}
		return s, true
	}
	return string(b), true
}

// RawText returns the contents of a JSON string token that Text (and the numeric scalars)
// take as they are, without unquoting: one without a backslash. It returns false for other
// tokens. Decoders that walk a body themselves use it to take such texts without a copy.
func RawText(tok []byte) ([]byte, bool) {
	if len(tok) < 2 || tok[0] != '"' || tok[len(tok)-1] != '"' || bytes.IndexByte(tok, '\\') >= 0 {
		return nil, false
	}
	return tok[1 : len(tok)-1], true
}

// Numbers is a list of Number, as report curves send them (10,000 points and more). It decodes
// in one pass over the array instead of one reflective call per point.
type Numbers []Number

// UnmarshalJSON implements json.Unmarshaler: an array of numbers, numeric strings and nulls.
func (ns *Numbers) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*ns = nil
		return nil
	}
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return fmt.Errorf("cannot decode %.40s as a list of numbers", b)
	}
	rest := b[1 : len(b)-1]
	out := make(Numbers, 0, bytes.Count(rest, []byte{','})+1)
	for {
		rest = skipSpace(rest)
		if len(rest) == 0 {
			break
		}
		end := 0
		if rest[0] == '"' {
			end = 1
			for end < len(rest) && rest[end] != '"' {
				if rest[end] == '\\' {
					end++
				}
				end++
			}
			end++
			if end > len(rest) {
				return fmt.Errorf("cannot decode %.40s as a list of numbers: unterminated string", b)
			}
		} else if i := bytes.IndexByte(rest, ','); i >= 0 {
			end = i
		} else {
			end = len(rest)
		}
		var n Number
		elem := rest[:end]
		for len(elem) > 0 && isSpace(elem[len(elem)-1]) {
			elem = elem[:len(elem)-1]
		}
		if err := n.UnmarshalJSON(elem); err != nil {
			return err
		}
		out = append(out, n)
		rest = skipSpace(rest[end:])
		if len(rest) > 0 {
			if rest[0] != ',' {
				return fmt.Errorf("cannot decode %.40s as a list of numbers", b)
			}
			rest = rest[1:]
		}
	}
	*ns = out
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// skipSpace drops leading JSON white space.
func skipSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}
