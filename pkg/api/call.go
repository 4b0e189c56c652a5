package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"
)

// Call describes one API operation.
type Call struct {
	Op         string     // human name for errors, e.g. "show task 42"
	Method     string     // HTTP method; "" = GET
	Path       string     // already escaped path, e.g. "/v1/{pid}/tasks/42"
	Query      url.Values // added to the URL, spaces as %20
	Body       any        // JSON-encoded when non-nil
	Idempotent bool       // false → never retried (POST start etc.)
}

// name is the call's name in errors: Op, or "METHOD path".
func (c Call) name() string {
	if c.Op != "" {
		return c.Op
	}
	return strings.TrimSpace(c.method() + " " + c.Path)
}

func (c Call) method() string {
	if c.Method == "" {
		return http.MethodGet
	}
	return strings.ToUpper(c.Method)
}

// newRequest builds the retryable request: URL, JSON body and standard headers.
func (c *Client) newRequest(ctx context.Context, call Call) (*retryablehttp.Request, error) {
	u, err := c.url(call)
	if err != nil {
		return nil, err
	}
	var body []byte
	if call.Body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(call.Body); err != nil {
			return nil, fmt.Errorf("encode request body: %w", err)
		}
		body = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	var raw any
	if body != nil {
		raw = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, call.method(), u, raw)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.ua)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// url joins the endpoint, the escaped call path and the query.
func (c *Client) url(call Call) (string, error) {
	if call.Path != "" && !strings.HasPrefix(call.Path, "/") {
		return "", fmt.Errorf("path %q must start with /", call.Path)
	}
	ref, err := url.Parse(call.Path)
	if err != nil {
		return "", fmt.Errorf("path %q: %w", call.Path, err)
	}
	if ref.Scheme != "" || ref.Host != "" || ref.Fragment != "" {
		return "", fmt.Errorf("path %q must be a path, not a URL", call.Path)
	}
	u := *c.base
	u.RawPath = ""
	if err := setPath(&u, c.base.EscapedPath()+ref.EscapedPath()); err != nil {
		return "", fmt.Errorf("path %q: %w", call.Path, err)
	}
	q := ref.Query()
	for k, vs := range call.Query {
		q[k] = append(q[k], vs...)
	}
	if len(call.Query) == 0 {
		u.RawQuery = ref.RawQuery
	} else {
		u.RawQuery = EncodeQuery(q)
	}
	return u.String(), nil
}

// setPath sets u's path from its escaped form, keeping the escaping.
func setPath(u *url.URL, escaped string) error {
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return err
	}
	u.Path = p
	u.RawPath = escaped
	return nil
}

// EncodeQuery encodes q sorted by key like url.Values.Encode, with spaces as %20 (the
// signature canonicalises the decoded values, so both forms sign alike, but %20 is what the
// official SDK sends).
func EncodeQuery(q url.Values) string {
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}
