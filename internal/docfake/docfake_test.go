package docfake

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPayloadsParse: every example payload is valid JSON.
func TestPayloadsParse(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(payloads, "testdata/*.json")
	if err != nil || len(names) < 14 {
		t.Fatalf("%d payloads: %v", len(names), err)
	}
	for _, n := range names {
		b, _ := payloads.ReadFile(n)
		if !json.Valid(b) {
			t.Errorf("%s is not JSON", n)
		}
	}
}

// TestFakeRefusesWhatTheDocumentsRefuse: required fields, documented variable types, auth and
// the batch-add limit are enforced.
func TestFakeRefusesWhatTheDocumentsRefuse(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Options{}))
	defer srv.Close()
	ids := func(n int) string {
		var out []string
		for range n {
			out = append(out, `"`+strings.Repeat("a", 32)+`"`)
		}
		return strings.Join(out, ",")
	}
	for _, tt := range []struct {
		method, path, body string
		auth               bool
		want               int
	}{
		{"GET", "/v1/p/test-suites", "", false, 401},
		{"GET", "/v1/p/test-suites", "", true, 200},
		{"GET", "/v1/p/variables/0/test-suites/1", "", true, 400},
		{"GET", "/v1/p/variables/2/test-suites/1", "", true, 200},
		{"POST", "/v1/p/variables/1", `[{"name":"n","variable_type":5,"variable":["v"],"is_quoted":false}]`, true, 400},
		{"POST", "/v1/p/variables/1", `[{"id":0,"name":"n","variable_type":5,"variable":["v"],"is_quoted":false}]`, true, 201},
		{"POST", "/v1/p/test-suites/1/tasks/52631", `{"status":9}`, true, 400},
		{"GET", "/v1/p/task-run-infos/1/case-run-infos/1/reports", "", true, 400},
		{"GET", "/v1/p/task-run-infos/1/case-run-infos/1/reports?brokens_limit_count=5", "", true, 200},
		{"POST", "/v1/projects/c/plans/" + PlanID + "/testcases/batch-add", `{"service_id":13,"testcase_id_list":[` + ids(49) + `]}`, true, 204},
		{"POST", "/v1/projects/c/plans/" + PlanID + "/testcases/batch-add", `{"service_id":13,"testcase_id_list":[` + ids(50) + `]}`, true, 400},
		{"GET", "/v2/p/task-run-infos/1/cases", "", true, 501},
	} {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
		if tt.auth {
			req.Header.Set("X-Auth-Token", "t")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, resp.StatusCode, tt.want)
		}
	}
}
