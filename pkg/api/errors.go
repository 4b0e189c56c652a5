package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bounds of the server text kept in an APIError.
const (
	maxMessage = 1024     // bytes of Message
	maxBody    = 4 * 1024 // bytes of Body
)

// APIError is a non-2xx answer of a service, after any retries. Code, Message and RequestID
// come from the error body ({error_code, error_msg, request_id}, {code, message},
// {"error":{code, message}}, API gateway "APIGW.*" errors) or, for plain-text and HTML
// bodies, Message is the (stripped) text. Server text is kept verbatim, only bounded.
type APIError struct {
	Op        string // human name of the call, e.g. "show task 42"
	Method    string // HTTP method
	Path      string // request path
	Status    int    // HTTP status code
	Code      string // service error code, e.g. "CPTS.00010001" or "APIGW.0301"
	Message   string // service error message, verbatim (may be Chinese)
	RequestID string // request id from the body or the X-Request-Id header
	Body      string // bounded excerpt of the response body (tags stripped for HTML)
	Attempts  int    // attempts made (more than 1 when retries ran out)
}

// Error renders the error as `op: HTTP status code: message (request id id)`.
func (e *APIError) Error() string {
	var b strings.Builder
	op := e.Op
	if op == "" {
		op = strings.TrimSpace(e.Method + " " + e.Path)
	}
	if op != "" {
		b.WriteString(op)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "HTTP %d", e.Status)
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	msg := e.Message
	if msg == "" && e.Code == "" {
		msg = excerpt(e.Body, 200)
	}
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// IsStatus reports whether err is (or wraps) an *APIError with the given HTTP status.
func IsStatus(err error, status int) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == status
}

// ErrorFromResponse builds the *APIError of a non-2xx response whose body (already read,
// possibly truncated) is body. op names the call; method and path come from resp.Request.
func ErrorFromResponse(op string, resp *http.Response, body []byte) *APIError {
	e := &APIError{Op: op, Status: resp.StatusCode}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		if resp.Request.URL != nil {
			e.Path = resp.Request.URL.Path
		}
	}
	text := strings.TrimSpace(strings.ToValidUTF8(string(body), "\uFFFD"))
	switch {
	case text == "":
	case isHTML(resp.Header.Get("Content-Type"), text):
		stripped := stripHTML(text)
		e.Message = excerpt(stripped, 200)
		e.Body = excerpt(stripped, maxBody)
	case text[0] == '{':
		e.Body = excerpt(text, maxBody)
		if !parseJSONError(e, body) {
			e.Message = excerpt(text, maxMessage)
		}
	default:
		// Plain text (CPTS documents 501 with a bare string) or a JSON array or scalar.
		e.Message = excerpt(unquote(text), maxMessage)
		e.Body = excerpt(text, maxBody)
	}
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get("X-Request-Id")
	}
	return e
}

// parseJSONError fills Code, Message and RequestID from a JSON error object and reports
// whether the object had a code or a message.
func parseJSONError(e *APIError, body []byte) bool {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return false
	}
	if nested, ok := m["error"].(map[string]any); ok {
		// IAM (Keystone) style: {"error":{"code":401,"message":"...","title":"Unauthorized"}}
		for k, v := range nested {
			if _, dup := m[k]; !dup {
				m[k] = v
			}
		}
	}
	e.Code = firstString(m, "error_code", "errorCode", "code")
	e.Message = excerpt(firstString(m, "error_msg", "errorMsg", "error_message", "message", "msg",
		"error_description", "error", "title"), maxMessage)
	e.RequestID = firstString(m, "request_id", "requestId", "requestID", "x-request-id")
	return e.Code != "" || e.Message != ""
}

// firstString returns the first of keys whose value is a non-empty string or a number.
func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		switch v := m[k].(type) {
		case string:
			if s := strings.TrimSpace(v); s != "" {
				return s
			}
		case json.Number:
			return v.String()
		case bool:
			return strconv.FormatBool(v)
		}
	}
	return ""
}

// unquote turns a JSON string body ("text") into its text; anything else is returned as is.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' {
		var out string
		if json.Unmarshal([]byte(s), &out) == nil {
			return out
		}
	}
	return s
}

func isHTML(contentType, text string) bool {
	if strings.Contains(strings.ToLower(contentType), "html") {
		return true
	}
	head := strings.ToLower(text[:min(len(text), 64)])
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") ||
		strings.HasPrefix(head, "<head") || strings.HasPrefix(head, "<body")
}

var (
	reScriptStyle = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)\s*>`)
	reComment     = regexp.MustCompile(`(?s)<!--.*?-->`)
	reTag         = regexp.MustCompile(`(?s)<[^>]*>`)
	reSpace       = regexp.MustCompile(`\s+`)
)

// stripHTML drops scripts, styles, comments and tags, decodes entities and collapses space.
func stripHTML(s string) string {
	s = reScriptStyle.ReplaceAllString(s, " ")
	s = reComment.ReplaceAllString(s, " ")
	s = reTag.ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	return strings.TrimSpace(reSpace.ReplaceAllString(s, " "))
}

// excerpt bounds s to at most n bytes, cut at a rune boundary and marked with "…". A word
// the cut would split (a run of token characters, see isWordByte) is dropped whole: the
// redactor masks whole secrets only, so a cut token echoed by a server would leak its prefix.
func excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if isWordByte(s[cut]) {
		for cut > 0 && isWordByte(s[cut-1]) {
			cut--
		}
	}
	return s[:cut] + "…"
}

// isWordByte reports whether c can be part of a token, key or signature (ASCII letters,
// digits and the characters of base64, base64url and URL encoding).
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("-_+/=.%~", c) >= 0
}
