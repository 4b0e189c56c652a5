package cli

import (
	"encoding/base64"
	"io"
	"net/url"
	"strings"
	"sync"
)

// redactor replaces known secret values, and their base64 and URL-encoded forms, with ***.
type redactor struct {
	mu      sync.Mutex
	secrets []string
}

// add registers secrets; values shorter than 4 characters are ignored (they would mask noise).
func (r *redactor) add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		if len(v) < 4 {
			continue
		}
		r.secrets = append(r.secrets, v, url.QueryEscape(v), base64.StdEncoding.EncodeToString([]byte(v)), base64.RawURLEncoding.EncodeToString([]byte(v)))
	}
}

// apply returns s with every registered secret replaced.
func (r *redactor) apply(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range r.secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, "***")
		}
	}
	return s
}

// redactWriter scrubs secrets from everything written through it.
type redactWriter struct {
	w io.Writer
	r *redactor
}

// Write scrubs p and writes it; it reports len(p) on success so callers see a full write.
func (rw *redactWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(rw.w, rw.r.apply(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
