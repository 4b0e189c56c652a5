package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestUnreadableAnswersAreAskedAgain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		idempotent bool
		bad        []string // bodies of the first answers, then {"ok":true}
		wantCalls  int32
		wantErr    string
	}{
		{"garbled once, read again", true, []string{`{"ok":tru`}, 2, ""},
		{"truncated twice, read again twice", true, []string{`{"ok":`, `{"o`}, 3, ""},
		{"garbled three times: give up", true, []string{`<html>`, `<html>`, `<html>`}, 3, "decode response"},
		{"a POST is never sent twice", false, []string{`{"ok":tru`}, 1, "decode response"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1))
				if n <= len(tc.bad) {
					_, _ = w.Write([]byte(tc.bad[n-1]))
					return
				}
				_, _ = w.Write([]byte(`{"ok":true}`))
			}))
			defer srv.Close()
			c, err := New(Config{Endpoint: srv.URL, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			var out struct{ OK bool }
			method := http.MethodGet
			if !tc.idempotent {
				method = http.MethodPost
			}
			err = c.Do(context.Background(), Call{Op: "read", Method: method, Path: "/x", Idempotent: tc.idempotent}, &out)
			if calls.Load() != tc.wantCalls {
				t.Errorf("calls = %d, want %d", calls.Load(), tc.wantCalls)
			}
			switch {
			case tc.wantErr == "" && (err != nil || !out.OK):
				t.Errorf("err = %v, out = %+v", err, out)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
