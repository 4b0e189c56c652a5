package sim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// AuthKind is how a recorded request authenticated (or tried to).
type AuthKind string

// Authentication kinds of a Recorded request.
const (
	// AuthNone: the request carried no credentials.
	AuthNone AuthKind = "none"
	// AuthToken: an X-Auth-Token header.
	AuthToken AuthKind = "token"
	// AuthAKSK: an SDK-HMAC-SHA256 Authorization header.
	AuthAKSK AuthKind = "aksk"
	// AuthPassword: an IAM password token request (POST /v3/auth/tokens).
	AuthPassword AuthKind = "password"
)

// Recorded is one request the simulator received. Secrets in the body are
// replaced by "***".
type Recorded struct {
	// Time is the simulator's wall clock when the request arrived.
	Time time.Time
	// Method is the HTTP method.
	Method string
	// Path is the URL path (unescaped).
	Path string
	// RawQuery is the raw query string.
	RawQuery string
	// Status is the HTTP status answered; 0 when no answer was sent (a hang
	// the client abandoned, a dropped answer).
	Status int
	// Body is the request body with secrets (passwords, keys, tokens) redacted.
	Body string
	// Auth is how the request authenticated.
	Auth AuthKind
	// Fault is the request-level fault applied to this request, 0 if none.
	Fault FaultKind
	// RequestID is the X-Request-Id the simulator answered with.
	RequestID string
	// ProjectID is the X-Project-Id header as sent, "" when absent.
	ProjectID string
}

// Requests returns every request answered (or abandoned) so far, in the
// order they completed.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.records)
}

func authKindOf(r *http.Request) AuthKind {
	switch {
	case r.Method == http.MethodPost && strings.TrimRight(r.URL.Path, "/") == "/v3/auth/tokens":
		return AuthPassword
	case r.Header.Get("X-Auth-Token") != "":
		return AuthToken
	case strings.HasPrefix(r.Header.Get("Authorization"), algorithm):
		return AuthAKSK
	}
	return AuthNone
}

// secretKey reports whether a JSON key names a secret.
func secretKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"password", "secret", "token", "passwd", "credential"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return k == "sk"
}

// redactBody returns body as text with every secret JSON value replaced by
// "***". A body that is not JSON is kept only when it holds no obvious
// secret.
func redactBody(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		low := strings.ToLower(string(body))
		if strings.Contains(low, "password") || strings.Contains(low, "secret") {
			return "***"
		}
		return string(body)
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil {
		return "***"
	}
	return string(out)
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if secretKey(k) {
				if _, isObj := x.(map[string]any); !isObj {
					t[k] = "***"
					continue
				}
			}
			t[k] = redactValue(x)
		}
	case []any:
		for i, x := range t {
			t[i] = redactValue(x)
		}
	}
	return v
}
