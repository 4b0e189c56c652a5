package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHostileAnswersAreBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want string
	}{
		{"deeply nested", strings.Repeat("[", 1_100_000) + strings.Repeat("]", 1_100_000), "nested deeper than 64"},
		{"a million rows", `{"rows":[` + strings.Repeat(`{},`, 1_000_000) + `{}]}`, "more than 200000 objects"},
		{"too many values", `[` + strings.Repeat(`1,`, 21_000_000) + `1]`, "more than 20000000 values"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, err := New(Config{Endpoint: srv.URL, RetryMax: -1, MaxBody: 128 << 20})
			if err != nil {
				t.Fatal(err)
			}
			var out any
			err = c.Do(context.Background(), Call{Op: "show report", Path: "/r", Idempotent: true}, &out)
			if !errors.Is(err, ErrShape) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "show report: ") {
				t.Fatalf("err = %v; want ErrShape mentioning %q", err, tc.want)
			}
		})
	}
}

// TestCheckShapeLimits: each limit is refused one past it, not at it.
func TestCheckShapeLimits(t *testing.T) {
	t.Parallel()
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	objects := func(n int) string { return "[" + strings.Repeat("{},", n-1) + "{}]" }
	tests := []struct {
		name, body, wantErr string
	}{
		{"depth 64", nest(64), ""},
		{"depth 65", nest(65), "nested deeper than 64 levels"},
		{"brackets in strings do not count", `["` + strings.Repeat("[", 100) + `\"` + strings.Repeat("{", 100) + `"]`, ""},
		{"200000 objects", objects(maxObjects), ""},
		{"200001 objects", objects(maxObjects + 1), "more than 200000 objects"},
		{"20000000 separators", "[" + strings.Repeat("1,", maxValues) + "1]", ""},
		{"20000001 separators", "[" + strings.Repeat("1,", maxValues+1) + "1]", "more than 20000000 values"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := checkShape([]byte(tc.body))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if !errors.Is(err, ErrShape) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want ErrShape %q", err, tc.wantErr)
			}
		})
	}
}
