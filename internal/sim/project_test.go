package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// issue 11: token scopes, GET /v3/projects, IAM's 404s, temporary credentials, X-Project-Id
// and header names with "_".

func scopedBody(scope string) string {
	b := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + DemoUser +
		`","password":"` + DemoPassword + `","domain":{"name":"` + DemoDomain + `"}}}}`
	if scope != "" {
		b += `,"scope":` + scope
	}
	return b + `}}`
}

func TestIAMTokenScopes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, scope      string
		project, domain  string // expected in the answer
		cpts, listStatus int    // answers to a CPTS call and to GET /v3/projects with the token
	}{
		{"project by id", `{"project":{"id":"` + DemoProjectID + `"}}`, DemoProjectID, "", 200, 200},
		{"project by name", `{"project":{"name":"` + DemoProjectName + `"}}`, DemoProjectID, "", 200, 200},
		{"project by name in domain", `{"project":{"name":"` + DemoProjectName + `","domain":{"name":"` + DemoDomain + `"}}}`, DemoProjectID, "", 200, 200},
		{"sub-project", `{"project":{"name":"` + DemoSandboxProjectName + `"}}`, DemoSandboxProjectID, "", 403, 200},
		{"domain by name", `{"domain":{"name":"` + DemoDomain + `"}}`, "", DemoDomainID, 403, 200},
		{"domain by id", `{"domain":{"id":"` + DemoDomainID + `"}}`, "", DemoDomainID, 403, 200},
		{"unscoped", "", "", "", 403, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{})
			status, hdr, b := h.postToken(scopedBody(tc.scope))
			if status != http.StatusCreated {
				t.Fatalf("token: %d %s", status, b)
			}
			var tok struct {
				Token struct {
					Project *struct{ ID string } `json:"project"`
					Domain  *struct{ ID string } `json:"domain"`
				} `json:"token"`
			}
			if err := json.Unmarshal(b, &tok); err != nil {
				t.Fatal(err)
			}
			gotP, gotD := "", ""
			if tok.Token.Project != nil {
				gotP = tok.Token.Project.ID
			}
			if tok.Token.Domain != nil {
				gotD = tok.Token.Domain.ID
			}
			if gotP != tc.project || gotD != tc.domain {
				t.Fatalf("scope: project %q domain %q, want %q %q: %s", gotP, gotD, tc.project, tc.domain, b)
			}
			tokH := map[string]string{"X-Auth-Token": hdr.Get("X-Subject-Token")}
			for _, c := range []struct {
				path string
				want int
			}{{path("/v1/{pid}/test-suites"), tc.cpts}, {"/v3/projects?name=" + DemoProjectName, tc.listStatus}} {
				resp, err := h.send("GET", c.path, nil, tokH)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != c.want {
					t.Errorf("GET %s: %d %s, want %d", c.path, resp.StatusCode, b, c.want)
				}
			}
		})
	}
	h := newHarness(t, Options{})
	for name, scope := range map[string]string{
		"unknown project name":   `{"project":{"name":"eu-west-0"}}`,
		"project of another dom": `{"project":{"name":"` + DemoProjectName + `","domain":{"name":"other"}}}`,
		"unknown domain":         `{"domain":{"name":"other"}}`,
	} {
		if status, _, b := h.postToken(scopedBody(scope)); status != 401 {
			t.Errorf("%s: %d %s", name, status, b)
		}
	}
	if status, _, b := h.postToken(scopedBody(`{"project":{}}`)); status != 400 {
		t.Errorf("empty project scope: %d %s", status, b)
	}
}

// listProjects sends GET /v3/projects with query and headers and decodes the answer.
func (h *harness) listProjects(query string, hdr map[string]string) (int, []string, []byte) {
	h.t.Helper()
	resp, err := h.send("GET", "/v3/projects"+query, nil, hdr)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		Projects []struct {
			ID, Name, DomainID string
			Enabled            bool
		} `json:"projects"`
		Links *struct{ Self string } `json:"links"`
	}
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(b, &out); err != nil || out.Links == nil || out.Projects == nil {
			h.t.Fatalf("answer %s: %v", b, err)
		}
	}
	var ids []string
	for _, p := range out.Projects {
		ids = append(ids, p.ID)
	}
	return resp.StatusCode, ids, b
}

func TestIAMListProjects(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{Now: time.Now})
	tok := map[string]string{"X-Auth-Token": h.token}
	for _, tc := range []struct {
		query  string
		status int
		ids    []string
	}{
		{"?name=" + DemoProjectName, 200, []string{DemoProjectID}},
		{"?name=" + DemoSandboxProjectName, 200, []string{DemoSandboxProjectID}},
		{"?name=ap-southeast-3", 200, nil},
		{"", 200, []string{DemoProjectID, DemoSandboxProjectID}},
		{"?domain_id=" + DemoDomainID + "&page=2&per_page=1", 200, []string{DemoSandboxProjectID}},
		{"?enabled=false", 200, nil},
		{"?page=1", 400, nil},
		{"?page=0&per_page=10", 400, nil},
		{"?enabled=maybe", 400, nil},
	} {
		status, ids, b := h.listProjects(tc.query, tok)
		if status != tc.status || strings.Join(ids, ",") != strings.Join(tc.ids, ",") {
			t.Errorf("GET /v3/projects%s: %d %v, want %d %v: %s", tc.query, status, ids, tc.status, tc.ids, b)
		}
	}

	// AK/SK as the official SDK signs it: no X-Project-Id yet (it is what is being looked up).
	r := sdkSignedAs(t, h.base, "GET", "/v3/projects", map[string]string{"name": DemoProjectName}, "", nil, sdkSigning{noProject: true})
	resp, err := h.client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), DemoProjectID) {
		t.Fatalf("AK/SK list: %d %s", resp.StatusCode, b)
	}
	if status, _, b := h.listProjects("?name="+DemoProjectName, nil); status != 401 {
		t.Errorf("anonymous list: %d %s", status, b)
	}
}

func TestIAMUnknownPathsAre404(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	tok := map[string]string{"X-Auth-Token": h.token}
	for _, p := range []string{"GET /v3/users", "GET /v3", "POST /v3/projects", "GET /v3/auth/projects",
		"GET /v3.0/OS-USER/users/x", "GET /v3-ext/projects/x", "GET /v3/auth/tokens"} {
		method, target, _ := strings.Cut(p, " ")
		resp, err := h.send(method, target, nil, tok)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if e := errorOf(t, b); resp.StatusCode != 404 || e.ErrorCode != "APIGW.0101" {
			t.Errorf("%s: %d %s", p, resp.StatusCode, b)
		}
	}
	// CPTS's own /v3 paths still reach CPTS.
	body := map[string]any{"name": DemoTaskName, "project_id": DemoSuiteID, "operate_mode": 2, "case_id_list": []int{DemoCaseBrowse}}
	if status, _, b := h.do("PUT", "/v3/{pid}/tasks/52631", body); status == 404 || status == 501 {
		t.Errorf("CPTS PUT /v3/{pid}/tasks: %d %s", status, b)
	}
}

func TestAKSKStrictness(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{Now: time.Now})
	const tmpAK, tmpSK, tmpST = "SIMTEMPAK00000000001", "SimTempSK0000000000000000000000000000000", "sts-token-of-the-temporary-key"
	h.s.AddTemporaryCredential(tmpAK, tmpSK, tmpST)
	suites := "/v1/{pid}/test-suites"
	for _, tc := range []struct {
		name string
		req  func(t *testing.T) *http.Request
		want string // "" = 200; else a substring of the 401 message
	}{
		{"permanent key", func(t *testing.T) *http.Request { return sdkSigned(t, h.base, "GET", suites, nil, "", nil) }, ""},
		{"temporary key with its token", func(t *testing.T) *http.Request {
			return sdkSignedAs(t, h.base, "GET", suites, nil, "", map[string]string{"X-Security-Token": tmpST}, sdkSigning{ak: tmpAK, sk: tmpSK})
		}, ""},
		{"temporary key without token", func(t *testing.T) *http.Request {
			return sdkSignedAs(t, h.base, "GET", suites, nil, "", nil, sdkSigning{ak: tmpAK, sk: tmpSK})
		}, "x-security-token is missing"},
		{"temporary key with another token", func(t *testing.T) *http.Request {
			return sdkSignedAs(t, h.base, "GET", suites, nil, "", map[string]string{"X-Security-Token": "other"}, sdkSigning{ak: tmpAK, sk: tmpSK})
		}, "does not belong"},
		{"temporary key, token added after signing", func(t *testing.T) *http.Request {
			r := sdkSignedAs(t, h.base, "GET", suites, nil, "", nil, sdkSigning{ak: tmpAK, sk: tmpSK})
			r.Header.Set("X-Security-Token", tmpST)
			return r
		}, "x-security-token is not signed"},
		{"permanent key with a token", func(t *testing.T) *http.Request {
			return sdkSigned(t, h.base, "GET", suites, nil, "", map[string]string{"X-Security-Token": tmpST})
		}, "permanent access key"},
		{"no X-Project-Id", func(t *testing.T) *http.Request {
			return sdkSignedAs(t, h.base, "GET", suites, nil, "", nil, sdkSigning{noProject: true})
		}, "x-project-id is missing"},
		{"X-Project-Id added after signing", func(t *testing.T) *http.Request {
			r := sdkSignedAs(t, h.base, "GET", suites, nil, "", nil, sdkSigning{noProject: true})
			r.Header.Set("X-Project-Id", DemoProjectID)
			return r
		}, "x-project-id is not signed"},
		{"a signed header name with _", func(t *testing.T) *http.Request {
			// Signed correctly over X_Trace (the simulator's own canonical form), which the
			// gateway drops: it cannot verify.
			r := sdkSigned(t, h.base, "GET", suites, nil, "", nil)
			r.Header.Set("X_Trace", "1")
			signed := []string{"x-project-id", "x-sdk-date", "x_trace"}
			r.Header.Set("Authorization", algorithm+" Access="+DemoAK+", SignedHeaders="+strings.Join(signed, ";")+
				", Signature="+signature(r, nil, signed, DemoSK))
			return r
		}, "is dropped by the gateway"},
		{"an unsigned header name with _ is ignored", func(t *testing.T) *http.Request {
			return sdkSigned(t, h.base, "GET", suites, nil, "", map[string]string{"X_Trace": "1"})
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, err := h.client.Do(tc.req(t))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tc.want == "" {
				if resp.StatusCode != 200 {
					t.Fatalf("%d %s", resp.StatusCode, b)
				}
				return
			}
			if e := errorOf(t, b); resp.StatusCode != 401 || e.ErrorCode != "APIGW.0301" || !strings.Contains(e.ErrorMsg, tc.want) {
				t.Fatalf("%d %s, want 401 APIGW.0301 with %q", resp.StatusCode, b, tc.want)
			}
		})
	}
}
