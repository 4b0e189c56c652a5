package auth

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// defaultBase returns base, or http.DefaultTransport when base is nil.
func defaultBase(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		return http.DefaultTransport
	}
	return base
}

// replayable makes the body of the (already cloned) request c readable again: it returns
// the body bytes and leaves c with a Body and a GetBody that yield them. The original body
// is consumed through GetBody when the request has one, and read and closed otherwise.
func replayable(c *http.Request) ([]byte, error) {
	if c.Body == nil || c.Body == http.NoBody {
		return nil, nil
	}
	body := c.Body
	if c.GetBody != nil {
		rc, err := c.GetBody()
		if err != nil {
			return nil, fmt.Errorf("auth: rewind request body: %w", err)
		}
		// The original body stays unread; it is replaced below, so close it.
		c.Body.Close()
		body = rc
	}
	data, err := io.ReadAll(body)
	body.Close()
	if err != nil {
		return nil, fmt.Errorf("auth: read request body: %w", err)
	}
	c.Body = io.NopCloser(bytes.NewReader(data))
	c.GetBody = func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	c.ContentLength = int64(len(data))
	return data, nil
}

// closeBody closes the body of r, as a RoundTripper must even when it fails early.
func closeBody(r *http.Request) {
	if r.Body != nil {
		r.Body.Close()
	}
}
