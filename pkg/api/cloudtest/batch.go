package cloudtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// BatchResult is the outcome of a batch call (AddCases, RunTestCases,
// UpdateCaseResults) that the service at least partly carried out.
//
// The documents describe a partial failure as an answer with
// `error_detail.failed[]{testcase_id, error_code, error_msg}`: batch-add
// documents it under HTTP 500 ("全部失败没有该结构": a total failure has no
// such list), the error-code table lists partial failures under 400
// (CLOUDTEST.00017020/.00017021) and 500 (.00017026/.00017027), and the SDK
// puts the same fields in its 2xx response models. So the list is read
// whatever the status: an answer that lists failed cases is a BatchResult
// (and no error), while a non-2xx answer without such a list is an
// *api.APIError. Call Err to turn failures into an error.
type BatchResult struct {
	// Succeeded lists the case ids sent that the answer does not list as
	// failed, in the order sent, without duplicates. It is nil when
	// Incomplete: then read the plan back (ListPlanCases).
	Succeeded []string
	// Failed lists the cases the service refused, as sent.
	Failed []CaseFailure
	// Incomplete reports that the failure list was cut short (the wire layer
	// bounds error bodies) or has a failure naming no case, so Failed may
	// miss cases and Succeeded is unknown.
	Incomplete bool
	// Code is the answer's `error_code`, if any.
	Code string
	// Message is the answer's `error_msg`, verbatim, if any.
	Message string
	// Answer is the non-2xx answer that carried the failure list (status,
	// request id, body); nil when the service answered 2xx.
	Answer *api.APIError

	op string
}

// OK reports whether no case failed.
func (r *BatchResult) OK() bool { return len(r.Failed) == 0 && !r.Incomplete }

// Err returns nil when no case failed, else a *BatchError listing the
// failures.
func (r *BatchResult) Err() error {
	if r == nil || r.OK() {
		return nil
	}
	return &BatchError{Op: r.op, Failed: r.Failed, Incomplete: r.Incomplete, Code: r.Code, Message: r.Message, Answer: r.Answer}
}

// BatchError describes the cases a batch call could not handle.
type BatchError struct {
	// Op names the call, e.g. `add 3 cases to plan "…"`.
	Op string
	// Failed lists the refused cases.
	Failed []CaseFailure
	// Incomplete reports that the list was cut short.
	Incomplete bool
	// Code is the answer's error_code, if any.
	Code string
	// Message is the answer's error_msg, if any.
	Message string
	// Answer is the non-2xx answer, if the status was not 2xx.
	Answer *api.APIError
}

// maxListed bounds the failures named in BatchError.Error.
const maxListed = 5

// Error renders `op: N cases failed (HTTP s code: message): id: code message; …`.
func (e *BatchError) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	n := len(e.Failed)
	more := ""
	if e.Incomplete {
		more = " or more"
	}
	fmt.Fprintf(&b, "%d case%s%s failed", n, plural(n), more)
	var head []string
	if e.Answer != nil {
		head = append(head, fmt.Sprintf("HTTP %d", e.Answer.Status))
	}
	if s := strings.TrimSpace(e.Code + " " + e.Message); s != "" {
		head = append(head, s)
	}
	if e.Answer != nil && e.Answer.RequestID != "" {
		head = append(head, "request id "+e.Answer.RequestID)
	}
	if len(head) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(head, ", "))
		b.WriteString(")")
	}
	for i, f := range e.Failed {
		if i == maxListed {
			fmt.Fprintf(&b, "; and %d more", n-maxListed)
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	return b.String()
}

// Unwrap returns the non-2xx answer, if any.
func (e *BatchError) Unwrap() error {
	if e.Answer == nil {
		return nil
	}
	return e.Answer
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// batchAnswer is the answer of the batch calls (and of their error bodies).
type batchAnswer struct {
	Code    Text        `json:"error_code"`
	Message Text        `json:"error_msg"`
	Detail  errorDetail `json:"error_detail"`
}

// errorDetail decodes `error_detail`: the documented object {failed: [...]},
// or, tolerated, a bare array of failures; other shapes are ignored.
type errorDetail struct {
	Failed []CaseFailure
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *errorDetail) UnmarshalJSON(b []byte) error {
	d.Failed = nil
	var obj struct {
		Failed []CaseFailure `json:"failed"`
	}
	var list []CaseFailure
	switch {
	case json.Unmarshal(b, &obj) == nil:
		list = obj.Failed
	case json.Unmarshal(b, &list) == nil:
	}
	for _, f := range list {
		if f != (CaseFailure{}) {
			d.Failed = append(d.Failed, f)
		}
	}
	return nil
}

// doBatch posts a batch call (never retried) and reads its outcome.
func (c *Client) doBatch(ctx context.Context, op, path string, body any, sent []string) (*BatchResult, error) {
	var ans batchAnswer
	err := c.api.Do(ctx, api.Call{Op: op, Method: http.MethodPost, Path: path, Body: body}, &ans)
	if err == nil {
		return newBatchResult(op, sent, ans.Detail.Failed, false, string(ans.Code), string(ans.Message), nil), nil
	}
	var ae *api.APIError
	if !errors.As(err, &ae) {
		return nil, err
	}
	failed, found, complete := failuresFromBody(ae.Body)
	if !found {
		return nil, err
	}
	return newBatchResult(op, sent, failed, !complete, ae.Code, ae.Message, ae), nil
}

// newBatchResult fills Succeeded from the ids sent minus the failed ones.
func newBatchResult(op string, sent []string, failed []CaseFailure, incomplete bool, code, msg string, ae *api.APIError) *BatchResult {
	r := &BatchResult{Failed: failed, Incomplete: incomplete, Code: code, Message: msg, Answer: ae, op: op}
	bad := make(map[string]bool, len(failed))
	for _, f := range failed {
		if f.CaseID == "" {
			r.Incomplete = true // a failure that names no case: which ones succeeded is unknown
		}
		bad[f.CaseID] = true
	}
	if r.Incomplete {
		return r
	}
	seen := make(map[string]bool, len(sent))
	r.Succeeded = []string{}
	for _, id := range sent {
		if bad[id] || seen[id] {
			continue
		}
		seen[id] = true
		r.Succeeded = append(r.Succeeded, id)
	}
	return r
}

// failuresFromBody reads `error_detail.failed[]` from an error body. found
// reports whether the body lists failed cases (or started to); complete
// whether the list was read to its end. The wire layer keeps a bounded
// excerpt of error bodies, so a long list may be cut: the failures before
// the cut are still read.
func failuresFromBody(body string) (failed []CaseFailure, found, complete bool) {
	var ans batchAnswer
	if err := json.Unmarshal([]byte(body), &ans); err == nil {
		return ans.Detail.Failed, len(ans.Detail.Failed) > 0, true
	}
	dec := json.NewDecoder(strings.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') || !seekKey(dec, "error_detail") {
		return nil, false, false
	}
	tok, err := dec.Token()
	if err == nil && tok == json.Delim('{') { // the documented {failed: [...]}
		if !seekKey(dec, "failed") {
			return nil, false, false
		}
		tok, err = dec.Token()
	}
	if err != nil || tok != json.Delim('[') {
		return nil, false, false
	}
	failed, complete = readFailures(dec)
	return failed, len(failed) > 0 || !complete, complete
}

// seekKey reads the members of an object whose '{' was read, skipping their values, up to the
// key key; it reports whether key was found (the decoder then stands before its value).
func seekKey(dec *json.Decoder, key string) bool {
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return false
		}
		if k == key {
			return true
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return false
		}
	}
	return false
}

// readFailures reads failures up to the end of an array whose '[' was
// read; closed reports whether its ']' was reached.
func readFailures(dec *json.Decoder) (failed []CaseFailure, closed bool) {
	for dec.More() {
		var f CaseFailure
		if err := dec.Decode(&f); err != nil {
			return failed, false
		}
		if f != (CaseFailure{}) {
			failed = append(failed, f)
		}
	}
	tok, err := dec.Token()
	return failed, err == nil && tok == json.Delim(']')
}

// Error codes with which the service refuses a batch call's whole list as too long (seed 000,
// error code table: "超过50个" — more than 50 — while the batch-add body table says the list
// holds fewer than 50; docs/ambiguities.md).
const (
	// CodeCaseListInvalid refuses a batch-add list (too long, or an id not 32 characters).
	CodeCaseListInvalid = "CLOUDTEST.00030001"
	// CodeTooManyExecutions refuses a batch execution list.
	CodeTooManyExecutions = "CLOUDTEST.00017055"
	// CodeTooManyResults refuses a batch result update list.
	CodeTooManyResults = "CLOUDTEST.00017056"
)

// TooLarge reports whether err is a batch call's list refused as a whole with one of the
// codes that name a too long list (HTTP 400 without a per-case failure list, so nothing was
// carried out).
func TooLarge(err error) bool {
	var ae *api.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
		return false
	}
	switch ae.Code {
	case CodeCaseListInvalid, CodeTooManyExecutions, CodeTooManyResults:
		return true
	}
	return false
}

// SplitBatches hands items to send in consecutive batches of at most MaxBatch, in order. When
// send reports a batch refused as too large (TooLarge) the same items are sent again in smaller
// batches — one fewer than MaxBatch first (the documents say both "fewer than 50" and "more than
// 50 refused"), then halves — and the smaller size is kept for the rest. Every item is sent in
// exactly one accepted batch or the call ends: a single item refused as too large, or any other
// error, is returned as is.
func SplitBatches[T any](items []T, send func(batch []T) error) error {
	size := MaxBatch
	for start := 0; start < len(items); {
		batch := items[start:min(start+size, len(items))]
		err := send(batch)
		if err != nil && TooLarge(err) && len(batch) > 1 {
			if len(batch) == MaxBatch {
				size = MaxBatch - 1
			} else {
				size = (len(batch) + 1) / 2
			}
			continue
		}
		if err != nil {
			return err
		}
		start += len(batch)
	}
	return nil
}
