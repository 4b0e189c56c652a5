package auth

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	vectorAK   = "AccessKey"
	vectorSK   = "SecretKey"
	vectorHost = "example.huaweicloud.com"
)

var vectorTime = time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)

func newRequest(t *testing.T, method, rawURL string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSignKnownAnswers checks the official SDK's own known-answer vectors.
func TestSignKnownAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		method, url string
		contentType string
		body        string
		want        string
	}{
		{
			name: "GET with query", method: "GET", url: "https://" + vectorHost + "/path?limit=1",
			want: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, " +
				"Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
		},
		{
			name: "POST JSON", method: "POST", url: "https://" + vectorHost + "/path?key=value",
			contentType: "application/json", body: `{"Name":"test","Id":1}` + "\n",
			want: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, " +
				"Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRequest(t, tt.method, tt.url)
			r.Header["TEST_UNDERSCORE"] = []string{"TEST_VALUE"}
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			if err := Sign(r, body, vectorAK, vectorSK, vectorTime); err != nil {
				t.Fatal(err)
			}
			if got := r.Header.Get("Authorization"); got != tt.want {
				t.Errorf("Authorization\n got %s\nwant %s", got, tt.want)
			}
			if got := r.Header.Get("X-Sdk-Date"); got != "20060102T150405Z" {
				t.Errorf("X-Sdk-Date = %q", got)
			}
		})
	}
}

func TestCanonicalQueryVector(t *testing.T) {
	t.Parallel()
	q := url.Values{
		"limit":  {"1"},
		"enable": {"true"},
		"test":   {"一 (&=?!#%.*)"},
		"path":   {"/tmp/123"},
		"multi":  {"3", "1", "2"},
	}
	got, err := canonicalQuery(q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	want := "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
	if got != want {
		t.Errorf("canonical query\n got %s\nwant %s", got, want)
	}
}

func TestCanonicalURI(t *testing.T) {
	t.Parallel()
	tests := []struct{ path, want string }{
		{"", "/"},
		{"/", "/"},
		{"/path", "/path/"},
		{"/path/", "/path/"},
		{"/v1/p 1/tasks", "/v1/p%201/tasks/"},
		{"/a+b/ü/~x_y-z.w", "/a%2Bb/%C3%BC/~x_y-z.w/"},
		{"/中文/%", "/%E4%B8%AD%E6%96%87/%25/"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			if got := canonicalURI(tt.path); got != tt.want {
				t.Errorf("canonicalURI(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestCanonicalHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("X-Sdk-Date", "20060102T150405Z")
	h.Set("Content-Type", "application/json")
	h["TEST_UNDERSCORE"] = []string{"v"}
	h.Set("X-Project-Id", "  pid  ")
	h["x-multi"] = []string{"b", "a"}
	block, signed := canonicalHeaders(h)
	if want := "x-multi;x-project-id;x-sdk-date"; signed != want {
		t.Errorf("signed = %q, want %q", signed, want)
	}
	if want := "x-multi:a\nx-multi:b\nx-project-id:pid\nx-sdk-date:20060102T150405Z\n"; block != want {
		t.Errorf("block = %q, want %q", block, want)
	}
}

func TestSignRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		setup      func(r *http.Request)
		wantSigned string
		check      func(t *testing.T, r *http.Request)
	}{
		{
			name:       "non-JSON body is UNSIGNED-PAYLOAD",
			setup:      func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") },
			wantSigned: "x-sdk-content-sha256;x-sdk-date",
			check: func(t *testing.T, r *http.Request) {
				if got := r.Header.Get(HeaderContentSHA256); got != UnsignedPayload {
					t.Errorf("%s = %q", HeaderContentSHA256, got)
				}
			},
		},
		{
			name:       "JSON with charset keeps the body hash",
			setup:      func(r *http.Request) { r.Header.Set("Content-Type", "application/json;charset=UTF-8") },
			wantSigned: "x-sdk-date",
			check: func(t *testing.T, r *http.Request) {
				if _, ok := r.Header[HeaderContentSHA256]; ok {
					t.Errorf("%s set for a JSON body", HeaderContentSHA256)
				}
			},
		},
		{
			name:       "Host signed when in the headers",
			setup:      func(r *http.Request) { r.Header.Set("Host", vectorHost) },
			wantSigned: "host;x-sdk-date",
		},
		{
			name:       "old Authorization is replaced, not signed",
			setup:      func(r *http.Request) { r.Header.Set("Authorization", "Bearer stale") },
			wantSigned: "x-sdk-date",
		},
		{
			name: "project and security token signed",
			setup: func(r *http.Request) {
				r.Header.Set("X-Project-Id", "p")
				r.Header.Set("X-Security-Token", "t")
			},
			wantSigned: "x-project-id;x-sdk-date;x-security-token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRequest(t, "POST", "https://"+vectorHost+"/v1/x")
			tt.setup(r)
			if err := Sign(r, []byte("payload"), vectorAK, vectorSK, vectorTime); err != nil {
				t.Fatal(err)
			}
			c, err := ParseAuthorization(r.Header)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(c.SignedHeaders, ";"); got != tt.wantSigned {
				t.Errorf("SignedHeaders = %q, want %q", got, tt.wantSigned)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestSignChangesWithTimeAndBody(t *testing.T) {
	t.Parallel()
	sig := func(body string, now time.Time) string {
		r := newRequest(t, "POST", "https://"+vectorHost+"/v1/x")
		r.Header.Set("Content-Type", "application/json")
		if err := Sign(r, []byte(body), vectorAK, vectorSK, now); err != nil {
			t.Fatal(err)
		}
		return r.Header.Get("Authorization")
	}
	a := sig(`{"a":1}`, vectorTime)
	if b := sig(`{"a":1}`, vectorTime.Add(time.Second)); a == b {
		t.Error("signature does not depend on the time")
	}
	if b := sig(`{"a":2}`, vectorTime); a == b {
		t.Error("signature does not depend on the JSON body")
	}
	if b := sig(`{"a":1}`, vectorTime); a != b {
		t.Error("signature is not deterministic")
	}
}

func TestSignErrorsHideSecrets(t *testing.T) {
	t.Parallel()
	const sk = "SK-very-secret-value"
	tests := []struct {
		name   string
		url    string
		ak, sk string
	}{
		{"empty AK", "https://h/p", "", sk},
		{"empty SK", "https://h/p", "AK", ""},
		{"bad query", "https://h/p?a=%zz", "AK", sk},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &http.Request{Method: "GET", URL: &url.URL{Scheme: "https", Host: "h", Path: "/p"}, Header: http.Header{}}
			if u, err := url.Parse(tt.url); err == nil {
				r.URL = u
			}
			err := Sign(r, nil, tt.ak, tt.sk, vectorTime)
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), sk) {
				t.Errorf("error shows the SK: %v", err)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	signed := func() *http.Request {
		r := newRequest(t, "PUT", "https://"+vectorHost+"/v3/p/tasks/1?b=2&a=1")
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Project-Id", "p")
		r.Header.Set("Host", vectorHost)
		if err := Sign(r, []byte(`{"x":1}`), vectorAK, vectorSK, vectorTime); err != nil {
			t.Fatal(err)
		}
		r.Header.Del("Host") // as a server sees it: in r.Host
		r.Host = vectorHost
		r.Header.Set("User-Agent", "added after signing")
		return r
	}
	tests := []struct {
		name    string
		mutate  func(r *http.Request)
		body    string
		sk      string
		wantErr bool
	}{
		{name: "valid", body: `{"x":1}`, sk: vectorSK},
		{name: "wrong SK", body: `{"x":1}`, sk: "other", wantErr: true},
		{name: "body changed", body: `{"x":2}`, sk: vectorSK, wantErr: true},
		{name: "signed header changed", body: `{"x":1}`, sk: vectorSK, wantErr: true,
			mutate: func(r *http.Request) { r.Header.Set("X-Project-Id", "q") }},
		{name: "query changed", body: `{"x":1}`, sk: vectorSK, wantErr: true,
			mutate: func(r *http.Request) { r.URL.RawQuery = "a=1&b=3" }},
		{name: "host changed", body: `{"x":1}`, sk: vectorSK, wantErr: true,
			mutate: func(r *http.Request) { r.Host = "evil.example" }},
		{name: "no date", body: `{"x":1}`, sk: vectorSK, wantErr: true,
			mutate: func(r *http.Request) { r.Header.Del(HeaderDate) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := signed()
			if tt.mutate != nil {
				tt.mutate(r)
			}
			err := Verify(r, []byte(tt.body), vectorAK, tt.sk)
			if (err != nil) != tt.wantErr {
				t.Errorf("Verify() error = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
}
