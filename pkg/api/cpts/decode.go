package cpts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// A ShowReport answer is large (13 curves of up to 10,000 points, hundreds of request rows) and
// json.Unmarshal spends most of its time in reflection and in one UnmarshalJSON call per figure.
// DecodeJSON walks the body once instead, writing straight into the Report, and gives what
// json.Unmarshal gives:
//
//   - keys match a field exactly, else case-insensitively as encoding/json folds them (the
//     first field in declaration order wins); unknown members are skipped but validated;
//   - a repeated key decodes again into the same field (the last one wins; structs, and the
//     rows of a row list, are decoded into in place, as encoding/json does);
//   - null leaves a string, bool or struct as it is and sets a slice, map or pointer to nil;
//     Number, Int, Text and Numbers get their UnmarshalJSON meaning of null;
//   - figures go through api.ParseNumber, api.ParseInt and api.ParseText, the functions behind
//     the UnmarshalJSON methods, so the tolerant rules live in one place; a plain decimal
//     that float64 arithmetic gives exactly (what strconv.ParseFloat returns) is taken directly;
//   - strings without escapes that are valid UTF-8 are taken from the body (a string met again
//     recently is shared, and the texts of a curve share one string); the others are unquoted
//     by encoding/json, token by token;
//   - syntax errors, type mismatches and nesting beyond encoding/json's 10,000 levels fail, and
//     a body larger than 1 MiB is held to the shape limits of pkg/api (api.ShapeGuard).

// maxNesting is encoding/json's own nesting limit ("exceeded max depth").
const maxNesting = 10000

// The client decodes ShowReport answers through DecodeJSON.
var _ api.RawDecoder = (*reportAnswer)(nil)

// DecodeJSON implements api.RawDecoder: it decodes a ShowReport body as json.Unmarshal would,
// in one pass and without reflection. When a holds no result yet, an error leaves it untouched.
func (a *reportAnswer) DecodeJSON(data []byte) error {
	d := decoder{data: data, shape: api.NewShapeGuard(len(data))}
	target := a
	var fresh reportAnswer
	if a.Result == nil {
		target = &fresh
	}
	if err := d.top(target); err != nil {
		return fmt.Errorf("decode report: %w", err)
	}
	if target != a {
		*a = fresh
	}
	return nil
}

// decoder walks one body; pos is the offset of the next byte to read.
type decoder struct {
	data  []byte
	pos   int
	shape api.ShapeGuard
	// strs holds recent strings by a hash of their bytes: the rows of a report repeat their
	// times and ids, and a string found here is shared instead of allocated again.
	strs [64]string
}

// intern returns string(b), shared with an equal string decoded before when there is one. The
// slot is chosen by an FNV-1a hash: deterministic, so that the same body always allocates the
// same (a random seed made the collisions, and the allocations, differ from process to process).
func (d *decoder) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	h := uint64(14695981039346656037)
	for _, c := range b {
		h = (h ^ uint64(c)) * 1099511628211
	}
	slot := &d.strs[h&uint64(len(d.strs)-1)]
	if *slot != string(b) {
		*slot = string(b)
	}
	return *slot
}

// decodeError is an error at an offset of the body; path names the member being decoded
// (".result.details.data[0].performance.tp99"), filled in as the error goes up.
type decodeError struct {
	off  int
	path string
	err  error
}

func (e *decodeError) Error() string {
	if e.path == "" {
		return fmt.Sprintf("offset %d: %v", e.off, e.err)
	}
	return fmt.Sprintf("%s (offset %d): %v", strings.TrimPrefix(e.path, "."), e.off, e.err)
}

func (e *decodeError) Unwrap() error { return e.err }

// in prefixes the path of err with the member key.
func in(err error, key []byte) error {
	var e *decodeError
	if errors.As(err, &e) {
		e.path = "." + string(key) + e.path
	}
	return err
}

// at prefixes the path of err with the element index i.
func at(err error, i int) error {
	var e *decodeError
	if errors.As(err, &e) {
		e.path = "[" + strconv.Itoa(i) + "]" + e.path
	}
	return err
}

// fail returns err at offset off.
func (d *decoder) fail(off int, err error) error { return &decodeError{off: off, err: err} }

// syntax returns a syntax error at the current byte, what telling what was expected.
func (d *decoder) syntax(what string) error {
	if d.pos >= len(d.data) {
		return d.fail(d.pos, errors.New("unexpected end of JSON input"))
	}
	return d.fail(d.pos, fmt.Errorf("invalid character %s %s", quoteChar(d.data[d.pos]), what))
}

// quoteChar formats c as encoding/json does in its syntax errors.
func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

// mismatch is a value of the wrong kind for the Go type want.
func (d *decoder) mismatch(want string) error {
	kind := "number"
	switch d.data[d.pos] {
	case '{':
		kind = "object"
	case '[':
		kind = "array"
	case '"':
		kind = "string"
	case 't', 'f':
		kind = "bool"
	}
	return d.fail(d.pos, fmt.Errorf("cannot decode a JSON %s into %s", kind, want))
}

// ws skips white space.
func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// value skips white space and checks that a value starts at d.pos.
func (d *decoder) value() error {
	d.ws()
	if d.pos >= len(d.data) {
		return d.syntax("")
	}
	return nil
}

// open enters the container at d.pos ('{' when object).
func (d *decoder) open(object bool) error {
	if err := d.shape.Open(object); err != nil {
		return d.fail(d.pos, err)
	}
	if d.shape.Depth() > maxNesting {
		return d.fail(d.pos, fmt.Errorf("exceeded max depth %d", maxNesting))
	}
	d.pos++
	return nil
}

// next moves to the next member of an object (at its key's quote) or element of an array (at
// its first byte), reading the ',' before it, or past the container's end; more is false when
// the container ended.
func (d *decoder) next(first bool, end byte) (more bool, err error) {
	d.ws()
	if d.pos >= len(d.data) {
		return false, d.syntax("")
	}
	c := d.data[d.pos]
	if c == end {
		d.pos++
		d.shape.Close()
		return false, nil
	}
	if !first {
		if c != ',' {
			if end == '}' {
				return false, d.syntax("after object key:value pair")
			}
			return false, d.syntax("after array element")
		}
		d.pos++
		if err := d.shape.Sep(); err != nil {
			return false, d.fail(d.pos-1, err)
		}
		d.ws()
		if d.pos >= len(d.data) {
			return false, d.syntax("")
		}
	}
	if end == '}' && d.data[d.pos] != '"' {
		return false, d.syntax("looking for beginning of object key string")
	}
	return true, nil
}

// colon reads the ':' after a key and moves to the value.
func (d *decoder) colon() error {
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != ':' {
		return d.syntax("after object key")
	}
	d.pos++
	return d.value()
}

// str scans the string at d.pos, validating it, and returns its contents (without quotes) and
// whether they must be unquoted by encoding/json (escapes, or bytes that are not valid UTF-8).
func (d *decoder) str() (content []byte, slow bool, err error) {
	data := d.data
	start := d.pos + 1
	i := start
	high := false
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			content = data[start:i]
			return content, slow || high && !utf8.Valid(content), nil
		case c == '\\':
			slow = true
			i++
			if i >= len(data) {
				break
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				i++
				for k := 0; k < 4; k++ {
					if i >= len(data) {
						break
					}
					if !isHex(data[i]) {
						d.pos = i
						return nil, false, d.syntax("in \\u hexadecimal character escape")
					}
					i++
				}
			default:
				d.pos = i
				return nil, false, d.syntax("in string escape code")
			}
		case c < 0x20:
			d.pos = i
			return nil, false, d.syntax("in string literal")
		default:
			if c >= utf8.RuneSelf {
				high = true
			}
			i++
		}
	}
	d.pos = len(data)
	return nil, false, d.syntax("")
}

func isHex(c byte) bool {
	return c-'0' < 10 || (c|0x20)-'a' < 6
}

// unquote returns the Go string of a string token, as encoding/json unquotes it.
func (d *decoder) unquote(off int, content []byte, slow bool) (string, error) {
	if !slow {
		return d.intern(content), nil
	}
	var s string
	if err := json.Unmarshal(d.data[off:d.pos], &s); err != nil {
		return "", d.fail(off, err)
	}
	return s, nil
}

// key reads the key at d.pos and the ':' after it; the key is unquoted (a slice of the body
// unless it had escapes or bytes that are not UTF-8).
func (d *decoder) key() ([]byte, error) {
	off := d.pos
	content, slow, err := d.str()
	if err != nil {
		return nil, err
	}
	if slow {
		s, err := d.unquote(off, content, slow)
		if err != nil {
			return nil, err
		}
		content = []byte(s)
	}
	return content, d.colon()
}

// literal reads the literal lit ("true", "false", "null") at d.pos.
func (d *decoder) literal(lit string) error {
	for i := 0; i < len(lit); i++ {
		if d.pos >= len(d.data) || d.data[d.pos] != lit[i] {
			return d.syntax("in literal " + lit + " (expecting " + quoteChar(lit[i]) + ")")
		}
		d.pos++
	}
	return nil
}

// skipNumber reads the JSON number at d.pos.
func (d *decoder) skipNumber() error {
	data := d.data
	if data[d.pos] == '-' {
		d.pos++
	}
	digits := func() int {
		n := 0
		for d.pos < len(data) && data[d.pos]-'0' < 10 {
			d.pos++
			n++
		}
		return n
	}
	switch {
	case d.pos < len(data) && data[d.pos] == '0':
		d.pos++
	case d.pos < len(data) && data[d.pos]-'1' < 9:
		digits()
	default:
		return d.syntax("in numeric literal")
	}
	if d.pos < len(data) && data[d.pos] == '.' {
		d.pos++
		if digits() == 0 {
			return d.syntax("after decimal point in numeric literal")
		}
	}
	if d.pos < len(data) && data[d.pos]|0x20 == 'e' {
		d.pos++
		if d.pos < len(data) && (data[d.pos] == '+' || data[d.pos] == '-') {
			d.pos++
		}
		if digits() == 0 {
			return d.syntax("in exponent of numeric literal")
		}
	}
	return nil
}

// skip reads and validates the value at d.pos.
func (d *decoder) skip() error {
	switch c := d.data[d.pos]; c {
	case '"':
		_, _, err := d.str()
		return err
	case '{':
		if err := d.open(true); err != nil {
			return err
		}
		for first := true; ; first = false {
			more, err := d.next(first, '}')
			if err != nil || !more {
				return err
			}
			if _, _, err := d.str(); err != nil {
				return err
			}
			if err := d.colon(); err != nil {
				return err
			}
			if err := d.skip(); err != nil {
				return err
			}
		}
	case '[':
		if err := d.open(false); err != nil {
			return err
		}
		for first := true; ; first = false {
			more, err := d.next(first, ']')
			if err != nil || !more {
				return err
			}
			if err := d.skip(); err != nil {
				return err
			}
		}
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		if c == '-' || c-'0' < 10 {
			return d.skipNumber()
		}
		return d.syntax("looking for beginning of value")
	}
}

// token reads the value at d.pos and returns its bytes.
func (d *decoder) token() ([]byte, error) {
	start := d.pos
	if err := d.skip(); err != nil {
		return nil, err
	}
	return d.data[start:d.pos], nil
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// scanNumber reads the JSON number that starts at data[i] (with '-' or a digit) and returns
// where it ends. valid is false when the bytes are not a JSON number (skipNumber then says
// why). exact is true when f is its value: a mantissa of at most 19 digits below 2^53 and a
// power of ten up to 1e22 are both exact float64s and one IEEE multiplication or division
// rounds correctly, so f is what strconv.ParseFloat returns; a zero mantissa is ±0 whatever
// the exponent. Other numbers are left to api.ParseNumber.
func scanNumber(data []byte, i int) (f float64, end int, exact, valid bool) {
	neg := data[i] == '-'
	if neg {
		i++
	}
	start := i
	var mant uint64
	if i < len(data) && data[i] == '0' {
		i++
	} else {
		for i < len(data) {
			c := data[i] - '0'
			if c > 9 {
				break
			}
			mant = mant*10 + uint64(c)
			i++
		}
		if i == start {
			return 0, i, false, false
		}
	}
	digits := i - start // significant: the integer part is "0" or starts with 1-9
	if mant == 0 {
		digits = 0
	}
	exp := 0
	if i < len(data) && data[i] == '.' {
		i++
		frac := i
		if mant == 0 {
			for i < len(data) && data[i] == '0' { // 0.000x: not significant
				i++
			}
		}
		sig := i
		for i < len(data) {
			c := data[i] - '0'
			if c > 9 {
				break
			}
			mant = mant*10 + uint64(c)
			i++
		}
		if i == frac {
			return 0, i, false, false
		}
		digits += i - sig
		exp = frac - i
	}
	if i < len(data) && data[i]|0x20 == 'e' {
		i++
		eneg := false
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			eneg = data[i] == '-'
			i++
		}
		es, e := i, 0
		for i < len(data) {
			c := data[i] - '0'
			if c > 9 {
				break
			}
			if e < 10000 {
				e = e*10 + int(c)
			}
			i++
		}
		if i == es {
			return 0, i, false, false
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if digits > 19 || mant >= 1<<53 {
		return 0, i, false, true
	}
	f = float64(mant)
	switch {
	case mant == 0 || exp == 0:
	case exp > 0 && exp < len(pow10):
		f *= pow10[exp]
	case exp < 0 && -exp < len(pow10):
		f /= pow10[-exp]
	default:
		return 0, i, false, true
	}
	if neg {
		f = -f
	}
	return f, i, true, true
}

// number decodes the value at d.pos as api.Number.
func (d *decoder) number(p *api.Number) error {
	start := d.pos
	var tok []byte
	if c := d.data[start]; c == '-' || c-'0' < 10 {
		f, end, exact, valid := scanNumber(d.data, start)
		if exact {
			d.pos = end
			*p = api.Number{Value: f, Valid: true}
			return nil
		}
		if valid {
			d.pos = end
			tok = d.data[start:end]
		}
	}
	if tok == nil {
		var err error
		if tok, err = d.token(); err != nil {
			return err
		}
	}
	n, err := api.ParseNumber(tok)
	if err != nil {
		return d.fail(start, err)
	}
	*p = n
	return nil
}

// integer decodes the value at d.pos as api.Int.
func (d *decoder) integer(p *api.Int) error { return parsed(d, p, api.ParseInt) }

// text decodes the value at d.pos as api.Text.
func (d *decoder) text(p *api.Text) error { return parsed(d, p, api.ParseText) }

// parsed decodes the token at d.pos with parse into p.
func parsed[T any](d *decoder, p *T, parse func([]byte) (T, error)) error {
	start := d.pos
	tok, err := d.token()
	if err != nil {
		return err
	}
	v, err := parse(tok)
	if err != nil {
		return d.fail(start, err)
	}
	*p = v
	return nil
}

// goString decodes the value at d.pos into a Go string; null leaves it as it is.
func (d *decoder) goString(p *string) error {
	switch d.data[d.pos] {
	case '"':
		off := d.pos
		content, slow, err := d.str()
		if err != nil {
			return err
		}
		s, err := d.unquote(off, content, slow)
		if err != nil {
			return err
		}
		*p = s
		return nil
	case 'n':
		return d.literal("null")
	}
	return d.mismatch("a Go string")
}

// boolean decodes the value at d.pos into a Go bool; null leaves it as it is.
func (d *decoder) boolean(p *bool) error {
	switch d.data[d.pos] {
	case 't':
		*p = true
		return d.literal("true")
	case 'f':
		*p = false
		return d.literal("false")
	case 'n':
		return d.literal("null")
	}
	return d.mismatch("a Go bool")
}

// numbers decodes the value at d.pos as api.Numbers: null is nil, an array is decoded element
// by element as api.Number (which is what Numbers.UnmarshalJSON does), anything else is an error.
func (d *decoder) numbers(p *api.Numbers) error {
	switch d.data[d.pos] {
	case 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
		*p = nil
		return nil
	case '[':
	default:
		start := d.pos
		tok, err := d.token()
		if err != nil {
			return err
		}
		var ns api.Numbers
		if err := ns.UnmarshalJSON(tok); err != nil { // refuses what is not an array
			return d.fail(start, err)
		}
		*p = ns
		return nil
	}
	if err := d.open(false); err != nil {
		return err
	}
	out := make(api.Numbers, 0, d.estimate())
	more, err := d.next(true, ']')
	for more && err == nil {
		// The common case, a number float64 arithmetic gives exactly followed by a ',' and the
		// next element, stays in this loop; anything else goes through number and next.
		f, end, exact := 0.0, 0, false
		if c := d.data[d.pos]; c == '-' || c-'0' < 10 {
			f, end, exact, _ = scanNumber(d.data, d.pos)
		}
		if exact {
			out = append(out, api.Number{Value: f, Valid: true})
			d.pos = end
		} else {
			out = append(out, api.Number{})
			if err := d.number(&out[len(out)-1]); err != nil {
				return at(err, len(out)-1)
			}
		}
		if d.pos+1 < len(d.data) && d.data[d.pos] == ',' && d.data[d.pos+1] > ' ' {
			d.pos++
			if err := d.shape.Sep(); err != nil {
				return d.fail(d.pos-1, err)
			}
			continue
		}
		more, err = d.next(false, ']')
	}
	if err != nil {
		return err
	}
	*p = out
	return nil
}

// estimate is the number of elements of the array of scalars whose first element is at d.pos
// (after its '['), counted as the commas before the first ']': a capacity to start with.
func (d *decoder) estimate() int {
	rest := d.data[d.pos:]
	if end := bytes.IndexByte(rest, ']'); end >= 0 {
		rest = rest[:end]
	}
	return bytes.Count(rest, []byte{','}) + 1
}

// texts decodes the value at d.pos as []api.Text: null is nil, an array of texts a new slice
// (every element is overwritten, so decoding into the old one would give the same). The texts
// taken as they are (api.RawText) share one string.
func (d *decoder) texts(p *[]api.Text) error {
	switch d.data[d.pos] {
	case 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
		*p = nil
		return nil
	case '[':
	default:
		return d.mismatch("a list of texts")
	}
	if err := d.open(false); err != nil {
		return err
	}
	n := d.estimate()
	out := make([]api.Text, 0, n)
	raw := make([]byte, 0, 16*n) // the raw texts, one after the other
	ends := make([]int, 0, n)    // where each text of out ends in raw; -1 when decoded apart
	for first := true; ; first = false {
		more, err := d.next(first, ']')
		if err != nil {
			return err
		}
		if !more {
			break
		}
		start := d.pos
		if err := d.skip(); err != nil {
			return err
		}
		tok := d.data[start:d.pos]
		if r, ok := api.RawText(tok); ok {
			raw = append(raw, r...)
			ends = append(ends, len(raw))
			out = append(out, "")
			continue
		}
		t, err := api.ParseText(tok)
		if err != nil {
			return at(d.fail(start, err), len(out))
		}
		ends = append(ends, -1)
		out = append(out, t)
	}
	all, from := string(raw), 0
	for i, end := range ends {
		if end >= 0 {
			out[i] = api.Text(all[from:end])
			from = end
		}
	}
	*p = out
	return nil
}

// list decodes the array at d.pos into *p element by element as encoding/json does: an element
// is decoded into the one already at its index (also one left beyond the length by an earlier
// list), the slice is cut to the elements read, an empty array is an empty slice, null is nil.
func list[T any](d *decoder, p *[]T, want string, elem func(*T) error) error {
	switch d.data[d.pos] {
	case 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
		*p = nil
		return nil
	case '[':
	default:
		return d.mismatch(want)
	}
	if err := d.open(false); err != nil {
		return err
	}
	s := *p
	i := 0
	for first := true; ; first = false {
		more, err := d.next(first, ']')
		if err != nil {
			return err
		}
		if !more {
			break
		}
		switch {
		case i < len(s):
		case i < cap(s):
			s = s[:i+1]
		default:
			var zero T
			s = append(s, zero)
		}
		if err := elem(&s[i]); err != nil {
			return at(err, i)
		}
		i++
	}
	switch {
	case i == 0:
		s = make([]T, 0)
	case i < len(s):
		s = s[:i]
	}
	*p = s
	return nil
}

// fields are the field names of a struct: fold maps encoding/json's folded form of every name
// to the name (the first field in order wins), for keys that match no name exactly.
type fields struct {
	fold map[string][]byte
}

// newFields lists the JSON names of the struct type of v, in field order (embedded structs
// in place), as encoding/json matches keys to them.
func newFields(v any) fields {
	f := fields{fold: map[string][]byte{}}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			sf := t.Field(i)
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
				walk(sf.Type)
				continue
			}
			if !sf.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			k := string(foldName(nil, []byte(name)))
			if _, ok := f.fold[k]; !ok {
				f.fold[k] = []byte(name)
			}
		}
	}
	walk(reflect.TypeOf(v))
	return f
}

var (
	answerFields    = newFields(reportAnswer{})
	reportFields    = newFields(Report{})
	outlineFields   = newFields(Outline{})
	detailsFields   = newFields(Details{})
	rowFields       = newFields(ReportRow{})
	perfFields      = newFields(PerfMetrics{})
	curvesFields    = newFields(Curves{})
	tpsFields       = newFields(TPSCurves{})
	vusersFields    = newFields(VUsersCurves{})
	respCodeFields  = newFields(RespCodeCurves{})
	bandwidthFields = newFields(BandwidthCurves{})
	taskInfoFields  = newFields(ReportTaskInfo{})
)

// foldName appends the case-folded form of the name in to out: ASCII letters upper-cased,
// other runes mapped to the smallest rune of their Unicode fold orbit (so "K" matches "k" and
// the Kelvin sign), which is how encoding/json compares keys to field names.
func foldName(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}

// object decodes the value at d.pos as a struct through set (see fields); null leaves the
// struct as it is, other values than objects are errors.
func (d *decoder) object(f fields, want string, set func(key []byte) (bool, error)) error {
	switch d.data[d.pos] {
	case 'n':
		return d.literal("null")
	case '{':
	default:
		return d.mismatch(want)
	}
	if err := d.open(true); err != nil {
		return err
	}
	for first := true; ; first = false {
		more, err := d.next(first, '}')
		if err != nil || !more {
			return err
		}
		key, err := d.key()
		if err != nil {
			return err
		}
		ok, err := set(key)
		if !ok && err == nil {
			var buf [64]byte
			if name, found := f.fold[string(foldName(buf[:0], key))]; found {
				ok, err = set(name)
			}
		}
		if !ok && err == nil {
			err = d.skip()
		}
		if err != nil {
			return in(err, key)
		}
	}
}

// top decodes a whole body into a.
func (d *decoder) top(a *reportAnswer) error {
	if err := d.value(); err != nil {
		return err
	}
	err := d.object(answerFields, "the report answer", func(key []byte) (bool, error) {
		if string(key) != "result" {
			return false, nil
		}
		switch d.data[d.pos] {
		case 'n':
			a.Result = nil
			return true, d.literal("null")
		case '{':
			if a.Result == nil {
				a.Result = new(Report)
			}
		}
		return true, d.report(a.Result)
	})
	if err != nil {
		return err
	}
	d.ws()
	if d.pos < len(d.data) {
		return d.syntax("after top-level value")
	}
	return nil
}

// report decodes the value at d.pos into the Report r.
func (d *decoder) report(r *Report) error {
	return d.object(reportFields, "Report", func(key []byte) (bool, error) {
		switch string(key) {
		case "outline":
			return true, d.outline(&r.Outline)
		case "details":
			return true, d.details(&r.Details)
		case "brokens":
			return true, d.curves(&r.Brokens)
		case "respTimeRange":
			return true, d.textMap(&r.RespTimeRange)
		case "taskInfo":
			return true, d.object(taskInfoFields, "ReportTaskInfo", func(key []byte) (bool, error) {
				if string(key) != "vum" {
					return false, nil
				}
				return true, d.number(&r.TaskInfo.VUM)
			})
		}
		return false, nil
	})
}

// textMap decodes the value at d.pos as map[string]api.Text: null is nil, an object adds its
// members to the map (made when nil).
func (d *decoder) textMap(p *map[string]api.Text) error {
	switch d.data[d.pos] {
	case 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
		*p = nil
		return nil
	case '{':
	default:
		return d.mismatch("a map of texts")
	}
	if err := d.open(true); err != nil {
		return err
	}
	if *p == nil {
		*p = map[string]api.Text{}
	}
	for first := true; ; first = false {
		more, err := d.next(first, '}')
		if err != nil || !more {
			return err
		}
		key, err := d.key()
		if err != nil {
			return err
		}
		var t api.Text
		if err := d.text(&t); err != nil {
			return in(err, key)
		}
		(*p)[string(key)] = t
	}
}

// outline decodes the value at d.pos into o.
func (d *decoder) outline(o *Outline) error {
	return d.object(outlineFields, "Outline", func(key []byte) (bool, error) {
		var n *api.Number
		var s *string
		switch string(key) {
		case "avgResponseTime":
			n = &o.AvgResponseTime
		case "successRate":
			n = &o.SuccessRate
		case "tps":
			n = &o.TPS
		case "maxUsers":
			n = &o.MaxUsers
		case "duration":
			n = &o.Duration
		case "totalNum":
			n = &o.TotalNum
		case "passNum":
			n = &o.PassNum
		case "completeNum":
			n = &o.CompleteNum
		case "executedNum":
			n = &o.ExecutedNum
		case "caseRetry":
			n = &o.CaseRetry
		case "kpiCaseCount":
			n = &o.KPICaseCount
		case "kpiCaseExecuteCount":
			n = &o.KPICaseExecuteCount
		case "kpiCasePassCount":
			n = &o.KPICasePassCount
		case "stage":
			n = &o.Stage
		case "taskStatus":
			n = &o.TaskStatus
		case "stageName":
			s = &o.StageName
		case "startTime":
			s = &o.StartTime
		case "endTime":
			s = &o.EndTime
		case "projectId":
			s = &o.ProjectID
		case "serviceId":
			s = &o.ServiceID
		case "branchId":
			s = &o.BranchID
		case "branchName":
			s = &o.BranchName
		case "iterationUri":
			s = &o.IterationURI
		case "versionUri":
			s = &o.VersionURI
		case "createBy":
			s = &o.CreateBy
		default:
			return false, nil
		}
		if n != nil {
			return true, d.number(n)
		}
		return true, d.goString(s)
	})
}

// details decodes the value at d.pos into t.
func (d *decoder) details(t *Details) error {
	return d.object(detailsFields, "Details", func(key []byte) (bool, error) {
		switch string(key) {
		case "data":
			return true, list(d, &t.Data, "a list of report rows", d.row)
		case "pageIndex":
			return true, d.integer(&t.PageIndex)
		case "pageSize":
			return true, d.integer(&t.PageSize)
		case "total":
			return true, d.integer(&t.Total)
		}
		return false, nil
	})
}

// row decodes the value at d.pos into the report row r.
func (d *decoder) row(r *ReportRow) error {
	return d.object(rowFields, "ReportRow", func(key []byte) (bool, error) {
		switch string(key) {
		case "performance":
			return true, d.perf(&r.Performance)
		case "detailDatas":
			return true, list(d, &r.Requests, "a list of request figures", d.perf)
		}
		return false, nil
	})
}

// perf decodes the value at d.pos into the figures m, the aliases of perfAliases included.
func (d *decoder) perf(m *PerfMetrics) error {
	return d.object(perfFields, "PerfMetrics", func(key []byte) (bool, error) {
		var n *api.Number
		var s *string
		switch string(key) {
		case "name":
			s = &m.Name
		case "startTime":
			s = &m.StartTime
		case "endTime":
			s = &m.EndTime
		case "createTime":
			s = &m.CreateTime
		case "updateTime":
			s = &m.UpdateTime
		case "id":
			s = &m.ID
		case "detailId":
			s = &m.DetailID
		case "caseUri":
			s = &m.CaseURI
		case "testCaseUri":
			s = &m.TestCaseURI
		case "taskId":
			s = &m.TaskID
		case "taskProjectId":
			s = &m.TaskProjectID
		case "transactionId":
			s = &m.TransactionID
		case "isAW":
			return true, d.boolean(&m.IsAW)
		case "averageRespTime":
			n = &m.AverageRespTime
		case "min":
			n = &m.Min
		case "max":
			n = &m.Max
		case "tp50":
			n = &m.TP50
		case "tp75":
			n = &m.TP75
		case "tp90":
			n = &m.TP90
		case "tp95":
			n = &m.TP95
		case "tp99":
			n = &m.TP99
		case "tp999":
			n = &m.TP999
		case "tp9999":
			n = &m.TP9999
		case "tps":
			n = &m.TPS
		case "successRate":
			n = &m.SuccessRate
		case "successCount":
			n = &m.SuccessCount
		case "errorCount":
			n = &m.ErrorCount
		case "requests":
			n = &m.Requests
		case "failedAssert":
			n = &m.FailedAssert
		case "failedOthers":
			n = &m.FailedOthers
		case "failedParsed":
			n = &m.FailedParsed
		case "failedRefused":
			n = &m.FailedRefused
		case "failedTimeout":
			n = &m.FailedTimeout
		case "sum1xx":
			n = &m.Sum1xx
		case "sum2xx":
			n = &m.Sum2xx
		case "sum3xx":
			n = &m.Sum3xx
		case "sum4xx":
			n = &m.Sum4xx
		case "sum5xx":
			n = &m.Sum5xx
		case "avgRecBytes":
			n = &m.AvgRecBytes
		case "avgSentBytes":
			n = &m.AvgSentBytes
		case "maxRecBytes":
			n = &m.MaxRecBytes
		case "maxSentBytes":
			n = &m.MaxSentBytes
		case "avgNetworkTraffic":
			n = &m.AvgNetworkTraffic
		case "maxNetworkTraffic":
			n = &m.MaxNetworkTraffic
		case "minNetworkTraffic":
			n = &m.MinNetworkTraffic
		case "maxRespTime":
			n = &m.MaxRespTime
		case "currentThreadNum":
			n = &m.CurrentThreadNum
		case "vum":
			n = &m.VUM
		case "transactions":
			n = &m.Transactions
		case "tranTPS":
			n = &m.TranTPS
		case "transactionalSuccessRate":
			n = &m.TransactionalSuccessRate
		case "transactionSuccess":
			n = &m.TransactionSuccess
		case "avgTranRespTime":
			n = &m.AvgTranRespTime
		case "maxTranRespTime":
			n = &m.MaxTranRespTime
		case "transactionalTps":
			n = &m.TransactionalTps
		case "transactionalTpsSuccess":
			n = &m.TransactionalTpsSuccess
		case "errorEventsCount":
			n = &m.ErrorEventsCount
		case "result":
			n = &m.Result
		case "status":
			n = &m.Status
		case "taskStatus":
			n = &m.TaskStatus
		case "transactionalTpss":
			n = &m.TransactionalTpss
		case "transactionalTpssSuccess":
			n = &m.TransactionalTpssSuccess
		case "transactionalTpSuccess":
			n = &m.TransactionalTpSuccess
		default:
			return false, nil
		}
		if n != nil {
			return true, d.number(n)
		}
		return true, d.goString(s)
	})
}

// curves decodes the value at d.pos into c.
func (d *decoder) curves(c *Curves) error {
	return d.object(curvesFields, "Curves", func(key []byte) (bool, error) {
		switch string(key) {
		case "commonTimestamps":
			return true, d.texts(&c.Timestamps)
		case "tps_brokens":
			return true, d.object(tpsFields, "TPSCurves", func(key []byte) (bool, error) {
				switch string(key) {
				case "tps":
					return true, d.numbers(&c.TPS.TPS)
				case "average":
					return true, d.numbers(&c.TPS.Average)
				}
				return false, nil
			})
		case "vusers_brokens":
			return true, d.object(vusersFields, "VUsersCurves", func(key []byte) (bool, error) {
				if string(key) != "vusers" {
					return false, nil
				}
				return true, d.numbers(&c.VUsers.VUsers)
			})
		case "respcode_brokens":
			return true, d.object(respCodeFields, "RespCodeCurves", func(key []byte) (bool, error) {
				var p *api.Numbers
				switch string(key) {
				case "success":
					p = &c.RespCode.Success
				case "error":
					p = &c.RespCode.Error
				case "checkPointFailed":
					p = &c.RespCode.CheckPointFailed
				case "othersFailed":
					p = &c.RespCode.OthersFailed
				case "parsedFailed":
					p = &c.RespCode.ParsedFailed
				case "refusedFailed":
					p = &c.RespCode.RefusedFailed
				case "timeout":
					p = &c.RespCode.Timeout
				default:
					return false, nil
				}
				return true, d.numbers(p)
			})
		case "brand_brokens":
			return true, d.object(bandwidthFields, "BandwidthCurves", func(key []byte) (bool, error) {
				switch string(key) {
				case "recBytes":
					return true, d.numbers(&c.Bandwidth.RecBytes)
				case "sentBytes":
					return true, d.numbers(&c.Bandwidth.SentBytes)
				}
				return false, nil
			})
		}
		return false, nil
	})
}

// Downsample shortens the curves to n points when they are longer (n > 0): the charts and the
// result file need a few hundred points, and a service that ignores brokens_limit_count sends
// 10,000. The points are cut into n buckets of consecutive indexes over the longest series
// (Timestamps included); a series' value per bucket is the mean of its valid points in the
// bucket (not Valid when there is none) and a bucket's timestamp is its first one. A series
// shorter than the longest is bucketed by the same index ranges, so it keeps the buckets that
// start within it.
func (c *Curves) Downsample(n int) {
	series := c.series()
	longest := len(c.Timestamps)
	for _, s := range series {
		longest = max(longest, len(*s))
	}
	if n <= 0 || longest <= n {
		return
	}
	// Bucket k holds the indexes [start(k), start(k+1)).
	start := func(k int) int { return k * longest / n }
	if len(c.Timestamps) > 0 {
		ts := make([]api.Text, 0, n)
		for k := 0; k < n && start(k) < len(c.Timestamps); k++ {
			// A copy: the decoder's timestamps share one string, which would stay whole.
			ts = append(ts, api.Text(strings.Clone(string(c.Timestamps[start(k)]))))
		}
		c.Timestamps = ts
	}
	for _, p := range series {
		s := *p
		if len(s) == 0 {
			continue
		}
		out := make(api.Numbers, 0, n)
		for k := 0; k < n && start(k) < len(s); k++ {
			out = append(out, mean(s[start(k):min(start(k+1), len(s))]))
		}
		*p = out
	}
}

// series lists every curve but the timestamps.
func (c *Curves) series() []*api.Numbers {
	return []*api.Numbers{&c.TPS.TPS, &c.TPS.Average, &c.VUsers.VUsers,
		&c.RespCode.Success, &c.RespCode.Error, &c.RespCode.CheckPointFailed, &c.RespCode.OthersFailed,
		&c.RespCode.ParsedFailed, &c.RespCode.RefusedFailed, &c.RespCode.Timeout,
		&c.Bandwidth.RecBytes, &c.Bandwidth.SentBytes}
}

// mean is the mean of the valid points of ns, not Valid when there is none.
func mean(ns api.Numbers) api.Number {
	sum, count := 0.0, 0
	for _, x := range ns {
		if x.Valid {
			sum += x.Value
			count++
		}
	}
	if count == 0 {
		return api.Number{}
	}
	if math.IsInf(sum, 0) { // huge figures: divide first
		sum = 0
		for _, x := range ns {
			if x.Valid {
				sum += x.Value / float64(count)
			}
		}
		return api.NumberOf(sum)
	}
	return api.NumberOf(sum / float64(count))
}
