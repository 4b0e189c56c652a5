package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// callState travels in the request context: retryablehttp's CheckRetry sees the context but
// never the Call, so this is how it learns whether the call may be retried.
type callState struct {
	op         string
	idempotent bool
	attempts   int    // attempts made so far
	last       string // outcome of the last attempt, for the retry log
}

type stateKey struct{}

func stateFrom(ctx context.Context) *callState {
	s, _ := ctx.Value(stateKey{}).(*callState)
	return s
}

// Permanent marks err, returned by a RoundTripper (e.g. an auth transport missing a
// setting), as not worth retrying: Client gives up at once. The text and the chain of err are
// kept (errors.Is and errors.As see through it). Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// retryableStatus reports whether an HTTP status is worth another attempt: 429 and every
// 5xx except 501 Not Implemented.
func retryableStatus(status int) bool {
	return status == http.StatusTooManyRequests ||
		(status >= 500 && status != http.StatusNotImplemented)
}

// checkRetry is the retryablehttp.CheckRetry policy: never after cancellation, never for
// calls not marked idempotent, never for a refused redirect, otherwise on connection errors,
// 429 and 5xx except 501.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	s := stateFrom(ctx)
	if s != nil {
		s.attempts++
		switch {
		case err != nil:
			s.last = err.Error()
		case resp != nil:
			s.last = "HTTP " + strconv.Itoa(resp.StatusCode)
		}
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if s == nil || !s.idempotent {
		return false, nil
	}
	if err != nil {
		var pe *permanentError
		if errors.As(err, &pe) || IsRedirect(err) {
			return false, nil
		}
		// An inner transport (e.g. the IAM token source) may fail with an HTTP answer of its
		// own: retry it only when its status is transient (never a wrong password).
		var ae *APIError
		if errors.As(err, &ae) {
			return retryableStatus(ae.Status), nil
		}
		return retryablehttp.DefaultRetryPolicy(ctx, nil, err)
	}
	return retryableStatus(resp.StatusCode), nil
}

// backoff waits min·2^attempt plus up to 50 % jitter, capped at max. A Retry-After header
// (seconds or HTTP date) on the response wins, clamped to [min, max].
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(max(d, minWait), maxWait)
		}
	}
	wait := minWait
	for i := 0; i < attempt && wait < maxWait; i++ {
		wait *= 2
	}
	if wait > 0 {
		wait += rand.N(wait/2 + 1)
	}
	return min(max(wait, minWait), maxWait)
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// errorHandler runs when retryablehttp stops without success. A final HTTP answer is handed
// back unchanged (Do turns it into an *APIError with the real status); an error is returned
// with the number of attempts when there was more than one.
func errorHandler(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if err == nil && resp != nil {
		return resp, nil
	}
	if resp != nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
	}
	if err == nil {
		err = errors.New("request failed")
	}
	if attempts > 1 {
		return nil, fmt.Errorf("giving up after %d attempts: %w", attempts, err)
	}
	return nil, err
}
