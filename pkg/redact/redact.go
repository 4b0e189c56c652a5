// Package redact is the one place where the runner hides secrets and makes text it did not
// write safe to print. It does no I/O of its own:
//
//   - Redactor masks every registered secret (SK, password, token, IAM tokens fetched at run
//     time) in each form it can take in an output: raw, JSON-escaped, Go-quoted, URL-encoded,
//     HTML/XML-escaped, escaped by Inline, and base64 (standard and URL alphabets, at any
//     alignment inside a longer base64 text). Secrets may be added while output is written.
//   - Inline and Text are the control-character cleaner: Inline makes untrusted text safe
//     inside one terminal line (no line break, no control character, no `##[`), Text makes it
//     safe inside a document (HTML, Markdown, XML, JSON: no ESC sequence, no bidirectional
//     control, no character XML cannot carry).
//   - Headers and JSON mask headers and JSON fields that hold secrets by their name.
//
// Short secrets: a secret of fewer than MinSubstring bytes is masked only where it stands
// alone (not next to an ASCII letter or digit) and not in base64, so that a one-letter
// password does not mask every such letter of the output; longer secrets are masked wherever
// they occur. Secrets are masked whatever their length.
package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Mask replaces a secret.
const Mask = "***"

// MinSubstring is the length (bytes) from which a secret is masked also inside a longer word
// and in base64; shorter secrets are masked only where they stand alone.
const MinSubstring = 6

// minBase64 is the shortest base64 form masked: shorter ones are indistinguishable from noise.
const minBase64 = 8

// Redactor masks registered secrets. The zero value and nil mask nothing; a Redactor is safe
// for concurrent use, and Add may be called while other goroutines mask.
type Redactor struct {
	mu      sync.Mutex // serialises Add
	secrets []string
	m       atomic.Pointer[matcher]
}

// New returns a Redactor for secrets.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add registers secrets; empty values are ignored. A secret spanning several lines is
// registered whole and line by line, and a secret with surrounding blanks also trimmed.
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	add := func(s string) {
		if s == "" || slices.Contains(r.secrets, s) {
			return
		}
		r.secrets = append(r.secrets, s)
		changed = true
	}
	for _, s := range secrets {
		add(s)
		add(strings.TrimSpace(s))
		if strings.ContainsAny(s, "\r\n") {
			for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
				add(strings.TrimSpace(line))
			}
		}
	}
	if changed {
		r.m.Store(newMatcher(r.secrets))
	}
}

// Secrets returns the registered secrets (each line of a multi-line one too), for GitHub's
// ::add-mask::.
func (r *Redactor) Secrets() []string {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.secrets)
}

func (r *Redactor) matcher() *matcher {
	if r == nil {
		return nil
	}
	return r.m.Load()
}

// String returns s with every form of every secret replaced by Mask.
func (r *Redactor) String(s string) string { return r.Replace(s, Mask) }

// Replace returns s with every form of every secret replaced by mask (e.g. `\*\*\*` in
// Markdown). Overlapping or adjacent matches become one mask.
func (r *Redactor) Replace(s, mask string) string {
	m := r.matcher()
	if m == nil || s == "" {
		return s
	}
	spans := m.find(s, -1, true)
	if len(spans) == 0 {
		return s
	}
	return string(appendMasked(make([]byte, 0, len(s)), s, spans, mask))
}

// Bytes returns b with every form of every secret replaced by Mask (b itself when nothing is
// masked).
func (r *Redactor) Bytes(b []byte) []byte {
	m := r.matcher()
	if m == nil || len(b) == 0 {
		return b
	}
	spans := m.find(view(b), -1, true)
	if len(spans) == 0 {
		return b
	}
	return appendMasked(nil, b, spans, Mask)
}

// appendMasked appends b to dst with each span replaced by mask.
func appendMasked[T string | []byte](dst []byte, b T, spans []span, mask string) []byte {
	last := 0
	for _, sp := range spans {
		dst = append(dst, b[last:sp.from]...)
		dst = append(dst, mask...)
		last = sp.to
	}
	return append(dst, b[last:]...)
}

// Writer masks secrets in a stream: it holds back the bytes a secret could still be
// completing and writes them on the next Write or on Close. Secrets added to the Redactor
// meanwhile apply to everything not yet written.
type Writer struct {
	r       *Redactor
	w       io.Writer
	pending []byte
	prev    int // the byte before pending (-1: none), for the stand-alone rule
	err     error
}

// NewWriter returns a Writer masking r's secrets in what is written to w.
func (r *Redactor) NewWriter(w io.Writer) *Writer { return &Writer{r: r, w: w, prev: -1} }

// Write masks and writes what can be written; it reports len(p) unless w failed.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	w.pending = append(w.pending, p...)
	if err := w.emit(false); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes the bytes held back. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	return w.emit(true)
}

func (w *Writer) emit(final bool) error {
	m := w.r.matcher()
	if m == nil {
		_, w.err = w.w.Write(w.pending)
		w.pending = w.pending[:0]
		return w.err
	}
	buf := w.pending
	cut := len(buf)
	if !final {
		cut = len(buf) - m.maxLen
		if cut <= 0 {
			return nil
		}
	}
	spans := m.find(view(buf), w.prev, final)
	keep := spans[:0]
	for _, sp := range spans {
		if sp.from >= cut {
			break
		}
		if sp.to > cut {
			cut = sp.from // hold the whole match back
			break
		}
		keep = append(keep, sp)
	}
	if cut <= 0 {
		return nil
	}
	out := appendMasked(nil, buf[:cut], keep, Mask)
	_, w.err = w.w.Write(out)
	w.prev = int(buf[cut-1])
	w.pending = append(w.pending[:0], buf[cut:]...)
	return w.err
}

// view is b as a string without a copy, for find only: find neither keeps it nor runs while b
// changes.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// span is a masked byte range [from, to).
type span struct{ from, to int }

// form is one way a secret can appear in text.
type form struct {
	text  string
	alone bool // masked only where it stands alone (short secrets)
}

// matcher finds every form of a fixed set of secrets.
type matcher struct {
	forms  []form
	maxLen int
	// Forms of 2 bytes or more are found by their first two bytes: a bitmap of them filters
	// positions, byFirst2 lists the candidates.
	bloom    [1 << 16 / 64]uint64
	byFirst2 map[uint16][]int
	short    []int // forms of 1 byte, found with strings.IndexByte
}

func newMatcher(secrets []string) *matcher {
	m := &matcher{byFirst2: map[uint16][]int{}}
	seen := map[form]bool{}
	for _, s := range secrets {
		for _, f := range formsOf(s) {
			if f.text == "" || seen[f] {
				continue
			}
			seen[f] = true
			m.forms = append(m.forms, f)
		}
	}
	for i, f := range m.forms {
		m.maxLen = max(m.maxLen, len(f.text))
		if len(f.text) < 2 {
			m.short = append(m.short, i)
			continue
		}
		k := uint16(f.text[0]) | uint16(f.text[1])<<8
		m.bloom[k/64] |= 1 << (k % 64)
		m.byFirst2[k] = append(m.byFirst2[k], i)
	}
	return m
}

// formsOf lists the forms of secret s.
func formsOf(s string) []form {
	alone := len(s) < MinSubstring
	unquote := func(q string) string { return q[1 : len(q)-1] }
	texts := []string{s, Inline(s), unquote(strconv.Quote(s)), unquote(strconv.QuoteToASCII(s)), url.QueryEscape(s), url.PathEscape(s),
		strings.ReplaceAll(url.QueryEscape(s), "+", "%20"), html.EscapeString(s),
		strings.ReplaceAll(html.EscapeString(s), "+", "&#43;"), xmlEscape(s)}
	jsonHTML, jsonPlain := jsonString(s, true), jsonString(s, false)
	texts = append(texts, jsonHTML, jsonPlain, strings.ReplaceAll(jsonHTML, "/", `\/`), strings.ReplaceAll(jsonPlain, "/", `\/`))
	// Escaped twice: a JSON body quoted by the debug log (slog) or kept in a JSON error text.
	for _, j := range []string{jsonHTML, jsonPlain} {
		texts = append(texts, unquote(strconv.Quote(j)), jsonString(j, true), jsonString(j, false))
	}
	var out []form
	for _, t := range texts {
		if t == "" {
			continue
		}
		out = append(out, form{text: t, alone: alone})
		if strings.Contains(t, "%") { // lower-case hex escapes (%3c) as some servers write them
			out = append(out, form{text: lowerHex(t), alone: alone})
		}
	}
	if alone {
		return out
	}
	// base64 of the secret and of its JSON and URL forms: whole, and the core every base64
	// text containing it contains at each of the three alignments (the first group, shared
	// with preceding bytes, and the last partial group, shared with following bytes, are left
	// out).
	for _, t := range []string{s, jsonHTML, jsonPlain, url.QueryEscape(s)} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if e := enc.EncodeToString([]byte(t)); len(e) >= minBase64 {
				out = append(out, form{text: e})
			}
		}
		for k := range 3 {
			buf := append(make([]byte, k), t...)
			n := len(buf) / 3 * 4
			from := 0
			if k > 0 {
				from = 4
			}
			if n-from < minBase64 {
				continue
			}
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				out = append(out, form{text: enc.EncodeToString(buf)[from:n]})
			}
		}
	}
	return out
}

// jsonString is s as a JSON string without its quotes, with or without the escapes of <, >
// and & (\u003c …).
func jsonString(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(b.String(), `"`), "\n"), `"`)
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// lowerHex lower-cases the hex digits of %XX escapes.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if b[j] >= 'A' && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
		}
	}
	return string(b)
}

// isWordByte reports whether c is an ASCII letter or digit (a short secret next to one does
// not stand alone).
func isWordByte(c int) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// find returns the merged spans of every form in s. prev is the byte before s (-1: none);
// with final false, a stand-alone form ending at the end of s is not reported (what follows
// is unknown).
func (m *matcher) find(s string, prev int, final bool) []span {
	var spans []span
	add := func(i int, f form) {
		end := i + len(f.text)
		if f.alone {
			before, after := prev, -1
			if i > 0 {
				before = int(s[i-1])
			}
			if end < len(s) {
				after = int(s[end])
			} else if !final {
				return
			}
			if isWordByte(before) || isWordByte(after) {
				return
			}
		}
		spans = append(spans, span{i, end})
	}
	for _, fi := range m.short {
		f := m.forms[fi]
		for i := 0; ; {
			j := strings.Index(s[i:], f.text)
			if j < 0 {
				break
			}
			add(i+j, f)
			i += j + 1
		}
	}
	if len(m.byFirst2) > 0 {
		for i := 0; i+1 < len(s); i++ {
			k := uint16(s[i]) | uint16(s[i+1])<<8
			if m.bloom[k/64]&(1<<(k%64)) == 0 {
				continue
			}
			for _, fi := range m.byFirst2[k] {
				if f := m.forms[fi]; strings.HasPrefix(s[i:], f.text) {
					add(i, f)
				}
			}
		}
	}
	if len(spans) < 2 {
		return spans
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].from < spans[b].from })
	merged := spans[:1]
	for _, sp := range spans[1:] {
		last := &merged[len(merged)-1]
		if sp.from <= last.to {
			last.to = max(last.to, sp.to)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}
