package sim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// The known-answer vectors of api-notes.md (from the official SDK's tests).
const (
	vecAK   = "AccessKey"
	vecSK   = "SecretKey"
	vecDate = "20060102T150405Z"
	vecSig1 = "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
	vecSig2 = "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"
)

// vectorRequest builds a vector request as it reaches the server.
func vectorRequest(method, target, body string, sig string) *http.Request {
	r := httptest.NewRequest(method, "https://example.huaweicloud.com"+target, strings.NewReader(body))
	r.Header.Set("X-Sdk-Date", vecDate)
	r.Header.Set("TEST_UNDERSCORE", "TEST_VALUE")
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if sig != "" {
		r.Header.Set("Authorization", algorithm+" Access="+vecAK+", SignedHeaders=x-sdk-date, Signature="+sig)
	}
	return r
}

func vectorServer(now time.Time, skew time.Duration) *Server {
	s := New(Options{Now: func() time.Time { return now.Add(skew) }})
	s.AddCredential(vecAK, vecSK)
	return s
}

func TestSignatureKnownAnswers(t *testing.T) {
	t.Parallel()
	body2 := `{"Name":"test","Id":1}` + "\n"

	r1 := vectorRequest("GET", "/path?limit=1", "", "")
	wantCR := "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if got := canonicalRequest(r1, nil, []string{"x-sdk-date"}); got != wantCR {
		t.Errorf("canonical request:\n%q\nwant\n%q", got, wantCR)
	}
	if got := signature(r1, nil, []string{"x-sdk-date"}, vecSK); got != vecSig1 {
		t.Errorf("vector 1 signature %s, want %s", got, vecSig1)
	}
	r2 := vectorRequest("POST", "/path?key=value", body2, "")
	if got := signature(r2, []byte(body2), []string{"x-sdk-date"}, vecSK); got != vecSig2 {
		t.Errorf("vector 2 signature %s, want %s", got, vecSig2)
	}

	q := url.Values{"limit": {"1"}, "enable": {"true"}, "test": {"一 (&=?!#%.*)"}, "path": {"/tmp/123"},
		"multi": {"3", "1", "2"}}
	wantQ := "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
	if got := canonicalQuery(q.Encode()); got != wantQ {
		t.Errorf("canonical query %s, want %s", got, wantQ)
	}
	if got := canonicalURI("/v1/a b/c"); got != "/v1/a%20b/c/" {
		t.Errorf("canonical URI %s", got)
	}
}

func TestVerifyAKSK(t *testing.T) {
	t.Parallel()
	at, _ := time.Parse(sdkDateLayout, vecDate)
	body2 := `{"Name":"test","Id":1}` + "\n"
	tests := []struct {
		name    string
		req     func() (*http.Request, string)
		skew    time.Duration
		wantErr string // substring of the message; "" = accepted
	}{
		{"vector 1", func() (*http.Request, string) { return vectorRequest("GET", "/path?limit=1", "", vecSig1), "" }, 0, ""},
		{"vector 2", func() (*http.Request, string) {
			return vectorRequest("POST", "/path?key=value", body2, vecSig2), body2
		}, 0, ""},
		{"clock 14m ahead is accepted", func() (*http.Request, string) {
			return vectorRequest("GET", "/path?limit=1", "", vecSig1), ""
		}, 14 * time.Minute, ""},
		{"tampered query", func() (*http.Request, string) { return vectorRequest("GET", "/path?limit=2", "", vecSig1), "" }, 0,
			"verify aksk signature fail"},
		{"tampered path", func() (*http.Request, string) { return vectorRequest("GET", "/paths?limit=1", "", vecSig1), "" }, 0,
			"verify aksk signature fail"},
		{"tampered method", func() (*http.Request, string) {
			return vectorRequest("DELETE", "/path?limit=1", "", vecSig1), ""
		}, 0, "verify aksk signature fail"},
		{"tampered body", func() (*http.Request, string) {
			b := `{"Name":"evil","Id":1}` + "\n"
			return vectorRequest("POST", "/path?key=value", b, vecSig2), b
		}, 0, "verify aksk signature fail"},
		{"tampered date", func() (*http.Request, string) {
			r := vectorRequest("GET", "/path?limit=1", "", vecSig1)
			r.Header.Set("X-Sdk-Date", "20060102T150406Z")
			return r, ""
		}, 0, "verify aksk signature fail"},
		{"unknown AK", func() (*http.Request, string) {
			r := vectorRequest("GET", "/path?limit=1", "", vecSig1)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), vecAK, "Nobody", 1))
			return r, ""
		}, 0, "ak not exist"},
		{"skewed: server 16m ahead", func() (*http.Request, string) {
			return vectorRequest("GET", "/path?limit=1", "", vecSig1), ""
		}, 16 * time.Minute, "x-sdk-date is expired"},
		{"skewed: server 16m behind", func() (*http.Request, string) {
			return vectorRequest("GET", "/path?limit=1", "", vecSig1), ""
		}, -16 * time.Minute, "time skew"},
		{"date not signed", func() (*http.Request, string) {
			r := vectorRequest("GET", "/path?limit=1", "", vecSig1)
			r.Header.Set("Authorization", algorithm+" Access="+vecAK+", SignedHeaders=host, Signature="+vecSig1)
			return r, ""
		}, 0, "x-sdk-date"},
		{"garbled header", func() (*http.Request, string) {
			r := vectorRequest("GET", "/path?limit=1", "", "")
			r.Header.Set("Authorization", algorithm+" nonsense")
			return r, ""
		}, 0, "verify aksk signature fail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := vectorServer(at, tt.skew)
			r, body := tt.req()
			err := s.verifyAKSK(r, []byte(body))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatal("accepted")
			case tt.wantErr != "":
				if err.status != 401 || err.code != "APIGW.0301" || !strings.Contains(err.msg, tt.wantErr) {
					t.Fatalf("got %v, want 401 APIGW.0301 with %q", err, tt.wantErr)
				}
			}
		})
	}
}

// sdkSigned signs a request with the official SDK's signer (an independent
// implementation) and converts it to an *http.Request for base.
func sdkSigned(t *testing.T, base, method, p string, query map[string]string, body string, hdr map[string]string) *http.Request {
	t.Helper()
	return sdkSignedAs(t, base, method, p, query, body, hdr, sdkSigning{})
}

// sdkSigning varies sdkSigned: other keys (default DemoAK/DemoSK), no X-Project-Id.
type sdkSigning struct {
	ak, sk    string
	noProject bool
}

func sdkSignedAs(t *testing.T, base, method, p string, query map[string]string, body string, hdr map[string]string, o sdkSigning) *http.Request {
	t.Helper()
	if o.ak == "" {
		o.ak, o.sk = DemoAK, DemoSK
	}
	b := request.NewHttpRequestBuilder().WithMethod(method).WithEndpoint(base).WithPath(path(p))
	if body != "" {
		b.WithBody("body", body)
	}
	for k, v := range query {
		b.AddQueryParam(k, reflect.ValueOf(v))
	}
	b.AddHeaderParam("Content-Type", "application/json")
	if !o.noProject {
		b.AddHeaderParam("X-Project-Id", DemoProjectID)
	}
	for k, v := range hdr {
		b.AddHeaderParam(k, v)
	}
	sreq := b.Build()
	signed, err := signer.Sign(sreq, o.ak, o.sk)
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{}
	for k, v := range query {
		q.Set(k, v)
	}
	target := base + path(p)
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range sreq.GetHeaderParams() {
		req.Header.Set(k, v)
	}
	for k, v := range signed {
		req.Header.Set(k, v)
	}
	return req
}

func TestAKSKOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{Now: time.Now})
	send := func(r *http.Request) (int, errorBody) {
		t.Helper()
		resp, err := h.client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e errorBody
		if resp.StatusCode != 200 {
			b, _ := io.ReadAll(resp.Body)
			e = errorOf(t, b)
		}
		return resp.StatusCode, e
	}
	query := map[string]string{"offset": "0", "limit": "5", "note": "a b/c*"}

	if st, e := send(sdkSigned(t, h.base, "GET", "/v1/{pid}/test-suites", query, "", nil)); st != 200 {
		t.Fatalf("signed GET: %d %+v", st, e)
	}
	body := `{"name":"signed-task","project_id":17543,"operate_mode":2,"bench_concurrent":10}`
	if st, e := send(sdkSigned(t, h.base, "POST", "/v1/{pid}/tasks", nil, body, nil)); st != 201 {
		t.Fatalf("signed POST: %d %+v", st, e)
	}

	// Tampering after signing.
	r := sdkSigned(t, h.base, "POST", "/v1/{pid}/tasks", nil, `{"name":"a","project_id":17543}`, nil)
	r.Body = http.NoBody
	r.ContentLength = 0
	r2 := sdkSigned(t, h.base, "GET", "/v1/{pid}/test-suites", query, "", nil)
	r2.URL.RawQuery = "offset=0&limit=6&note=a+b%2Fc%2A"
	r3 := sdkSigned(t, h.base, "GET", "/v1/{pid}/test-suites", query, "", nil)
	r3.Header.Set("X-Project-Id", "ffffffffffffffffffffffffffffffff")
	for _, r := range []*http.Request{r, r2, r3} {
		st, e := send(r)
		if st != 401 || e.ErrorCode != "APIGW.0301" || !strings.Contains(e.ErrorMsg, "verify aksk signature fail") ||
			e.RequestID == "" {
			t.Errorf("tampered %s %s: %d %+v", r.Method, r.URL, st, e)
		}
	}

	// A client clock 20 minutes behind.
	old := time.Now().Add(-20 * time.Minute).UTC().Format(sdkDateLayout)
	st, e := send(sdkSigned(t, h.base, "GET", "/v1/{pid}/test-suites", nil, "", map[string]string{"X-Sdk-Date": old}))
	if st != 401 || e.ErrorCode != "APIGW.0301" || !strings.Contains(e.ErrorMsg, "expired") {
		t.Errorf("skewed: %d %+v", st, e)
	}

	// UNSIGNED-PAYLOAD: the body is not part of the signature.
	r4 := sdkSigned(t, h.base, "PUT", "/v1/{pid}/variables/17543", nil, "[]",
		map[string]string{"X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"})
	if st, e := send(r4); st != 400 || e.ErrorCode != codeBadParam {
		t.Errorf("unsigned payload: %d %+v (want the service's 400, not an auth error)", st, e)
	}

	// No credentials at all; a project that is not ours.
	resp, err := h.send("GET", "/v1/{pid}/test-suites", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("anonymous: %d", resp.StatusCode)
	}
	st, e = send(sdkSigned(t, h.base, "GET", "/v1/0123456789abcdef0123456789abcdef/test-suites", nil, "",
		map[string]string{"X-Project-Id": "0123456789abcdef0123456789abcdef"}))
	if st != 403 {
		t.Errorf("foreign project: %d %+v", st, e)
	}
}

func BenchmarkVerifyAKSK(b *testing.B) {
	at, _ := time.Parse(sdkDateLayout, vecDate)
	s := vectorServer(at, 0)
	body := []byte(`{"Name":"test","Id":1}` + "\n")
	r := vectorRequest("POST", "/path?key=value", string(body), vecSig2)
	for b.Loop() {
		if err := s.verifyAKSK(r, body); err != nil {
			b.Fatal(err)
		}
	}
}
