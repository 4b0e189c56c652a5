package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// CPTS answer codes. The success strings are the two the API reference uses
// (4.1.1 prints "CPTS.00000000", every other example "SVCSTG.CPTS.0000000");
// codeUnknown is the error-code table's (6.2) 500 code. The table lists no
// code for a bad parameter, a missing resource or a task that is already
// running, so those follow the table's pattern "CPTS.0" + HTTP status + four
// digits.
const (
	codeOK         = "CPTS.00000000"
	codeOKSvc      = "SVCSTG.CPTS.0000000"
	codeUnknown    = "CPTS.05001001" // 500 An unknown error occurred! (6.2)
	codeBadParam   = "CPTS.04000001" // 400 invalid parameter
	codeNotFound   = "CPTS.04040001" // 404 resource not found
	codeRunning    = "CPTS.04001018" // 400 the task is already running
	codeNotRunning = "CPTS.04001019" // 400 the task is running: cannot change it
)

// apiErr is a CPTS error answer: HTTP status plus {error_code, error_msg}.
type apiErr struct {
	status int
	code   string
	msg    string
}

func (e *apiErr) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.msg) }

func badParam(format string, a ...any) *apiErr {
	return &apiErr{status: http.StatusBadRequest, code: codeBadParam, msg: fmt.Sprintf(format, a...)}
}

func notFound(format string, a ...any) *apiErr {
	return &apiErr{status: http.StatusNotFound, code: codeNotFound, msg: fmt.Sprintf(format, a...)}
}

type errorBody struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id,omitempty"`
}

// writeJSON answers v as JSON without HTML escaping ("<=" stays "<=", as
// in the documented examples).
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	b := []byte(`{"error_code":"CPTS.05001001","error_msg":"An unknown error occurred!"}`)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
	} else {
		b = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	w.Write(b)
}

// writeCPTSError answers a service error as documented in 3.3:
// {"error_msg": ..., "error_code": ...}.
func writeCPTSError(w http.ResponseWriter, e *apiErr) {
	writeJSON(w, e.status, errorBody{ErrorCode: e.code, ErrorMsg: e.msg})
}

// writeGatewayError answers an API gateway error (codes "APIGW.xxxx") with
// its request_id.
func writeGatewayError(w http.ResponseWriter, status int, code, msg, reqID string) {
	writeJSON(w, status, errorBody{ErrorCode: code, ErrorMsg: msg, RequestID: reqID})
}

// writePlain answers a plain string body, as CPTS documents for 501.
func writePlain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(status)
	w.Write([]byte(msg))
}
