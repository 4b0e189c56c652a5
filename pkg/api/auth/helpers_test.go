package auth

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// seen is one request as a test server received it.
type seen struct {
	method string
	header http.Header
	body   string
	verify error // AK/SK signature check, when the server checks one
}

// recorder is a test server that records requests and answers with respond.
type recorder struct {
	mu       sync.Mutex
	requests []seen
}

func (rec *recorder) add(s seen) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests = append(rec.requests, s)
	return len(rec.requests)
}

func (rec *recorder) all() []seen {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]seen(nil), rec.requests...)
}

// newServer starts a server that records every request; check (optional) may verify it, and
// respond writes the answer given the 1-based request number.
func newServer(t *testing.T, check func(r *http.Request, body []byte) error,
	respond func(w http.ResponseWriter, r *http.Request, n int)) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s := seen{method: r.Method, header: r.Header.Clone(), body: string(body)}
		if check != nil {
			s.verify = check(r, body)
		}
		n := rec.add(s)
		respond(w, r, n)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

// assertNoSecret fails when err's text contains any of the secrets.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error text shows a secret: %v", err)
		}
	}
}
