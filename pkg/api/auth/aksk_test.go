package auth

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testAK = "AKTESTAKTESTAKTEST01"
	testSK = "skTESTsecretSECRETskTESTsecretSECRET0001"
)

// tickingClock returns a clock that advances one second on every call.
func tickingClock() func() time.Time {
	var n atomic.Int64
	return func() time.Time {
		return time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(n.Add(1)) * time.Second)
	}
}

func TestAKSKSignsEveryAttempt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		cred        AKSK
		body        string
		getBody     bool // body replayable through GetBody (as retryablehttp sets it)
		contentType string
		wantHeaders map[string]string
	}{
		{
			name: "GET with project", cred: AKSK{AK: testAK, SK: testSK, ProjectID: "pid1"},
			wantHeaders: map[string]string{"X-Project-Id": "pid1"},
		},
		{
			name: "POST JSON with GetBody", cred: AKSK{AK: testAK, SK: testSK, ProjectID: "pid1"},
			body: `{"status":9,"name":"中文"}`, getBody: true, contentType: "application/json",
		},
		{
			name: "POST JSON without GetBody", cred: AKSK{AK: testAK, SK: testSK},
			body: `{"a":1}`, contentType: "application/json",
		},
		{
			name: "temporary credentials", cred: AKSK{AK: testAK, SK: testSK, SecurityToken: "sec-tok", ProjectID: "p"},
			body: "plain text", getBody: true, contentType: "text/plain",
			wantHeaders: map[string]string{"X-Security-Token": "sec-tok", HeaderContentSHA256: UnsignedPayload},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := newServer(t,
				func(r *http.Request, body []byte) error { return Verify(r, body, testAK, testSK) },
				func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(http.StatusNoContent) })
			tt.cred.Now = tickingClock()
			rt := NewAKSK(nil, tt.cred)

			method := http.MethodGet
			if tt.body != "" {
				method = http.MethodPost
			}
			req, err := http.NewRequest(method, srv.URL+"/v1/p/tasks/42?limit=10&offset=0", nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			// Two attempts with the same request, as retryablehttp does.
			for range 2 {
				if tt.body != "" {
					req.Body = io.NopCloser(strings.NewReader(tt.body))
					req.GetBody = nil
					if tt.getBody {
						req.GetBody = func() (io.ReadCloser, error) {
							return io.NopCloser(strings.NewReader(tt.body)), nil
						}
					}
				}
				resp, err := rt.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			if h := req.Header.Get("Authorization") + req.Header.Get("X-Sdk-Date"); h != "" {
				t.Errorf("caller's request was modified: %q", h)
			}

			got := rec.all()
			if len(got) != 2 {
				t.Fatalf("server saw %d requests, want 2", len(got))
			}
			for i, s := range got {
				if s.verify != nil {
					t.Errorf("attempt %d: signature rejected: %v", i+1, s.verify)
				}
				if s.body != tt.body {
					t.Errorf("attempt %d: body %q, want %q", i+1, s.body, tt.body)
				}
				for k, v := range tt.wantHeaders {
					if s.header.Get(k) != v {
						t.Errorf("attempt %d: %s = %q, want %q", i+1, k, s.header.Get(k), v)
					}
				}
			}
			if got[0].header.Get("X-Sdk-Date") == got[1].header.Get("X-Sdk-Date") ||
				got[0].header.Get("Authorization") == got[1].header.Get("Authorization") {
				t.Error("the second attempt reused the first attempt's date or signature")
			}
		})
	}
}

func TestAKSKErrorsHideSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cred AKSK
	}{
		{"no AK", AKSK{SK: testSK}},
		{"no SK", AKSK{AK: testAK, SecurityToken: "sec-token-value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			closed := false
			req, _ := http.NewRequest("POST", "http://127.0.0.1:1/x", nil)
			req.Body = closeTracker{Reader: bytes.NewReader([]byte("{}")), closed: &closed}
			_, err := NewAKSK(failTransport{t}, tt.cred).RoundTrip(req)
			if err == nil {
				t.Fatal("no error")
			}
			assertNoSecret(t, err, testSK, "sec-token-value")
			if !closed {
				t.Error("request body not closed on error")
			}
		})
	}
}

type closeTracker struct {
	io.Reader
	closed *bool
}

func (c closeTracker) Close() error { *c.closed = true; return nil }

// failTransport fails the test when a request reaches it.
type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(*http.Request) (*http.Response, error) {
	f.t.Error("request sent although authentication failed")
	return nil, io.EOF
}
