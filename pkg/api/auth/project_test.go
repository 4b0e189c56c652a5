package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

const (
	lookupAK = "LOOKUPAK0000000000001"
	lookupSK = "lookup-secret-key-never-shown"
)

// iamClient is an api.Client of url signing with the lookup keys and no project.
func iamClient(t *testing.T, url string) *api.Client {
	t.Helper()
	c, err := api.New(api.Config{Endpoint: url, Transport: NewAKSK(nil, AKSK{AK: lookupAK, SK: lookupSK}), RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestProjectResolverLooksUpTheRegion(t *testing.T) {
	t.Parallel()
	one := `{"projects":[{"domain_id":"d","is_domain":false,"parent_id":"d","name":"cn-north-4","description":"","links":{},"id":"` + testProject + `","enabled":true}],"links":{"self":"x"}}`
	for _, tc := range []struct {
		name       string
		status     int
		answer     string
		want       string // id, or a substring of the error
		notUnique  bool
		apiFailure bool
	}{
		{"one project", 200, one, testProject, false, false},
		{"an answer that ignored the filter", 200, `{"projects":[{"name":"cn-north-4_sub","id":"aaaa"},{"name":"cn-north-4","id":"` + testProject + `"},{"name":"eu-west-0","id":"bbbb"}]}`, testProject, false, false},
		{"no project", 200, `{"projects":[],"links":{}}`, `IAM lists no project named "cn-north-4"`, true, false},
		{"two projects", 200, `{"projects":[{"name":"cn-north-4","id":"p1"},{"name":"cn-north-4","id":"p2"}]}`, `IAM lists 2 projects named "cn-north-4" (p1, p2): set project-id`, true, false},
		{"refused", 403, `{"error_code":"APIGW.0302","error_msg":"not authorized"}`, "APIGW.0302", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := newServer(t, func(r *http.Request, body []byte) error { return Verify(r, body, lookupAK, lookupSK) },
				func(w http.ResponseWriter, r *http.Request, _ int) {
					if r.Method != "GET" || r.URL.Path != "/v3/projects" || r.URL.RawQuery != "name=cn-north-4" {
						w.WriteHeader(404)
						return
					}
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(tc.status)
					io.WriteString(w, tc.answer)
				})
			r := &ProjectResolver{IAM: iamClient(t, srv.URL), Region: "cn-north-4"}
			id, err := r.ProjectID(context.Background())
			seen := rec.all()
			if len(seen) != 1 || seen[0].verify != nil {
				t.Fatalf("IAM saw %d requests, signature check %v", len(seen), seen[0].verify)
			}
			if h := seen[0].header.Get(HeaderProjectID); h != "" {
				t.Errorf("the look-up carries X-Project-Id %q: the project is what it looks for", h)
			}
			if errors.Is(err, ErrProjectNotUnique) != tc.notUnique {
				t.Errorf("ErrProjectNotUnique = %v for %v", !tc.notUnique, err)
			}
			var ae *api.APIError
			if errors.As(err, &ae) != tc.apiFailure {
				t.Errorf("API error = %v for %v", !tc.apiFailure, err)
			}
			switch {
			case err == nil && id != tc.want:
				t.Fatalf("id %q, want %q", id, tc.want)
			case err != nil && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error %v, want %q", err, tc.want)
			case err == nil:
				// Once per process: the second caller gets the same id without a call.
				if again, err := r.ProjectID(context.Background()); err != nil || again != id || len(rec.all()) != 1 {
					t.Errorf("second call: %q %v after %d requests", again, err, len(rec.all()))
				}
			}
			assertNoSecret(t, err, lookupSK)
		})
	}
}

// scopedIAM answers a password token request with the project of the scope's name.
func scopedIAM(t *testing.T, bodies *[]string, calls *atomic.Int64) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		*bodies = append(*bodies, string(b))
		var req iamRequest
		json.Unmarshal(b, &req)
		w.Header().Set("X-Subject-Token", "tok-scoped")
		w.WriteHeader(http.StatusCreated)
		id := req.Auth.Scope.Project.ID
		if req.Auth.Scope.Project.Name == "cn-north-4" {
			id = testProject
		}
		fmt.Fprintf(w, `{"token":{"expires_at":"2099-01-01T00:00:00.000000Z","project":{"id":%q,"name":"cn-north-4"}}}`, id)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestPasswordScopesByNameWhenTheIDIsUnknown(t *testing.T) {
	t.Parallel()
	var bodies []string
	var calls atomic.Int64
	url := scopedIAM(t, &bodies, &calls)
	rt := NewPassword(nil, Password{IAMEndpoint: url, Username: testUser, Password: testPassword, Domain: "acct", ProjectName: "cn-north-4"})
	scoped, ok := rt.(ProjectScoped)
	if !ok {
		t.Fatal("the password transport does not report its project")
	}
	r := &ProjectResolver{Scoped: scoped, Region: "cn-north-4"}
	id, err := r.ProjectID(context.Background())
	if err != nil || id != testProject {
		t.Fatalf("project %q %v", id, err)
	}
	var got, want any
	json.Unmarshal([]byte(bodies[0]), &got)
	json.Unmarshal([]byte(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"ci-user",
		"password":"Pa55word-never-shown","domain":{"name":"acct"}}}},"scope":{"project":{"name":"cn-north-4"}}}}`), &want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("IAM body\n got %v\nwant %v", got, want)
	}
	// The token that named the project serves the requests: no second token.
	srv, rec := newServer(t, nil, okService)
	if _, err := send(t, rt, "GET", srv.URL+"/v1/x", ""); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 || rec.all()[0].header.Get(HeaderAuthToken) != "tok-scoped" {
		t.Errorf("IAM calls %d, token %q", calls.Load(), rec.all()[0].header.Get(HeaderAuthToken))
	}

	// A known id scopes by id and is its own answer, without IAM.
	var calls2 atomic.Int64
	var bodies2 []string
	byID := NewPassword(nil, Password{IAMEndpoint: scopedIAM(t, &bodies2, &calls2), Username: testUser, Password: testPassword,
		ProjectID: testProject, ProjectName: "cn-north-4"}).(ProjectScoped)
	if id, err := byID.ScopedProject(context.Background()); err != nil || id != testProject || calls2.Load() != 0 {
		t.Errorf("by id: %q %v, %d IAM calls", id, err, calls2.Load())
	}
}

func TestIAMBase(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://iam.x.com": "https://iam.x.com", "https://iam.x.com/": "https://iam.x.com",
		"https://iam.x.com/v3": "https://iam.x.com", "https://iam.x.com/v3/auth/tokens/": "https://iam.x.com",
	} {
		if got := IAMBase(in); got != want {
			t.Errorf("IAMBase(%q) = %q, want %q", in, got, want)
		}
	}
}
