// Package mas is a typed client of the MAS-HUB workflow API of Huawei Cloud Multi-Site High
// Availability Service (paths under /octopus-jobmanager/v1, seed 004 §4.1.1): workflows
// (list, start, stop, execution status, execution history, step logs) and the manual
// checkpoint operations (notify, manual-retry, manual-skip).
//
// The document fixes only the envelope of an answer — {result, status, error{code, reason}},
// HTTP 200 even for errors, unknown fields to be ignored (§1.1) — and says nothing about what
// `result` holds or which status strings a workflow execution goes through. This client
// therefore decodes every answer into generic JSON and reads it tolerantly: the items of a
// list wherever the first array of objects sits, a field under any of its usual spellings
// (job_name, jobName, JobName), a status wherever a status-like key holds a string. It never
// interprets status strings (pkg/steps does, with a mapping the user can override) and it
// keeps the raw answer of every call so that a first run against a real service can show
// what came back. Every assumption is listed in docs/ambiguities.md (## MAS).
package mas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// maxRaw bounds the raw answer kept with an Answer.
const maxRaw = 8 << 10

// Answer is one decoded MAS answer.
type Answer struct {
	// Result is the envelope's `result`, decoded with numbers as json.Number; when the body is
	// not an object with any envelope key, the whole body.
	Result any
	// Status is the envelope's `status` (the call's outcome, "success" in the document's only
	// example, §4.1.1.6.2) — never the status of a workflow execution.
	Status string
	// Raw is the body as received, bounded to 8 KiB (secrets are masked by the writers).
	Raw string
}

// Error is an answer that carries an error in its envelope: a non-null `error` with a code
// or a reason (whatever the HTTP status), or a §3.3-style {error_code, error_msg} body.
type Error struct {
	Op     string
	HTTP   int    // HTTP status of the answer
	Status string // the envelope's status
	Code   string
	Reason string
}

// Error renders `op: HTTP 200 status "error": MAS.00014000: reason`.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "HTTP %d", e.HTTP)
	if e.Status != "" {
		fmt.Fprintf(&b, " status %q", e.Status)
	}
	if s := strings.TrimSpace(e.Code); s != "" {
		b.WriteString(": ")
		b.WriteString(s)
	}
	if s := strings.TrimSpace(e.Reason); s != "" {
		b.WriteString(": ")
		b.WriteString(s)
	}
	return b.String()
}

// decodeAnswer reads a 2xx body: the envelope when the body is an object with `result`,
// `status` or `error`, else the whole body as the result. An envelope error is *Error.
func decodeAnswer(op string, data []byte) (*Answer, error) {
	a := &Answer{Raw: bound(string(data))}
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if len(bytes.TrimSpace(data)) == 0 {
		return a, nil
	}
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: decode answer: %w", op, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		a.Result = v
		return a, nil
	}
	_, hasResult := m["result"]
	_, hasStatus := m["status"]
	_, hasError := m["error"]
	if e := envelopeError(op, m); e != nil {
		e.HTTP = 200
		return a, e
	}
	if !hasResult && !hasStatus && !hasError {
		a.Result = v
		return a, nil
	}
	a.Result = m["result"]
	a.Status = scalar(m["status"])
	return a, nil
}

// envelopeError returns the error an envelope carries, or nil.
func envelopeError(op string, m map[string]any) *Error {
	e := &Error{Op: op, Status: scalar(m["status"])}
	if em, ok := m["error"].(map[string]any); ok {
		e.Code = Field(em, "code", "error_code")
		e.Reason = Field(em, "reason", "message", "msg", "error_msg")
	} else if s, ok := m["error"].(string); ok {
		e.Reason = s
	}
	if e.Code == "" && e.Reason == "" {
		e.Code, e.Reason = Field(m, "error_code"), Field(m, "error_msg")
	}
	if e.Code == "" && e.Reason == "" {
		return nil
	}
	return e
}

// fromAPIError adds the envelope's error (code and reason) to a non-2xx answer whose body is
// an envelope: the wire layer reads {error_code, error_msg} and {"error":{code, message}},
// not `reason`.
func fromAPIError(op string, ae *api.APIError) error {
	var m map[string]any
	if json.Unmarshal([]byte(ae.Body), &m) == nil {
		if e := envelopeError(op, m); e != nil {
			if ae.Code == "" {
				ae.Code = e.Code
			}
			if ae.Message == "" {
				ae.Message = e.Reason
			}
		}
	}
	return ae
}

// bound cuts s to maxRaw bytes at a rune boundary.
func bound(s string) string {
	if len(s) <= maxRaw {
		return s
	}
	cut := maxRaw
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	// A word the cut would split is dropped whole, so that no prefix of an echoed token
	// survives the redactor (which masks whole secrets only).
	for word := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_+/=.%~", c) >= 0
	}; word(s[cut]) && cut > 0 && word(s[cut-1]); {
		cut--
	}
	return s[:cut] + "…"
}
