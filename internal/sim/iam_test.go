package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func (h *harness) postToken(body string) (int, http.Header, []byte) {
	h.t.Helper()
	resp, err := h.client.Post(h.base+"/v3/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func TestIAMToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	status, hdr, b := h.postToken(passwordBody(DemoUser, DemoPassword))
	if status != http.StatusCreated || !strings.HasPrefix(hdr.Get("X-Subject-Token"), "MII") {
		t.Fatalf("token: %d %q", status, hdr.Get("X-Subject-Token"))
	}
	var tok struct {
		Token struct {
			ExpiresAt string   `json:"expires_at"`
			IssuedAt  string   `json:"issued_at"`
			Methods   []string `json:"methods"`
			Project   struct {
				ID     string `json:"id"`
				Name   string `json:"name"`
				Domain struct {
					Name string `json:"name"`
				} `json:"domain"`
			} `json:"project"`
			User struct {
				Name string `json:"name"`
				ID   string `json:"id"`
			} `json:"user"`
		} `json:"token"`
	}
	if err := json.Unmarshal(b, &tok); err != nil {
		t.Fatal(err)
	}
	exp, err1 := time.Parse(time.RFC3339Nano, tok.Token.ExpiresAt)
	iss, err2 := time.Parse(time.RFC3339Nano, tok.Token.IssuedAt)
	if err1 != nil || err2 != nil || exp.Sub(iss) != 24*time.Hour || tok.Token.Methods[0] != "password" ||
		tok.Token.Project.ID != DemoProjectID || tok.Token.Project.Domain.Name != DemoDomain || tok.Token.User.Name != DemoUser {
		t.Fatalf("token body: %s", b)
	}

	// Scope by project name.
	byName := strings.Replace(passwordBody(DemoUser, DemoPassword), `"id":"`+DemoProjectID+`"`, `"name":"`+DemoProjectName+`"`, 1)
	if status, _, b := h.postToken(byName); status != http.StatusCreated {
		t.Fatalf("scope by name: %d %s", status, b)
	}

	// Wrong password: IAM's own error shape.
	status, _, b = h.postToken(passwordBody(DemoUser, "wrong"))
	var e iamError
	if err := json.Unmarshal(b, &e); err != nil || status != 401 || e.Error.Code != 401 ||
		e.Error.Message != "The username or password is wrong." || e.Error.Title != "Unauthorized" {
		t.Fatalf("wrong password: %d %s", status, b)
	}
	for name, body := range map[string]string{
		"unknown user":    passwordBody("someone", DemoPassword),
		"foreign project": strings.Replace(passwordBody(DemoUser, DemoPassword), DemoProjectID, "ffff", 1),
	} {
		if status, _, b := h.postToken(body); status != 401 {
			t.Errorf("%s: %d %s", name, status, b)
		}
	}
	for name, body := range map[string]string{
		"not JSON":           "user=x",
		"project and domain": strings.Replace(passwordBody(DemoUser, DemoPassword), `"scope":{`, `"scope":{"domain":{"name":"`+DemoDomain+`"},`, 1),
		"token method":       `{"auth":{"identity":{"methods":["token"],"token":{"id":"x"}}}}`,
	} {
		if status, _, b := h.postToken(body); status != 400 {
			t.Errorf("%s: %d %s", name, status, b)
		}
	}

	// The password never reaches the request log.
	for _, r := range h.s.Requests() {
		if strings.Contains(r.Body, DemoPassword) || strings.Contains(r.Body, "wrong") {
			t.Fatalf("secret recorded: %s", r.Body)
		}
		if r.Path == "/v3/auth/tokens" && (r.Auth != AuthPassword ||
			strings.Contains(r.Body, `"user"`) && !strings.Contains(r.Body, `"password":"***"`)) {
			t.Fatalf("recorded IAM request: %+v", r)
		}
	}
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{TokenTTL: time.Hour})
	if status, _, b := h.do("GET", "/v1/{pid}/test-suites", nil); status != 200 {
		t.Fatalf("fresh token: %d %s", status, b)
	}
	h.clock.Advance(59 * time.Minute)
	if status, _, _ := h.do("GET", "/v1/{pid}/test-suites", nil); status != 200 {
		t.Fatalf("token at 59 min: %d", status)
	}
	h.clock.Advance(2 * time.Minute)
	status, _, b := h.do("GET", "/v1/{pid}/test-suites", nil)
	if e := errorOf(t, b); status != 401 || e.ErrorCode != "APIGW.0307" || e.RequestID == "" {
		t.Fatalf("expired token: %d %s", status, b)
	}
	h.token = h.login()
	if status, _, _ := h.do("GET", "/v1/{pid}/test-suites", nil); status != 200 {
		t.Fatalf("new token: %d", status)
	}
	h.token = "MIIunknown"
	if status, _, b := h.do("GET", "/v1/{pid}/test-suites", nil); status != 401 || errorOf(t, b).ErrorCode != "APIGW.0307" {
		t.Fatalf("unknown token: %d %s", status, b)
	}
}

func TestTokenProject(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	status, _, b := h.do("GET", "/v1/0123456789abcdef0123456789abcdef/test-suites", nil)
	if e := errorOf(t, b); status != 403 || !strings.HasPrefix(e.ErrorCode, "APIGW.") {
		t.Fatalf("other project: %d %s", status, b)
	}
}

func TestRedactBody(t *testing.T) {
	t.Parallel()
	got := redactBody([]byte(`{"auth":{"password":{"user":{"name":"u","password":"p"}}},"sk":"s","headers":[{"key":"k","value":"v"}]}`))
	want := `{"auth":{"password":{"user":{"name":"u","password":"***"}}},"headers":[{"key":"k","value":"v"}],"sk":"***"}`
	if got != want {
		t.Fatalf("redact:\n%s\nwant\n%s", got, want)
	}
	if got := redactBody([]byte("password=hunter2")); got != "***" {
		t.Fatalf("non-JSON secret: %s", got)
	}
}
