package cpts

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	sdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cpts/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cpts/v1/model"
)

// TestDefinitionCallsAgainstSDK checks the path and method of every call the
// definition sync makes against the official SDK's request definitions, and
// decodes every body into the SDK's model for it with unknown fields refused;
// the fields the seed marks required (是) must be present.
func TestDefinitionCallsAgainstSDK(t *testing.T) {
	t.Parallel()
	contents := []CaseContents{{Content: []CaseContent{{ContentType: ContentRequest, Content: &RequestInfo{
		Bodys: []any{}, ConnectTimeout: 5000, Headers: []Header{{"Accept", "application/json"}}, HTTPVersion: "HTTP/1.1",
		Method: "GET", Name: "list", ProtocolType: ProtocolHTTPS, ReturnTimeout: 5000, URL: "https://shop.example.com/"}}}}}
	stages := []StageSpec{{Name: "warm", Time: 60, IssueNum: 10, RampUp: 10}, {Name: "tps", OperateMode: 1, Count: 100, PressureMode: 1, TPSValue: 50}}
	tests := []struct {
		name     string
		def      *def.HttpRequestDef
		params   map[string]string
		call     func(ctx context.Context, c *Client)
		model    any
		required []string
	}{
		{"CreateSuite", sdk.GenReqDefForCreateProject(), nil,
			func(ctx context.Context, c *Client) { c.CreateSuite(ctx, "shop", "d") },
			&model.CreateProjectRequestBody{}, []string{"name"}},
		{"CreateCase", sdk.GenReqDefForCreateCase(), nil,
			func(ctx context.Context, c *Client) { c.CreateCase(ctx, 42, "browse") },
			&model.CreateCaseRequestBody{}, []string{"name", "type", "task_id"}},
		{"SetCaseContents", sdk.GenReqDefForUpdateCase(), map[string]string{"case_id": "7", "target": "content"},
			func(ctx context.Context, c *Client) { c.SetCaseContents(ctx, 7, contents) },
			&model.CaseInfoDetail{}, []string{"contents"}},
		{"SetCaseStages", sdk.GenReqDefForUpdateCase(), map[string]string{"case_id": "7", "target": "stage"},
			func(ctx context.Context, c *Client) { c.SetCaseStages(ctx, 7, stages) },
			&model.CaseInfoDetail{}, []string{"stages"}},
		{"DebugCase", sdk.GenReqDefForDebugCase(), map[string]string{"test_suite_id": "3", "task_id": "42", "case_id": "7"},
			func(ctx context.Context, c *Client) { c.DebugCase(ctx, 3, 42, 7, Cluster{Shared: true}) },
			&model.DebugCaseRequestBody{}, []string{"status", "cluster_id", "cluster_type", "without_package"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			method, path, body := firstRequest(t, tt.call)
			if want := sdkPath(tt.def, tt.params); method != tt.def.Method || path != want {
				t.Errorf("request %s %s; SDK %s %s", method, path, tt.def.Method, want)
			}
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.DisallowUnknownFields()
			m := reflect.New(reflect.TypeOf(tt.model).Elem()).Interface()
			if err := dec.Decode(m); err != nil {
				t.Fatalf("body %s does not decode into the SDK's %T: %v", body, tt.model, err)
			}
			var keys map[string]json.RawMessage
			if err := json.Unmarshal(body, &keys); err != nil {
				t.Fatal(err)
			}
			for _, k := range tt.required {
				if v, ok := keys[k]; !ok || string(v) == "null" {
					t.Errorf("body %s lacks required field %q", body, k)
				}
			}
		})
	}
}

// TestDebugAnswerSeedExample decodes the seed's DebugCase answer example.
func TestDebugAnswerSeedExample(t *testing.T) {
	t.Parallel()
	const seed = `{"code":"SVCSTG.CPTS.0000000","message":"success","extend":null,"result":[{"body":"","errorReason":"",
	"header":{"Content-Type":"application/json","Host":"117.xxx.xxx.xxx:xxx"},"name":"Msg-84012","responseTime":24,"result":1,
	"returnBody":"","returnHeader":{"Content-Length":"0","Content-Type":"text/plain; charset=utf-8","Date":"Mon, 19 Sep 2022 07:29:46 GMT"},
	"statusCode":"200 OK","url":"GET https://117.xxx.xxx.xxx:goserver/reflect"}]}`
	var a debugAnswer
	if err := json.Unmarshal([]byte(seed), &a); err != nil {
		t.Fatal(err)
	}
	if len(a.Result) != 1 || !a.Result[0].OK() || a.Result[0].ResponseTime != 24 || a.Result[0].Name != "Msg-84012" {
		t.Errorf("decoded %+v", a.Result)
	}
}

// TestSeedCaseBodiesDecode: the document's UpdateCase content example and
// the CreateProject/CreateCase answers decode into the client's types.
func TestSeedCaseBodiesDecode(t *testing.T) {
	t.Parallel()
	const content = `{"contents": [{"content_id": 0, "content": [{"content_type": 2, "content": {"body_type": 0, "bodys": [],
	  "check_end_length": null, "check_end_str": null, "check_end_type": null, "connect_timeout": 5000, "connect_type": 1,
	  "headers": [{"key": "Content-Type", "value": "application/json"}], "http_version": "HTTP/1.1", "method": "GET",
	  "name": "Msg-24642", "protocol_type": 1, "return_timeout": 5000, "return_timeout_param": null, "url": "http://1.1.1.1"}}],
	  "index": 0, "selected_temp_name": "", "data": null, "data_type": 0, "conditions": null, "is_disabled": false}]}`
	var b caseContentsBody
	if err := json.Unmarshal([]byte(content), &b); err != nil {
		t.Fatal(err)
	}
	r := b.Contents[0].Content[0].Content
	if r.URL != "http://1.1.1.1" || r.ConnectTimeout != 5000 || r.ProtocolType != ProtocolHTTP || r.Headers[0].Key != "Content-Type" {
		t.Errorf("decoded %+v", r)
	}
	var s createSuiteAnswer
	var c createCaseAnswer
	if json.Unmarshal([]byte(`{"code":"SVCSTG.CPTS.0000000","message":"success","project_id":123632}`), &s) != nil || s.ProjectID != 123632 {
		t.Errorf("suite answer %+v", s)
	}
	if json.Unmarshal([]byte(`{"code":"SVCSTG.CPTS.0000000","json":{"task_case_id":213142},"message":"success"}`), &c) != nil || c.JSON.TaskCaseID != 213142 {
		t.Errorf("case answer %+v", c)
	}
}
