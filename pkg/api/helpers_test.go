package api

import (
	"github.com/codearts-runner/codearts-runner/internal/testutil"

	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// reply is one scripted answer of a test server.
type reply struct {
	status  int
	body    string
	headers map[string]string
	hang    bool // block until the client gives up
	drop    bool // close the connection without an answer
}

// script is a test server answering with replies in order (the last one repeats).
type script struct {
	srv    *httptest.Server
	calls  atomic.Int64
	mu     sync.Mutex
	seen   []*http.Request
	bodies []string
}

func newScript(t *testing.T, replies ...reply) *script {
	t.Helper()
	s := &script{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.calls.Add(1))
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.seen = append(s.seen, r.Clone(r.Context()))
		s.bodies = append(s.bodies, string(body))
		s.mu.Unlock()
		rep := replies[min(n, len(replies))-1]
		switch {
		case rep.hang:
			<-r.Context().Done()
			return
		case rep.drop:
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		for k, v := range rep.headers {
			w.Header().Set(k, v)
		}
		if rep.status == 0 {
			rep.status = http.StatusOK
		}
		w.WriteHeader(rep.status)
		io.WriteString(w, rep.body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *script) request(i int) (*http.Request, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[i], s.bodies[i]
}

// fastConfig is a Config for tests: tiny waits, the given endpoint.
func fastConfig(endpoint string) Config {
	return Config{
		Endpoint:     endpoint,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 2 * time.Millisecond,
		Timeout:      10 * time.Second,
	}
}

func mustNew(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func captureLogger(level slog.Level) (*slog.Logger, *testutil.SyncBuffer) {
	buf := &testutil.SyncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: level})), buf
}
