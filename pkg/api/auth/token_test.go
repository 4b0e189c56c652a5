package auth

import (
	"net/http"
	"testing"
)

func TestTokenSetsHeader(t *testing.T) {
	t.Parallel()
	srv, rec := newServer(t, nil, func(w http.ResponseWriter, _ *http.Request, _ int) {})
	req, _ := http.NewRequest("GET", srv.URL+"/v1/x", nil)
	req.Header.Set("X-Auth-Token", "caller-value")
	resp, err := NewToken(nil, "tok-123").RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := rec.all()[0].header.Get("X-Auth-Token"); got != "tok-123" {
		t.Errorf("X-Auth-Token = %q", got)
	}
	if req.Header.Get("X-Auth-Token") != "caller-value" {
		t.Error("caller's request was modified")
	}
}

func TestTokenEmpty(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest("GET", "http://127.0.0.1:1/v1/x", nil)
	if _, err := NewToken(failTransport{t}, "").RoundTrip(req); err == nil {
		t.Error("empty token accepted")
	}
}
