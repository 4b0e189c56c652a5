package api_test

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
	"github.com/codearts-runner/codearts-runner/pkg/api/auth"
)

// evilHost is a host name that the test transports resolve to the redirect target, so that
// "another host" needs no DNS.
const evilHost = "evil.test"

// counter is a test server that counts the requests reaching its handler and remembers whether
// any carried a credential.
type counter struct {
	srv         *httptest.Server
	n           atomic.Int64
	credentials atomic.Int64
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("Authorization") != "" || r.Header.Get("X-Auth-Token") != "" ||
		r.Header.Get("X-Security-Token") != "" || strings.Contains(string(body), "password") {
		c.credentials.Add(1)
	}
	io.WriteString(w, "{}")
}

func newCounter(t *testing.T, tlsServer bool) *counter {
	t.Helper()
	c := &counter{}
	if tlsServer {
		c.srv = httptest.NewTLSServer(c)
	} else {
		c.srv = httptest.NewServer(c)
	}
	t.Cleanup(c.srv.Close)
	return c
}

// redirectTargets are the places a hostile endpoint redirects to.
type redirectTarget struct {
	name string
	tls  bool
	// location builds the Location header from the redirecting server's and the target's
	// host:port; host is what the error must name.
	location func(from, to string) (loc, host string)
	// sameServer: the redirect points back at the redirecting server itself.
	sameServer bool
}

var redirectTargets = []redirectTarget{
	{name: "another host", location: func(_, to string) (string, string) {
		_, port, _ := net.SplitHostPort(to)
		h := net.JoinHostPort(evilHost, port)
		return "http://" + h + "/v1/steal", "http://" + h
	}},
	{name: "same host, another port", location: func(_, to string) (string, string) {
		return "http://" + to + "/v1/steal", "http://" + to
	}},
	{name: "another scheme", tls: true, location: func(_, to string) (string, string) {
		return "https://" + to + "/v1/steal", "https://" + to
	}},
	{name: "same origin, another path", sameServer: true, location: func(from, _ string) (string, string) {
		return "/v1/elsewhere", "http://" + from
	}},
}

// redirectStatuses are every redirect status net/http would follow.
var redirectStatuses = []int{301, 302, 303, 307, 308}

// testTransport reaches target under evilHost too and trusts its certificate when it has one.
func testTransport(target *counter) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	addr := target.srv.Listener.Addr().String()
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, a string) (net.Conn, error) {
		if host, _, _ := net.SplitHostPort(a); host == evilHost {
			a = addr
		}
		return d.DialContext(ctx, network, a)
	}
	if target.srv.TLS != nil {
		tr.TLSClientConfig = target.srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	} else {
		tr.TLSClientConfig = &tls.Config{}
	}
	return tr
}

// redirector answers every request with status and the Location that loc builds from the
// server's own host:port, counting the requests; it returns the server and the Location's host.
func redirector(t *testing.T, status int, loc func(self string) (string, string)) (*httptest.Server, *atomic.Int64, string) {
	t.Helper()
	var n atomic.Int64
	var location string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1) > 1 && r.URL.Path == "/v1/elsewhere" {
			io.WriteString(w, "{}") // followed back to itself
			return
		}
		w.Header().Set("Location", location)
		w.WriteHeader(status)
	}))
	location, host := loc(srv.Listener.Addr().String())
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &n, host
}

// fakeIAMServer issues one fixed token to any password request.
func fakeIAMServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Subject-Token", "iam-token-never-forwarded")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"token":{"expires_at":"2099-01-01T00:00:00.000000Z"}}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestClientRefusesRedirects checks that a service answering with a redirect — to another host,
// port or scheme, or back to itself — ends the call with a *RedirectError naming the Location's
// host, after one request and no retry, and that nothing (no request, no credential) reaches
// the Location, whichever authentication signs the requests.
func TestClientRefusesRedirects(t *testing.T) {
	t.Parallel()
	auths := []struct {
		name string
		rt   func(base http.RoundTripper, t *testing.T) http.RoundTripper
	}{
		{"aksk", func(base http.RoundTripper, _ *testing.T) http.RoundTripper {
			return auth.NewAKSK(base, auth.AKSK{AK: ak, SK: sk, SecurityToken: "security-token-never-forwarded"})
		}},
		{"token", func(base http.RoundTripper, _ *testing.T) http.RoundTripper {
			return auth.NewToken(base, "token-never-forwarded")
		}},
		{"password", func(base http.RoundTripper, t *testing.T) http.RoundTripper {
			return auth.NewPassword(base, auth.Password{IAMEndpoint: fakeIAMServer(t), Username: "u",
				Password: "password-never-forwarded", ProjectID: "p"})
		}},
	}
	for _, target := range redirectTargets {
		for _, status := range redirectStatuses {
			for _, a := range auths {
				for _, method := range []string{http.MethodGet, http.MethodPost} {
					name := strings.Join([]string{target.name, http.StatusText(status), a.name, method}, "/")
					t.Run(name, func(t *testing.T) {
						t.Parallel()
						to := newCounter(t, target.tls)
						srv, asked, wantHost := redirector(t, status, func(self string) (string, string) {
							return target.location(self, to.srv.Listener.Addr().String())
						})
						c, err := api.New(api.Config{Endpoint: srv.URL, Transport: a.rt(testTransport(to), t),
							RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
						if err != nil {
							t.Fatal(err)
						}
						call := api.Call{Op: "read thing", Method: method, Path: "/v1/thing", Idempotent: true}
						if method == http.MethodPost {
							call.Body = map[string]string{"password": "body-never-forwarded"}
						}
						err = c.Do(context.Background(), call, nil)
						if !api.IsRedirect(err) {
							t.Fatalf("err = %v, want a refused redirect", err)
						}
						if !strings.Contains(err.Error(), wantHost) {
							t.Errorf("error %q does not name the Location %s", err, wantHost)
						}
						for _, secret := range []string{sk, "never-forwarded", "/v1/steal", "/v1/elsewhere"} {
							if strings.Contains(err.Error(), secret) {
								t.Errorf("error shows a secret: %v", err)
							}
						}
						if n := asked.Load(); n != 1 {
							t.Errorf("the redirecting server got %d requests, want 1 (no retry, nothing followed)", n)
						}
						if n := to.n.Load(); n != 0 {
							t.Errorf("the Location's server got %d requests (%d with credentials), want 0", n, to.credentials.Load())
						}
					})
				}
			}
		}
	}
}

// TestRedirectRigFollows proves the rig of TestClientRefusesRedirects: a client with net/http's
// default redirect policy, over the same transports, does reach every target — credentials
// included for the auth transport, which signs the redirected request again.
func TestRedirectRigFollows(t *testing.T) {
	t.Parallel()
	for _, target := range redirectTargets {
		if target.sameServer {
			continue
		}
		t.Run(target.name, func(t *testing.T) {
			t.Parallel()
			to := newCounter(t, target.tls)
			srv, _, _ := redirector(t, http.StatusTemporaryRedirect, func(self string) (string, string) {
				return target.location(self, to.srv.Listener.Addr().String())
			})
			hc := &http.Client{Transport: auth.NewToken(testTransport(to), "tok")}
			resp, err := hc.Get(srv.URL + "/v1/thing")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if to.n.Load() != 1 || to.credentials.Load() != 1 {
				t.Errorf("target got %d requests, %d with credentials; want 1 and 1", to.n.Load(), to.credentials.Load())
			}
		})
	}
}

// TestRefuseRedirectError checks the error's text and fields.
func TestRefuseRedirectError(t *testing.T) {
	t.Parallel()
	from, _ := url.Parse("https://cpts.example.com/v1/p/tasks/1")
	to, _ := url.Parse("http://user:pw@evil.test:8080/x?token=abc")
	req := &http.Request{URL: to, Response: &http.Response{StatusCode: 307}}
	err := api.RefuseRedirect(req, []*http.Request{{URL: from}})
	re, ok := err.(*api.RedirectError)
	if !ok {
		t.Fatalf("err = %T, want *api.RedirectError", err)
	}
	if re.Status != 307 || re.From != "https://cpts.example.com" || re.To != "http://evil.test:8080" {
		t.Errorf("fields = %+v", re)
	}
	msg := err.Error()
	for _, want := range []string{"HTTP 307", "https://cpts.example.com", "http://evil.test:8080", "refused"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	for _, not := range []string{"pw", "token=abc", "/x"} {
		if strings.Contains(msg, not) {
			t.Errorf("%q shows %q of the Location", msg, not)
		}
	}
	if hc := api.NoRedirects(nil); hc.CheckRedirect == nil {
		t.Error("NoRedirects(nil) has no CheckRedirect")
	}
}
