package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingDecoder is a RawDecoder that refuses the bodies in bad and records what it was given.
type countingDecoder struct {
	calls  atomic.Int32
	bad    map[string]error
	got    string
	result bool
}

func (c *countingDecoder) DecodeJSON(data []byte) error {
	c.calls.Add(1)
	if err := c.bad[string(data)]; err != nil {
		return err
	}
	c.got = string(data)
	c.result = true
	return nil
}

// UnmarshalJSON would be used by json.Unmarshal: a RawDecoder must not get there.
func (c *countingDecoder) UnmarshalJSON([]byte) error {
	return errors.New("json.Unmarshal used instead of DecodeJSON")
}

func TestRawDecoderIsUsed(t *testing.T) {
	t.Parallel()
	errBroken := errors.New("broken body")
	shapeErr := fmt.Errorf("%w: nested deeper than 64 levels", ErrShape)
	hugeDeep := `{"bad":"` + strings.Repeat("x", shapeCheckFrom) + `","d":` + strings.Repeat("[", 65) + strings.Repeat("]", 65) + `}`
	hugeFlat := `{"bad":"` + strings.Repeat("x", shapeCheckFrom) + `"}`
	tests := []struct {
		name       string
		idempotent bool
		bodies     []string // the answers in order; the last repeats
		wantCalls  int32    // server calls
		wantErr    string   // "" for success
		wantShape  bool
	}{
		{"decoded by DecodeJSON", true, []string{`{"ok":true}`}, 1, "", false},
		{"refused once, asked again", true, []string{`{"bad":1}`, `{"ok":true}`}, 2, "", false},
		{"refused each time: give up", true, []string{`{"bad":1}`}, 3, "decode response (HTTP 200, 9 bytes): broken body", false},
		{"a POST is never sent twice", false, []string{`{"bad":1}`, `{"ok":true}`}, 1, "decode response", false},
		{"a shape error is not asked again", true, []string{`{"deep":1}`, `{"ok":true}`}, 1, "read: 10 bytes: answer too large", true},
		{"refused and over the limits: a shape error", true, []string{hugeDeep, `{"ok":true}`}, 1, "nested deeper than 64 levels", true},
		{"refused, big but within the limits: asked again", true, []string{hugeFlat, `{"ok":true}`}, 2, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1))
				_, _ = w.Write([]byte(tc.bodies[min(n, len(tc.bodies))-1]))
			}))
			defer srv.Close()
			c, err := New(Config{Endpoint: srv.URL, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			out := &countingDecoder{bad: map[string]error{`{"bad":1}`: errBroken, `{"deep":1}`: shapeErr,
				hugeDeep: errBroken, hugeFlat: errBroken}}
			method := http.MethodGet
			if !tc.idempotent {
				method = http.MethodPost
			}
			err = c.Do(context.Background(), Call{Op: "read", Method: method, Path: "/x", Idempotent: tc.idempotent}, out)
			if calls.Load() != tc.wantCalls || out.calls.Load() != tc.wantCalls {
				t.Errorf("server calls %d, DecodeJSON calls %d, want %d", calls.Load(), out.calls.Load(), tc.wantCalls)
			}
			switch {
			case tc.wantErr == "":
				if err != nil || !out.result || out.got != `{"ok":true}` {
					t.Errorf("err = %v, decoded %q", err, out.got)
				}
			case err == nil || !strings.Contains(err.Error(), tc.wantErr):
				t.Errorf("err = %v, want %q", err, tc.wantErr)
			case errors.Is(err, ErrShape) != tc.wantShape:
				t.Errorf("err = %v: errors.Is(ErrShape) = %v, want %v", err, !tc.wantShape, tc.wantShape)
			case !tc.wantShape && !errors.Is(err, errBroken):
				t.Errorf("err = %v does not wrap the decoder's error", err)
			}
		})
	}
}

// TestShapeGuardLimits checks that the guard a RawDecoder uses refuses what checkShape refuses
// and only on bodies the client checks.
func TestShapeGuardLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		size    int
		opens   int // '{' opened and never closed
		arrays  int // '[' opened and never closed
		seps    int
		wantErr string
	}{
		{"small body: counted, not limited", 100, 70, 0, 30_000_000, ""},
		{"depth 64", shapeCheckFrom + 1, 32, 32, 0, ""},
		{"depth 65", shapeCheckFrom + 1, 33, 32, 0, "nested deeper than 64 levels"},
		{"separators at the limit", shapeCheckFrom + 1, 0, 1, maxValues, ""},
		{"one separator too many", shapeCheckFrom + 1, 0, 1, maxValues + 1, "more than 20000000 values"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := NewShapeGuard(tc.size)
			var err error
			for i := 0; i < tc.opens && err == nil; i++ {
				err = g.Open(true)
			}
			for i := 0; i < tc.arrays && err == nil; i++ {
				err = g.Open(false)
			}
			for i := 0; i < tc.seps && err == nil; i++ {
				err = g.Sep()
			}
			if tc.wantErr == "" {
				if err != nil || g.Depth() != tc.opens+tc.arrays {
					t.Fatalf("err = %v, depth %d", err, g.Depth())
				}
				return
			}
			if !errors.Is(err, ErrShape) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want ErrShape %q", err, tc.wantErr)
			}
		})
	}
	g := NewShapeGuard(shapeCheckFrom + 1)
	var err error
	for i := 0; i <= maxObjects && err == nil; i++ {
		err = g.Open(true)
		g.Close()
	}
	if !errors.Is(err, ErrShape) || !strings.Contains(err.Error(), "more than 200000 objects") || g.Depth() != 0 {
		t.Errorf("%d objects: err = %v, depth %d", maxObjects+1, err, g.Depth())
	}
}
