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
	if IsNullOrEmpty(b) {
		*n = 0
		return nil
	}
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*n = Int(v) // a plain JSON integer
		return nil
	}
	s, ok := scalarText(b)
	if !ok {
		return fmt.Errorf("cannot decode %.40s as an integer", b)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		*n = 0
		return nil
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = Int(v)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<63-1 {
		return fmt.Errorf("cannot decode %.40s as an integer", b)
	}
	*n = Int(f)
	return nil
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

// UnmarshalJSON implements json.Unmarshaler; on error the Number is not Valid.
func (n *Number) UnmarshalJSON(b []byte) error {
	*n = Number{}
	if IsNullOrEmpty(b) {
		return nil
	}
	if c := b[0]; c == '-' || c >= '0' && c <= '9' {
		f, err := strconv.ParseFloat(string(b), 64)
		switch {
		case math.IsInf(f, 0):
			return nil // out of range: not reported
		case err != nil:
			return fmt.Errorf("cannot decode %.40s as a number", b)
		}
		*n = NumberOf(f)
		return nil
	}
	s, ok := scalarText(b)
	if !ok {
		return fmt.Errorf("cannot decode %.40s as a number", b)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	switch {
	case err != nil && b[0] == '"':
		return nil // "N/A", "-": not reported
	case err != nil:
		return fmt.Errorf("cannot decode %.40s as a number", b)
	case math.IsNaN(f) || math.IsInf(f, 0):
		return nil
	}
	*n = NumberOf(f)
	return nil
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
	if string(b) == "null" {
		*t = ""
		return nil
	}
	s, ok := scalarText(b)
	if !ok {
		return fmt.Errorf("cannot decode %.40s as text", b)
	}
	*t = Text(s)
	return nil
}

// IsNullOrEmpty reports whether b is JSON null or the empty string "".
func IsNullOrEmpty(b []byte) bool {
	return string(b) == "null" || string(b) == `""`
}

// scalarText returns the text of a JSON scalar: a string unquoted, a number
// or boolean as written. Objects and arrays are refused. A string without a
// backslash is taken as it is (invalid UTF-8 kept); the others are unquoted
// by encoding/json.
func scalarText(b []byte) (string, bool) {
	if len(b) == 0 {
		return "", false
	}
	switch b[0] {
	case '{', '[':
		return "", false
	case '"':
		if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
			return string(b[1 : len(b)-1]), true
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", false
		}
		return s, true
	}
	return string(b), true
}

// Numbers is a list of Number, as report curves send them.
type Numbers []Number
