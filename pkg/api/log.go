package api

import (
	"bytes"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/codearts-runner/codearts-runner/pkg/redact"
)

// maxLoggedBody bounds the (redacted) body text written to a debug log record.
const maxLoggedBody = 8 * 1024

// discardLogger drops every record.
var discardLogger = slog.New(slog.DiscardHandler)

// retryLogHook returns the retryablehttp.RequestLogHook that reports each retry at Info level
// with the call's name and the outcome of the attempt before.
func retryLogHook(log *slog.Logger, maxAttempts int) retryablehttp.RequestLogHook {
	return func(_ retryablehttp.Logger, r *http.Request, retry int) {
		if retry == 0 {
			return
		}
		s := stateFrom(r.Context())
		if s == nil {
			return
		}
		log.LogAttrs(r.Context(), slog.LevelInfo, "retrying API call",
			slog.String("op", s.op),
			slog.Int("attempt", retry+1),
			slog.Int("max_attempts", maxAttempts),
			slog.String("previous", s.last))
	}
}

// debugTransport logs every attempt (method, URL, status, duration, redacted headers and
// bodies) at Debug level and passes the request on to next.
type debugTransport struct {
	next    http.RoundTripper
	log     *slog.Logger
	maxBody int64
}

// RoundTrip logs the exchange; the response body is read (up to the size limit) and
// replaced by an equivalent reader so the caller sees the same bytes and errors.
func (t *debugTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	if !t.log.Enabled(ctx, slog.LevelDebug) {
		return t.next.RoundTrip(r)
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("url", r.URL.Redacted()),
	}
	if s := stateFrom(ctx); s != nil {
		attrs = append(attrs, slog.String("op", s.op), slog.Int("attempt", s.attempts+1))
	}
	attrs = append(attrs, slog.Any("request_headers", headerValue(r.Header)))
	if r.GetBody != nil && r.Body != nil && r.Body != http.NoBody {
		if rc, err := r.GetBody(); err == nil {
			data, _ := io.ReadAll(io.LimitReader(rc, t.maxBody))
			rc.Close()
			attrs = append(attrs, slog.String("request_body", logBody(data)))
		}
	}

	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	attrs = append(attrs, slog.Duration("duration", time.Since(start)))
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		t.log.LogAttrs(ctx, slog.LevelDebug, "HTTP request failed", attrs...)
		return resp, err
	}

	data, readErr := io.ReadAll(io.LimitReader(resp.Body, t.maxBody+1))
	rest := io.Reader(resp.Body)
	if readErr != nil {
		rest = errReader{readErr}
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(data), rest), resp.Body}

	attrs = append(attrs,
		slog.Int("status", resp.StatusCode),
		slog.Any("response_headers", headerValue(resp.Header)),
		slog.String("response_body", logBody(data)))
	t.log.LogAttrs(ctx, slog.LevelDebug, "HTTP exchange", attrs...)
	return resp, nil
}

// logBody renders a body for the log: sensitive JSON fields masked, then bounded.
func logBody(data []byte) string {
	return excerpt(string(bytes.ToValidUTF8(redact.JSON(bytes.TrimSpace(data)), []byte("\uFFFD"))), maxLoggedBody)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// headerValue is a slog.LogValuer: the redacted headers as a group sorted by name.
type headerValue http.Header

// LogValue implements slog.LogValuer.
func (h headerValue) LogValue() slog.Value {
	red := redact.Headers(http.Header(h))
	attrs := make([]slog.Attr, 0, len(red))
	for _, name := range slices.Sorted(maps.Keys(red)) {
		vs := red[name]
		if len(vs) == 1 {
			attrs = append(attrs, slog.String(name, vs[0]))
		} else {
			attrs = append(attrs, slog.Any(name, vs))
		}
	}
	return slog.GroupValue(attrs...)
}
