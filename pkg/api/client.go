// Package api is the wire layer shared by the service clients: one retrying HTTP client
// (hashicorp/go-retryablehttp) that encodes JSON requests, decodes JSON answers, turns every
// non-2xx answer into an *APIError and, on request, logs each exchange with secrets redacted.
// Authentication is not done here: Config.Transport comes from package auth.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultRetryMax     = 4
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 10 * time.Second
	DefaultMaxBody      = 64 << 20 // 64 MiB
	DefaultUserAgent    = "codearts-runner"
)

// Config configures a Client. Zero values take the defaults above.
type Config struct {
	Endpoint     string            // base URL, e.g. https://cpts.cn-north-4.myhuaweicloud.com (may carry a base path)
	Transport    http.RoundTripper // auth transport from pkg/api/auth (wraps a base transport); nil = http.DefaultTransport clone
	Timeout      time.Duration     // per attempt, including reading the body; 0 = 30s, negative = none
	RetryMax     int               // retries for idempotent calls; 0 = 4, negative = none
	RetryWaitMin time.Duration     // 0 = 500ms
	RetryWaitMax time.Duration     // 0 = 10s; Retry-After is honoured but clamped to this
	MaxBody      int64             // response body size limit in bytes; 0 = 64 MiB
	Logger       *slog.Logger      // nil = discard
	Debug        bool              // log every request/response (redacted) at debug level
	UserAgent    string            // "" = "codearts-runner"
}

// Client calls one service endpoint. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	rc      *retryablehttp.Client
	maxBody int64
	ua      string
	// rereads is how often an idempotent call whose 2xx answer could not be read or decoded
	// is sent again (a gateway cut it short, garbled it); wait is the pause before that.
	rereads int
	wait    time.Duration
}

// New validates cfg, applies defaults and returns a Client.
func New(cfg Config) (*Client, error) {
	base, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.Timeout == 0:
		cfg.Timeout = DefaultTimeout
	case cfg.Timeout < 0:
		cfg.Timeout = 0
	}
	switch {
	case cfg.RetryMax == 0:
		cfg.RetryMax = DefaultRetryMax
	case cfg.RetryMax < 0:
		cfg.RetryMax = 0
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.RetryWaitMin > cfg.RetryWaitMax {
		return nil, fmt.Errorf("api: retry wait min %s is greater than max %s", cfg.RetryWaitMin, cfg.RetryWaitMax)
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	log := cfg.Logger
	if log == nil {
		log = discardLogger
	}
	transport := cfg.Transport
	if transport == nil {
		transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if cfg.Debug {
		transport = &debugTransport{next: transport, log: log, maxBody: cfg.MaxBody}
	}
	rc := &retryablehttp.Client{
		HTTPClient:     NoRedirects(&http.Client{Transport: transport, Timeout: cfg.Timeout}),
		Logger:         nil, // no "[DEBUG]" lines: retries are logged by retryLogHook
		RetryWaitMin:   cfg.RetryWaitMin,
		RetryWaitMax:   cfg.RetryWaitMax,
		RetryMax:       cfg.RetryMax,
		CheckRetry:     checkRetry,
		Backoff:        backoff,
		ErrorHandler:   errorHandler,
		RequestLogHook: retryLogHook(log, cfg.RetryMax+1),
	}
	return &Client{base: base, rc: rc, maxBody: cfg.MaxBody, ua: cfg.UserAgent,
		rereads: min(max(cfg.RetryMax, 0), 2), wait: cfg.RetryWaitMin}, nil
}

// parseEndpoint accepts an absolute http(s) URL without query or fragment.
func parseEndpoint(endpoint string) (*url.URL, error) {
	if strings.TrimSpace(endpoint) == "" {
		return nil, errors.New("api: endpoint is empty")
	}
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil {
		return nil, fmt.Errorf("api: endpoint %q: %w", endpoint, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("api: endpoint %q: want an absolute http:// or https:// URL", endpoint)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("api: endpoint %q: must not carry a query, fragment or user info", endpoint)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// Do performs call, retrying it when it is idempotent. A 2xx answer is decoded as JSON into
// out (when out is non-nil and the body is not empty) by json.Unmarshal, after the shape check
// of a body over 1 MiB.
// A non-2xx answer after retries is an *APIError; a redirect is never followed nor retried
// (the error wraps a *RedirectError); a network failure is returned wrapped as "op: error".
func (c *Client) Do(ctx context.Context, call Call, out any) error {
	for attempt := 0; ; attempt++ {
		err := c.do(ctx, call, out)
		var u *unreadableError
		if !errors.As(err, &u) {
			return err
		}
		if !call.Idempotent || attempt >= c.rereads {
			return u.err
		}
		t := time.NewTimer(c.wait << attempt)
		select {
		case <-ctx.Done():
			t.Stop()
			return u.err
		case <-t.C:
		}
	}
}

// unreadableError marks a 2xx answer that could not be read or decoded: an idempotent call may
// ask for it again.
type unreadableError struct{ err error }

func (e *unreadableError) Error() string { return e.err.Error() }
func (e *unreadableError) Unwrap() error { return e.err }

// do sends call once (with the transport-level retries). A 2xx answer that could not be read or
// decoded comes back as *unreadableError.
func (c *Client) do(ctx context.Context, call Call, out any) error {
	op := call.name()
	state := &callState{op: op, idempotent: call.Idempotent}
	req, err := c.newRequest(context.WithValue(ctx, stateKey{}, state), call)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	resp, err := c.rc.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", op, RedirectOnly(err))
	}
	defer resp.Body.Close()

	data, readErr := readBounded(resp.Body, c.maxBody)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := ErrorFromResponse(op, resp, data)
		e.Attempts = state.attempts
		return e
	}
	if readErr != nil {
		err := fmt.Errorf("%s: read response (HTTP %d): %w", op, resp.StatusCode, readErr)
		if errors.Is(readErr, ErrBodyTooLarge) {
			return err
		}
		return &unreadableError{err}
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if len(data) > shapeCheckFrom {
		if err := checkShape(data); err != nil {
			return fmt.Errorf("%s: %d bytes: %w", op, len(data), err)
		}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &unreadableError{decodeError(op, resp.StatusCode, data, err)}
	}
	return nil
}

// decodeError describes a 2xx body that did not decode.
func decodeError(op string, status int, data []byte, err error) error {
	return fmt.Errorf("%s: decode response (HTTP %d, %d bytes): %w; body starts %q",
		op, status, len(data), err, excerpt(strings.ToValidUTF8(string(data), "\uFFFD"), 200))
}
