package cpts

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	sdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cpts/v1"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// TestGoldenListProjectTestCase decodes the §4.7.1 ListProjectTestCase
// example.
func TestGoldenListProjectTestCase(t *testing.T) {
	t.Parallel()
	var a directoryAnswer
	decodeGolden(t, "list_project_test_case.json", &a)
	want := []DirectoryEntry{{ID: 57667, Name: "directory1", Status: 1,
		CreateTime: "2022-09-02T11:12:04.308643+08:00", UpdateTime: "2022-09-02T11:12:04.315547+08:00",
		ParentID: 0, Type: EntryDirectory}}
	if !reflect.DeepEqual(a.Directory, want) {
		t.Errorf("directory = %+v\nwant %+v", a.Directory, want)
	}
	if a.Directory[0].IsCase() || a.Directory[0].Status == 0 {
		t.Errorf("IsCase %v status %v", a.Directory[0].IsCase(), a.Directory[0].Status)
	}
}

func TestListSuiteCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer string
		want   []DirectoryEntry
	}{
		{"document example", "@list_project_test_case.json", []DirectoryEntry{{ID: 57667, Name: "directory1", Status: 1,
			CreateTime: "2022-09-02T11:12:04.308643+08:00", UpdateTime: "2022-09-02T11:12:04.315547+08:00", Type: EntryDirectory}}},
		{"tree of directories and cases, tolerant", `{"code":"CPTS.00000000","message":"success","directory":[` +
			`{"id":1,"name":"api","status":1,"parent_id":0,"type":1},` +
			`{"id":"16674","name":"login","status":1,"parent_id":1.0,"type":2,"extra":[1]},` +
			`{"id":16675,"name":"old","status":0,"parent_id":1,"type":2,"create_time":null}]}`,
			[]DirectoryEntry{
				{ID: 1, Name: "api", Status: 1, Type: EntryDirectory},
				{ID: 16674, Name: "login", Status: 1, ParentID: 1, Type: EntryCase},
				{ID: 16675, Name: "old", Status: 0, ParentID: 1, Type: EntryCase},
			}},
		{"no directory", `{"code":"SVCSTG.CPTS.0000000","message":"success","directory":null}`, []DirectoryEntry{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				checkRequest(t, r, exchange{method: "GET", path: "/v1/" + testProject + "/test-suites/1/directory"})
				io.WriteString(w, answerText(t, tt.answer))
			}))
			defer srv.Close()
			got, err := newTestClient(t, srv).ListSuiteCases(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if n := hits.Load(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			var cases []string
			for _, e := range got {
				if e.IsCase() && e.Status != 0 {
					cases = append(cases, e.Name)
				}
			}
			if tt.name == "tree of directories and cases, tolerant" && !reflect.DeepEqual(cases, []string{"login"}) {
				t.Errorf("live cases = %v", cases)
			}
		})
	}
}

func TestListSuiteCasesErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		answer string
		calls  int32
		code   string
	}{
		{"501 plain text, not retried", 501, "unknown error", 1, ""},
		{"503 retried", 503, `{"error_code":"APIGW.0308","error_msg":"The request is throttled."}`, 3, "APIGW.0308"},
		{"404", 404, `{"error_code":"CPTS.04000404","error_msg":"工程不存在"}`, 1, "CPTS.04000404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.answer)
			}))
			defer srv.Close()
			_, err := newTestClient(t, srv).ListSuiteCases(context.Background(), 7)
			var ae *api.APIError
			if !errors.As(err, &ae) || ae.Status != tt.status || ae.Code != tt.code {
				t.Fatalf("error = %v, want APIError %d %q", err, tt.status, tt.code)
			}
			if !strings.HasPrefix(err.Error(), "list case tree of suite 7: ") {
				t.Errorf("error %q does not name the op", err)
			}
			if n := calls.Load(); n != tt.calls {
				t.Errorf("%d requests, want %d", n, tt.calls)
			}
		})
	}
}

// TestListSuiteCasesAgainstSDK checks method and path against the SDK's
// ListProjectTestCase definition.
func TestListSuiteCasesAgainstSDK(t *testing.T) {
	t.Parallel()
	d := sdk.GenReqDefForListProjectTestCase()
	var err error
	method, path, _ := firstRequest(t, func(ctx context.Context, c *Client) { _, err = c.ListSuiteCases(ctx, 3) })
	if err != nil {
		t.Fatal(err)
	}
	if want := sdkPath(d, map[string]string{"test_suite_id": "3"}); method != d.Method || path != want {
		t.Errorf("request %s %s; SDK %s %s", method, path, d.Method, want)
	}
}
