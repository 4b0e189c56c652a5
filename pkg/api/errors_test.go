package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAPIErrorShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		reply   reply
		want    APIError // Op, Method, Path are checked separately
		wantErr string   // exact Error(), when set
		absent  []string // must not appear in Error()
	}{
		{
			name: "APIGW gateway error",
			reply: reply{status: 401, headers: map[string]string{"Content-Type": "application/json"},
				body: `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: decrypt token fail","request_id":"8a1b2c3d"}`},
			want:    APIError{Status: 401, Code: "APIGW.0301", Message: "Incorrect IAM authentication information: decrypt token fail", RequestID: "8a1b2c3d"},
			wantErr: "show task 42: HTTP 401 APIGW.0301: Incorrect IAM authentication information: decrypt token fail (request id 8a1b2c3d)",
		},
		{
			name: "CPTS error, Chinese message, request id header",
			reply: reply{status: 400, headers: map[string]string{"X-Request-Id": "hdr-rid"},
				body: `{"error_code":"SVCSTG.CPTS.4032002","error_msg":"任务不存在"}`},
			want:    APIError{Status: 400, Code: "SVCSTG.CPTS.4032002", Message: "任务不存在", RequestID: "hdr-rid"},
			wantErr: "show task 42: HTTP 400 SVCSTG.CPTS.4032002: 任务不存在 (request id hdr-rid)",
		},
		{
			name: "body request id wins over header",
			reply: reply{status: 403, headers: map[string]string{"X-Request-Id": "hdr-rid"},
				body: `{"error_code":"CPTS.0403","error_msg":"denied","request_id":"body-rid"}`},
			want: APIError{Status: 403, Code: "CPTS.0403", Message: "denied", RequestID: "body-rid"},
		},
		{
			name:  "code/message variant",
			reply: reply{status: 409, body: `{"code":"CloudTest.00001","message":"计划名称重复"}`},
			want:  APIError{Status: 409, Code: "CloudTest.00001", Message: "计划名称重复"},
		},
		{
			name:  "IAM nested error",
			reply: reply{status: 401, body: `{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`},
			want:  APIError{Status: 401, Code: "401", Message: "The request you have made requires authentication."},
		},
		{
			name: "error_detail kept in Body",
			reply: reply{status: 400, body: `{"error_code":"CloudTest.1","error_msg":"partial",` +
				`"error_detail":{"failed":[{"testcase_id":"abc","error_msg":"x"}]}}`},
			want: APIError{Status: 400, Code: "CloudTest.1", Message: "partial", Body: `{"error_code":"CloudTest.1","error_msg":"partial",` +
				`"error_detail":{"failed":[{"testcase_id":"abc","error_msg":"x"}]}}`},
		},
		{
			name:    "plain text 501",
			reply:   reply{status: 501, headers: map[string]string{"Content-Type": "text/plain"}, body: "Not Implemented\n"},
			want:    APIError{Status: 501, Message: "Not Implemented", Body: "Not Implemented"},
			wantErr: "show task 42: HTTP 501: Not Implemented",
		},
		{
			name:  "JSON string body",
			reply: reply{status: 500, body: `"服务内部错误"`},
			want:  APIError{Status: 500, Message: "服务内部错误", Body: `"服务内部错误"`},
		},
		{
			name: "HTML error page",
			reply: reply{status: 502, headers: map[string]string{"Content-Type": "text/html"},
				body: `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{color:red}</style>` +
					`<script>var secret=1;</script></head><body><h1>502 Bad Gateway</h1><p>nginx &amp; friends</p></body></html>`},
			want:   APIError{Status: 502, Message: "502 Bad Gateway 502 Bad Gateway nginx & friends", Body: "502 Bad Gateway 502 Bad Gateway nginx & friends"},
			absent: []string{"<", "color:red", "var secret"},
		},
		{
			name:    "empty body",
			reply:   reply{status: 404},
			want:    APIError{Status: 404},
			wantErr: "show task 42: HTTP 404: Not Found",
		},
		{
			name:  "unknown JSON object",
			reply: reply{status: 418, body: `{"foo":"bar"}`},
			want:  APIError{Status: 418, Message: `{"foo":"bar"}`, Body: `{"foo":"bar"}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, tt.reply)
			err := mustNew(t, fastConfig(s.srv.URL)).Do(context.Background(),
				Call{Op: "show task 42", Method: "GET", Path: "/v1/p/tasks/42"}, nil)
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v (%T), want *APIError", err, err)
			}
			got := *ae
			if got.Op != "show task 42" || got.Method != "GET" || got.Path != "/v1/p/tasks/42" {
				t.Errorf("Op/Method/Path = %q %q %q", got.Op, got.Method, got.Path)
			}
			got.Op, got.Method, got.Path, got.Attempts = "", "", "", 0
			if tt.want.Body == "" {
				got.Body = ""
			}
			if got != tt.want {
				t.Errorf("APIError\n got %#v\nwant %#v", got, tt.want)
			}
			if tt.wantErr != "" && ae.Error() != tt.wantErr {
				t.Errorf("Error()\n got %q\nwant %q", ae.Error(), tt.wantErr)
			}
			for _, a := range tt.absent {
				if strings.Contains(ae.Error(), a) {
					t.Errorf("Error() %q contains %q", ae.Error(), a)
				}
			}
		})
	}
}

func TestAPIErrorBounded(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("错误", 10000) // 60 000 bytes
	tests := []struct {
		name string
		body string
	}{
		{"plain text", long},
		{"JSON message", `{"error_code":"X","error_msg":"` + long + `"}`},
		{"HTML", "<html><body>" + long + "</body></html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, reply{status: 500, body: tt.body})
			err := mustNew(t, fastConfig(s.srv.URL)).Do(context.Background(), Call{Op: "op", Path: "/x"}, nil)
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatal(err)
			}
			if len(ae.Body) > maxBody+len("…") || len(ae.Message) > maxMessage+len("…") {
				t.Errorf("unbounded: body %d bytes, message %d bytes", len(ae.Body), len(ae.Message))
			}
			if !strings.HasSuffix(ae.Message, "…") || !strings.Contains(ae.Message, "错误") {
				t.Errorf("message not an excerpt: %.40q…", ae.Message)
			}
			if !utf8.ValidString(ae.Message) || !utf8.ValidString(ae.Body) {
				t.Errorf("excerpt cut a rune: %q", ae.Message[len(ae.Message)-10:])
			}
		})
	}
}

func TestIsStatus(t *testing.T) {
	t.Parallel()
	ae := &APIError{Op: "x", Status: 404}
	tests := []struct {
		name   string
		err    error
		status int
		want   bool
	}{
		{"direct", ae, 404, true},
		{"wrapped", fmt.Errorf("step: %w", ae), 404, true},
		{"other status", ae, 500, false},
		{"not an APIError", errors.New("404"), 404, false},
		{"nil", nil, 404, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := IsStatus(tt.err, tt.status); got != tt.want {
				t.Errorf("IsStatus = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAPIErrorWithoutOp(t *testing.T) {
	t.Parallel()
	e := &APIError{Method: http.MethodDelete, Path: "/v1/x", Status: 500, Attempts: 5}
	if got, want := e.Error(), "DELETE /v1/x: HTTP 500: Internal Server Error after 5 attempts"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestAPIErrorExcerptKeepsNoSecretPrefix: a gateway that echoes the request's token in its
// error page must not get a prefix of it past the redactor (which masks whole secrets only) by
// having the excerpt cut the token in the middle: an excerpt ends before a cut word.
func TestAPIErrorExcerptKeepsNoSecretPrefix(t *testing.T) {
	t.Parallel()
	const token = "MIIsimeHTcMfHrcwghdwOV5qA9N27tRC6sgyVR-UIWv1g6kGpMx7DZIQjOn4NmZ_4b8f2c3d1e0a9"
	shapes := []struct {
		name, contentType, body string
	}{
		{"HTML", "text/html", "<html><body>bad gateway %s X-Auth-Token:[" + token + "]</body></html>"},
		{"plain", "text/plain", "bad gateway %s X-Auth-Token=" + token},
		{"JSON message", "application/json", `{"error_code":"APIGW.0101","error_msg":"%s token ` + token + `"}`},
		{"JSON body", "application/json", `{"note":"%s","echo":"` + token + `"}`},
	}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			for pad := 100; pad < maxBody+200; pad += 7 {
				body := fmt.Sprintf(sh.body, strings.Repeat("a ", pad/2))
				resp := &http.Response{StatusCode: 502, Header: http.Header{"Content-Type": {sh.contentType}}}
				e := ErrorFromResponse("op", resp, []byte(body))
				for _, s := range []string{e.Error(), e.Message, e.Body} {
					if i := strings.Index(s, token[:6]); i >= 0 && !strings.Contains(s, token) {
						t.Fatalf("pad %d: a cut prefix of the token survives: %q", pad, s[i:])
					}
				}
			}
		})
	}
}
