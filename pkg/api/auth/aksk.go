package auth

import (
	"net/http"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// AKSK holds permanent or temporary access keys and the settings sent with them.
type AKSK struct {
	AK            string           // access key id
	SK            string           // secret access key; never logged or shown in errors
	SecurityToken string           // temporary credentials only: sent as X-Security-Token
	ProjectID     string           // sent as X-Project-Id when set
	Now           func() time.Time // clock for X-Sdk-Date; nil = time.Now
}

// NewAKSK returns a RoundTripper that signs every request with c (SDK-HMAC-SHA256) and then
// passes it to base (nil = http.DefaultTransport). Each call signs a clone of the request with
// a fresh X-Sdk-Date, so every retry attempt carries a new signature.
func NewAKSK(base http.RoundTripper, c AKSK) http.RoundTripper {
	return &akskTransport{base: defaultBase(base), cred: c}
}

type akskTransport struct {
	base http.RoundTripper
	cred AKSK
}

// RoundTrip signs a clone of r and sends it through the base transport.
func (t *akskTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c := r.Clone(r.Context())
	body, err := replayable(c)
	if err != nil {
		closeBody(r)
		return nil, err
	}
	if t.cred.ProjectID != "" {
		c.Header.Set(HeaderProjectID, t.cred.ProjectID)
	}
	if t.cred.SecurityToken != "" {
		c.Header.Set(HeaderSecurityToken, t.cred.SecurityToken)
	}
	now := time.Now
	if t.cred.Now != nil {
		now = t.cred.Now
	}
	if err := Sign(c, body, t.cred.AK, t.cred.SK, now()); err != nil {
		closeBody(c)
		return nil, api.Permanent(err)
	}
	return t.base.RoundTrip(c)
}
