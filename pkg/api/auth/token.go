package auth

import (
	"errors"
	"net/http"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// NewToken returns a RoundTripper that sends token as X-Auth-Token on every request and
// passes it to base (nil = http.DefaultTransport).
func NewToken(base http.RoundTripper, token string) http.RoundTripper {
	return &tokenTransport{base: defaultBase(base), token: token}
}

type tokenTransport struct {
	base  http.RoundTripper
	token string
}

// RoundTrip sets X-Auth-Token on a clone of r and sends it through the base transport.
func (t *tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.token == "" {
		closeBody(r)
		return nil, api.Permanent(errors.New("auth: token: the IAM token is empty"))
	}
	c := r.Clone(r.Context())
	c.Header.Set(HeaderAuthToken, t.token)
	return t.base.RoundTrip(c)
}
