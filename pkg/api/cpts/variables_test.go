package cpts

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

func TestCreateVariable(t *testing.T) {
	t.Parallel()
	var gotMethod, gotPath string
	var gotBody []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotMethod, gotPath = r.Method, r.URL.Path
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &gotBody)
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"code":"SVCSTG.CPTS.0000000","json":{"variable_id":4242},"message":"success"}`))
	}))
	defer srv.Close()
	ac, err := api.New(api.Config{Endpoint: srv.URL, RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	id, err := New(ac, "pid").CreateVariable(context.Background(), 17, "codearts_runner_5", VariableText, "gh-1-gate 79516")
	if err != nil || id != 4242 {
		t.Fatalf("id %d, err %v", id, err)
	}
	if gotMethod != http.MethodPost || gotPath != "/v1/pid/variables/17" {
		t.Errorf("%s %s", gotMethod, gotPath)
	}
	if len(gotBody) != 1 || gotBody[0]["name"] != "codearts_runner_5" || gotBody[0]["variable_type"] != float64(5) ||
		gotBody[0]["is_quoted"] != false || gotBody[0]["variable"].([]any)[0] != "gh-1-gate 79516" {
		t.Errorf("body %v", gotBody)
	}
}

// DeleteVariable follows 4.4.4 (and the SDK's GenReqDefForDeleteVariable): DELETE
// /v1/{project_id}/variables with variable_id and test_suite_id in the query, no body; the
// reference documents 200 without a body.
func TestDeleteVariable(t *testing.T) {
	t.Parallel()
	var gotMethod, gotPath, gotQuery string
	var gotBody []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotMethod, gotPath, gotQuery = r.Method, r.URL.Path, r.URL.RawQuery
		gotBody, _ = io.ReadAll(r.Body)
	}))
	defer srv.Close()
	ac, err := api.New(api.Config{Endpoint: srv.URL, RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := New(ac, "pid").DeleteVariable(context.Background(), 17, 4242); err != nil {
		t.Fatal(err)
	}
	if gotMethod != http.MethodDelete || gotPath != "/v1/pid/variables" || gotQuery != "test_suite_id=17&variable_id=4242" || len(gotBody) != 0 {
		t.Errorf("%s %s?%s body %q", gotMethod, gotPath, gotQuery, gotBody)
	}
}
