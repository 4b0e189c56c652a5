package gates

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error is a
// *ParseError with positioned problems, and that every gate that parses
// round-trips through String().
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"p95 <= 750ms",
		"warn: case \"Checkout\" request \"POST /cart\": p99.9 < 1.5s",
		"p95 <= baseline + 10%; error_rate < baseline - 0.5pp",
		"tps >= 100/s, abort after 1m30s # comment",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		gs, err := Parse(text)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Fatalf("Parse(%q) error %v is not a *ParseError with problems", text, err)
			}
			for _, p := range pe.Problems {
				if p.Line < 1 || p.Col < 1 || p.Msg == "" {
					t.Fatalf("Parse(%q): problem without position or message: %+v", text, p)
				}
			}
			_ = err.Error()
			return
		}
		for _, g := range gs {
			checkRoundTrip(t, g)
		}
	})
}

// checkRoundTrip parses g.String() and requires the same gate back (Text
// aside) and a stable String().
func checkRoundTrip(t *testing.T, g Gate) {
	t.Helper()
	s := g.String()
	again, err := Parse(s)
	if err != nil {
		t.Fatalf("String() of %q = %q does not parse: %v", g.Text, s, err)
	}
	if len(again) != 1 {
		t.Fatalf("String() of %q = %q parses to %d gates", g.Text, s, len(again))
	}
	got, want := again[0], g
	got.Text, want.Text = "", ""
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip of %q via %q:\n got %#v\nwant %#v", g.Text, s, got, want)
	}
	if got.String() != s {
		t.Fatalf("String() is not stable: %q then %q", s, got.String())
	}
}

// FuzzParseFile checks that ParseFile never panics, that it returns a file
// or a positioned *ParseError, and that every gate it returns round-trips.
// The seeds are the golden inputs in testdata/file.
func FuzzParseFile(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "file", "*.yaml"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parser{}.ParseFile(data)
		if (file == nil) == (err == nil) {
			t.Fatalf("ParseFile returned %v and %v: exactly one expected", file, err)
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Fatalf("error %v is not a *ParseError with problems", err)
			}
			_ = err.Error()
			return
		}
		for _, g := range file.Gates {
			checkRoundTripNamed(t, g)
		}
	})
}
