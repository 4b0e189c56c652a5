package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"html/template"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// hostile is a password with every character that an encoding changes.
const hostile = `Pa"ss\w<o>r&d/+ 9x`

// encodings are every form a secret can take in an output, applied to a text around it.
var encodings = map[string]func(string) string{
	"raw": func(s string) string { return s },
	"JSON": func(s string) string {
		b, _ := json.Marshal(s)
		return string(b)
	},
	"JSON without HTML escapes": func(s string) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		return b.String()
	},
	"JSON with escaped slashes": func(s string) string {
		b, _ := json.Marshal(s)
		return strings.ReplaceAll(string(b), "/", `\/`)
	},
	"Go quoted (slog, %q)": strconv.Quote,
	"JSON body in the debug log": func(s string) string {
		b, _ := json.Marshal(map[string]string{"error_msg": s})
		var out bytes.Buffer
		slog.New(slog.NewTextHandler(&out, nil)).Info("x", "response_body", string(b))
		return out.String()
	},
	"JSON in JSON": func(s string) string {
		b, _ := json.Marshal(map[string]string{"error_msg": s})
		bb, _ := json.Marshal(map[string]string{"body": string(b)})
		return string(bb)
	},
	"slog text handler": func(s string) string {
		var b bytes.Buffer
		slog.New(slog.NewTextHandler(&b, nil)).Info("x", "msg", s)
		return b.String()
	},
	"URL query":           url.QueryEscape,
	"URL path":            url.PathEscape,
	"URL, %20 for spaces": func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") },
	"URL, lower-case hex": func(s string) string { return lowerHex(url.QueryEscape(s)) },
	"URL in a URL": func(s string) string {
		return (&url.URL{Scheme: "https", Host: "h", Path: "/p/" + s, RawQuery: "pw=" + url.QueryEscape(s)}).String()
	},
	"HTML":          html.EscapeString,
	"html/template": template.HTMLEscapeString,
	"html/template text": func(s string) string {
		var b bytes.Buffer
		template.Must(template.New("").Parse(`<p>{{.}}</p>`)).Execute(&b, s)
		return b.String()
	},
	"XML": xmlEscape,
	"XML element": func(s string) string {
		b, _ := xml.Marshal(struct {
			XMLName xml.Name `xml:"failure"`
			Message string   `xml:"message,attr"`
			Data    string   `xml:",chardata"`
		}{Message: s, Data: s})
		return string(b)
	},
	"Inline":            Inline,
	"base64":            func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	"base64 raw URL":    func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
	"base64 Basic auth": func(s string) string { return base64.StdEncoding.EncodeToString([]byte("user:" + s)) },
	"base64 offset 1":   func(s string) string { return base64.StdEncoding.EncodeToString([]byte("x" + s + "!")) },
	"base64 offset 2":   func(s string) string { return base64.URLEncoding.EncodeToString([]byte("xy" + s + "!?")) },
	"base64 of JSON": func(s string) string {
		b, _ := json.Marshal(map[string]string{"p": s})
		return base64.StdEncoding.EncodeToString(b)
	},
	"inside a long word": func(s string) string { return "abc" + s + "def" },
}

// TestRedactorEveryEncoding masks a hostile password and a token-like secret in every form.
func TestRedactorEveryEncoding(t *testing.T) {
	t.Parallel()
	token := "MIIsimQ2x_Kf8-Lm3/Tr7+Vb0=="
	r := New(hostile, token)
	for name, enc := range encodings {
		for _, secret := range []string{hostile, token} {
			t.Run(name+"/"+secret[:3], func(t *testing.T) {
				t.Parallel()
				in := "error: " + enc(secret) + " end"
				out := r.String(in)
				if strings.Contains(out, enc(secret)) || strings.Contains(out, secret) {
					t.Errorf("not masked:\n in %s\nout %s", in, out)
				}
				if !strings.Contains(out, Mask) || !strings.HasPrefix(out, "error: ") || !strings.HasSuffix(out, " end") {
					t.Errorf("text around the secret changed:\n in %s\nout %s", in, out)
				}
				if got := string(r.Bytes([]byte(in))); got != out {
					t.Errorf("Bytes = %q, String = %q", got, out)
				}
			})
		}
	}
}

func TestRedactorCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"nothing registered", nil, "a secret", "a secret"},
		{"several occurrences", []string{"s3cr3t-value"}, "s3cr3t-value and s3cr3t-value", "*** and ***"},
		{"overlapping secrets", []string{"abcdefgh", "efghijkl"}, "x abcdefghijkl y", "x *** y"},
		{"secret containing another", []string{"inner-secret", "the-inner-secret-outer"}, "the-inner-secret-outer / inner-secret", "*** / ***"},
		{"adjacent secrets", []string{"first-secret", "second-secret"}, "first-secretsecond-secret", "***"},
		{"multi-line secret, line by line", []string{"line-one-xx\nline-two-yy"}, "got line-two-yy", "got ***"},
		{"blanks around a secret", []string{"  padded-secret \n"}, "[padded-secret]", "[***]"},
		{"short secret stands alone", []string{"ab1"}, "ab1 cab1d ab1, (ab1)", "*** cab1d ***, (***)"},
		{"one-letter secret", []string{"a"}, "a cat ate a fish: a", "*** cat ate *** fish: ***"},
		{"short secret JSON-escaped", []string{`a"b`}, `{"p":"a\"b"}`, `{"p":"***"}`},
		{"six bytes: also inside words", []string{"abc123"}, "xabc123y", "x***y"},
		{"user text holding a secret", []string{"Passw0rd-9"}, `gate "case Passw0rd-9": p95`, `gate "case ***": p95`},
		{"non-ASCII secret", []string{"密码-pässwörd"}, `{"m":"bad \u5bc6\u7801-p\u00e4ssw\u00f6rd"}`, `{"m":"bad ***"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := New(tt.secrets...).String(tt.in); got != tt.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRedactorLateSecret registers a secret after text was masked and while a Writer holds
// part of a line: everything written after Add is masked.
func TestRedactorLateSecret(t *testing.T) {
	t.Parallel()
	r := New("known-secret")
	if got := r.String("token tok-1234567890"); got != "token tok-1234567890" {
		t.Fatalf("masked before registration: %q", got)
	}
	var out bytes.Buffer
	w := r.NewWriter(&out)
	fmt.Fprint(w, "known-secret then tok-12345")
	r.Add("tok-1234567890")
	fmt.Fprint(w, "67890 done\n")
	w.Close()
	if got, want := out.String(), "*** then *** done\n"; got != want {
		t.Errorf("Writer wrote %q, want %q", got, want)
	}
	if got := r.String("token tok-1234567890"); got != "token ***" {
		t.Errorf("after Add: %q", got)
	}
	if got := r.Secrets(); len(got) != 2 {
		t.Errorf("Secrets() = %q", got)
	}
}

// TestWriterEverySplit writes a text in two pieces at every split point and in one-byte
// pieces: the output equals String's.
func TestWriterEverySplit(t *testing.T) {
	t.Parallel()
	r := New(hostile, "ab1", "zz-token-zz")
	in := `start ab1 x"` + hostile + `"y {"p":` + strconv.Quote(hostile) + `} zz-token-zz` + base64.StdEncoding.EncodeToString([]byte(":"+hostile)) + " ab1"
	want := r.String(in)
	for cut := 0; cut <= len(in); cut++ {
		var out bytes.Buffer
		w := r.NewWriter(&out)
		w.Write([]byte(in[:cut]))
		w.Write([]byte(in[cut:]))
		w.Close()
		if out.String() != want {
			t.Fatalf("split at %d:\n got %q\nwant %q", cut, out.String(), want)
		}
	}
	var out bytes.Buffer
	w := r.NewWriter(&out)
	for i := range len(in) {
		w.Write([]byte{in[i]})
	}
	w.Close()
	if out.String() != want {
		t.Errorf("byte by byte:\n got %q\nwant %q", out.String(), want)
	}
}

func TestRedactorNilAndConcurrent(t *testing.T) {
	t.Parallel()
	var nilR *Redactor
	if nilR.String("x") != "x" || string(nilR.Bytes([]byte("y"))) != "y" || nilR.Secrets() != nil {
		t.Error("a nil Redactor changed text")
	}
	r := New()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			s := fmt.Sprintf("secret-number-%d", i)
			r.Add(s)
			if got := r.String("<" + s + ">"); got != "<***>" {
				t.Errorf("%s: %q", s, got)
			}
		})
	}
	wg.Wait()
}

func TestInline(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain text: ok", "plain text: ok"},
		{"a\nb\r\nc", `a\nb\r\nc`},
		{"name\n::error::pwned", `name\n::error::pwned`},
		{"\x1b[2Kgone", `\x1b[2Kgone`},
		{"x ##[error]y", `x ##\[error]y`},
		{"bidi \u202eevil\u2066", `bidi \u202eevil\u2066`},
		{"nel\u0085 ls\u2028", `nel\u0085 ls\u2028`},
		{"tab\tkept, 中文 kept", "tab\tkept, 中文 kept"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	}
	for _, tt := range tests {
		if got := Inline(tt.in); got != tt.want {
			t.Errorf("Inline(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.ContainsAny(Inline(tt.in), "\n\r\x1b") {
			t.Errorf("Inline(%q) keeps a line break or ESC", tt.in)
		}
	}
}

func TestLine(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"::error::pwned", `\::error::pwned`},
		{"  \t::stop-commands::x", `\  	::stop-commands::x`},
		{"\u00a0::warning::x", "\\\u00a0::warning::x"},
		{"ok :: not a command", "ok :: not a command"},
		{"##[error]x", `##\[error]x`},
		{"\x1b[2K::error::x", `\x1b[2K::error::x`},
	}
	for _, tt := range tests {
		if got := Line(tt.in); got != tt.want {
			t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain\nlines\tok", "plain\nlines\tok"},
		{"crlf\r\nand cr\rend", "crlf\nand cr\nend"},
		{"\x1b[2K\x1b[1;31mred\x1b[0m", "red"},
		{"osc \x1b]0;title\x07after, \x1b]8;;http://x\x1b\\link", "osc after, link"},
		{"lone \x1b esc, \x1bM reverse", "lone  esc,  reverse"},
		{"c1 csi \u009b2J, nul \x00, bell \x07", "c1 csi , nul , bell "},
		{"bidi \u202aa\u202eb\u2066c\u2069d", "bidi abcd"},
		{"xml \ufffe\uffff", "xml "},
		{"bad \xff", "bad \uFFFD"},
		{"中文 ok", "中文 ok"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzCleaners(f *testing.F) {
	for _, s := range []string{"a\nb", "\x1b[2K", "##[x", "\u202e", "\x1b]0;\x07", "::x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := Inline(s)
		if strings.ContainsAny(in, "\n\r\x1b\u2028\u2029\u202e\u0085") || strings.Contains(in, "##[") {
			t.Errorf("Inline(%q) = %q", s, in)
		}
		if l := Line(s); strings.HasPrefix(strings.TrimLeft(l, " \t\u00a0"), "::") {
			t.Errorf("Line(%q) = %q starts with ::", s, l)
		}
		if tx := Text(s); strings.ContainsAny(tx, "\r\x1b\x00\u202e\u2066\ufffe") {
			t.Errorf("Text(%q) = %q", s, tx)
		}
	})
}

func BenchmarkRedactorBytes(b *testing.B) {
	r := New(hostile, "MIIsim"+strings.Repeat("Q2xKf8Lm3Tr7Vb0", 60), "SimDemoSK0v9Hc2Lr5Tz8Wq3Nb6Ym1Xa4Jd7Fg0Ke")
	data := bytes.Repeat([]byte(`{"name":"GET /api/v1/resource-250","avg_rt":123.5,"p95":456,"requests":10000},`), 100000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r.Bytes(data)
	}
}
