package cloudtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/codearts-runner/codearts-runner/internal/testutil/apitest"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// testProject is a 32-character CodeArts project id.
const testProject = "9b26f58ec29943f681804a6628779a23"

// newWire returns a wire client of srv with fast retries (2 retries).
func newWire(t *testing.T, srv *httptest.Server) *api.Client {
	t.Helper()
	return apitest.Wire(t, srv.URL)
}

// newTestClient returns a TestPlan client of srv for testProject.
func newTestClient(t *testing.T, srv *httptest.Server) *Client {
	t.Helper()
	return New(newWire(t, srv), testProject)
}

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// text returns s, or the golden file s names as "@file".
func text(t *testing.T, s string) string {
	t.Helper()
	if len(s) > 0 && s[0] == '@' {
		return string(readGolden(t, s[1:]))
	}
	return s
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v\n%s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON differs\n got: %s\nwant: %s", got, want)
	}
}

// exchange is one expected request and its canned answer.
type exchange struct {
	method string
	path   string     // escaped path
	query  url.Values // nil: no query expected
	body   string     // expected JSON body (or "@file"); "" means none
	status int        // 0 means 200
	answer string     // answer body, or "@file"
}

// stubServer serves the exchanges in order and fails the test on any
// difference, on a request beyond the last exchange and (at cleanup) on an
// exchange never requested.
func stubServer(t *testing.T, exs ...exchange) *httptest.Server {
	t.Helper()
	var (
		mu sync.Mutex
		n  int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := n
		n++
		mu.Unlock()
		if i >= len(exs) {
			t.Errorf("unexpected request %d: %s %s", i+1, r.Method, r.URL)
			w.WriteHeader(http.StatusTeapot)
			return
		}
		ex := exs[i]
		checkRequest(t, r, ex)
		w.Header().Set("Content-Type", "application/json")
		status := ex.status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		io.WriteString(w, text(t, ex.answer))
	}))
	t.Cleanup(func() {
		srv.Close()
		mu.Lock()
		defer mu.Unlock()
		if n < len(exs) {
			t.Errorf("%d requests, want %d", n, len(exs))
		}
	})
	return srv
}

// checkRequest reports (without stopping the server) any difference from ex.
func checkRequest(t *testing.T, r *http.Request, ex exchange) {
	t.Helper()
	if r.Method != ex.method {
		t.Errorf("method = %s, want %s", r.Method, ex.method)
	}
	if p := r.URL.EscapedPath(); p != ex.path {
		t.Errorf("path = %s, want %s", p, ex.path)
	}
	q := r.URL.Query()
	if len(q) == 0 {
		q = nil
	}
	if !reflect.DeepEqual(q, ex.query) {
		t.Errorf("query = %v, want %v", q, ex.query)
	}
	body, _ := io.ReadAll(r.Body)
	if ex.body == "" {
		if len(body) != 0 {
			t.Errorf("unexpected body %s", body)
		}
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	jsonEqual(t, body, []byte(text(t, ex.body)))
}

// noRequests is a server that fails the test on any request.
func noRequests(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
	}))
	t.Cleanup(srv.Close)
	return srv
}
