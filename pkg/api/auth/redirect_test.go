package auth

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// TestPasswordIAMRedirectRefused checks that an IAM endpoint answering the token request with a
// redirect — to another host, port or scheme, or back to itself — gets the password once and
// no one else gets it: the redirect is not followed, the error names the Location's host, and
// the refusal is remembered (a second request does not ask IAM again), also when the caller's
// own IAM client would follow redirects.
func TestPasswordIAMRedirectRefused(t *testing.T) {
	t.Parallel()
	type target struct {
		name string
		tls  bool
		// loc builds the Location from IAM's and the target's host:port; host is what the error
		// must name.
		loc func(iam, to string) (loc, host string)
	}
	targets := []target{
		{"another host", false, func(_, to string) (string, string) {
			_, port, _ := net.SplitHostPort(to)
			h := net.JoinHostPort("evil.test", port)
			return "http://" + h + "/v3/auth/tokens", "http://" + h
		}},
		{"same host, another port", false, func(_, to string) (string, string) {
			return "http://" + to + "/v3/auth/tokens", "http://" + to
		}},
		{"another scheme", true, func(_, to string) (string, string) {
			return "https://" + to + "/v3/auth/tokens", "https://" + to
		}},
		{"same origin, another path", false, func(iam, _ string) (string, string) {
			return "/v3/auth/tokens/elsewhere", "http://" + iam
		}},
	}
	for _, tg := range targets {
		for _, status := range []int{301, 302, 303, 307, 308} {
			for _, ownClient := range []bool{false, true} {
				name := tg.name + "/" + http.StatusText(status)
				if ownClient {
					name += "/caller's client"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					var reached, withPassword atomic.Int64
					catch := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						body, _ := io.ReadAll(r.Body)
						reached.Add(1)
						if strings.Contains(string(body), testPassword) {
							withPassword.Add(1)
						}
						w.Header().Set("X-Subject-Token", "stolen")
						w.WriteHeader(http.StatusCreated)
					})
					var to *httptest.Server
					if tg.tls {
						to = httptest.NewTLSServer(catch)
					} else {
						to = httptest.NewServer(catch)
					}
					t.Cleanup(to.Close)

					var iamCalls atomic.Int64
					var location string
					iam := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						io.Copy(io.Discard, r.Body)
						if iamCalls.Add(1) > 1 && strings.HasSuffix(r.URL.Path, "/elsewhere") {
							catch(w, r) // followed back to IAM itself
							return
						}
						w.Header().Set("Location", location)
						w.WriteHeader(status)
					}))
					location, wantHost := tg.loc(iam.Listener.Addr().String(), to.Listener.Addr().String())
					iam.Start()
					t.Cleanup(iam.Close)

					// The base transport reaches the target as evil.test too and trusts its
					// certificate: only the redirect policy stands between it and the password.
					base := to.Client().Transport.(*http.Transport).Clone()
					var d net.Dialer
					base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
						if h, _, _ := net.SplitHostPort(addr); h == "evil.test" {
							addr = to.Listener.Addr().String()
						}
						return d.DialContext(ctx, network, addr)
					}
					p := Password{IAMEndpoint: iam.URL, Username: testUser, Password: testPassword, ProjectID: testProject}
					if ownClient {
						p.HTTPClient = &http.Client{Transport: base} // net/http's default: follow
					}
					svc, rec := newServer(t, nil, okService)
					rt := NewPassword(base, p)
					for range 2 {
						_, err := send(t, rt, "POST", svc.URL+"/v1/x", `{"a":1}`)
						if !api.IsRedirect(err) {
							t.Fatalf("err = %v, want a refused redirect", err)
						}
						if !strings.Contains(err.Error(), wantHost) {
							t.Errorf("error %q does not name the Location %s", err, wantHost)
						}
						assertNoSecret(t, err, testPassword, "/v3/auth/tokens/elsewhere", "/v3/auth/tokens\"")
					}
					if n := iamCalls.Load(); n != 1 {
						t.Errorf("IAM got %d token requests, want 1 (refusal remembered)", n)
					}
					if n := reached.Load(); n != 0 {
						t.Errorf("the Location got %d requests (%d with the password), want 0", n, withPassword.Load())
					}
					if n := len(rec.all()); n != 0 {
						t.Errorf("the service got %d requests without a token", n)
					}
				})
			}
		}
	}
}
