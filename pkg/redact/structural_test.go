package redact

import (
	"net/http"
	"strings"
	"testing"
)

func TestJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"flat", `{"name":"u","password":"p@ss"}`, `{"name":"u","password":"***"}`},
		{"IAM auth body", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u","password":"hunter2"}}}}}`,
			`{"auth":{"identity":{"methods":["password"],"password":"***"}}}`},
		{"key variants", `{"sk":"S1","user_sk":"S2","userSk":"S3","secret_access_key":"S4","X-Auth-Token":"S5","securitytoken":"S6","Pwd":"S7","taskId":1,"ask":"keep"}`,
			`{"sk":"***","user_sk":"***","userSk":"***","secret_access_key":"***","X-Auth-Token":"***","securitytoken":"***","Pwd":"***","taskId":1,"ask":"keep"}`},
		{"arrays and numbers", `[{"token":12345},{"tps":1.50,"n":null,"ok":true}]`,
			`[{"token":"***"},{"tps":1.50,"n":null,"ok":true}]`},
		{"order and unicode kept", `{"z":"中文 <b>","a":[1,2],"m":{}}`, `{"z":"中文 <b>","a":[1,2],"m":{}}`},
		{"not JSON", `plain text password=x`, `plain text password=x`},
		{"truncated JSON", `{"name":"u","password":"hunter2","sk":"abc`, `{"name":"u","password":"***","sk":"***"`},
		{"two values", `{"a":1} {"b":2}`, `{"a":1} {"b":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := string(JSON([]byte(tt.in))); got != tt.want {
				t.Errorf("JSON(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{
		"Authorization":    {"SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature=abc"},
		"X-Auth-Token":     {"tok-secret"},
		"X-Subject-Token":  {"subj-secret"},
		"X-Security-Token": {"sec-secret"},
		"X-Project-Id":     {"pid"},
	}
	got := Headers(h)
	want := http.Header{
		"Authorization":    {"SDK-HMAC-SHA256 ***"},
		"X-Auth-Token":     {"***"},
		"X-Subject-Token":  {"***"},
		"X-Security-Token": {"***"},
		"X-Project-Id":     {"pid"},
	}
	for k, v := range want {
		if strings.Join(got[k], ",") != strings.Join(v, ",") {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if h.Get("X-Auth-Token") != "tok-secret" {
		t.Error("Headers modified its input")
	}
}

func BenchmarkJSON(b *testing.B) {
	data := []byte(`{"taskInfo":{"id":1,"name":"t","case_list":[{"case_id":1,"password":"x"},{"case_id":2}],"token":"abc"}}`)
	for b.Loop() {
		JSON(data)
	}
}
