package sim

import (
	"encoding/json"
	"io"
	"regexp"
	"testing"
	"time"
)

const attaskPath = "/attask/v3/taskmodel/execution"

// attaskBody is the document's request example with the given templates.
func attaskBody(ids ...string) map[string]any {
	suite := make([]map[string]string, len(ids))
	for i, id := range ids {
		suite[i] = map[string]string{"taskId": id}
	}
	return map[string]any{"ip": "", "port": "", "testSuite": suite, "sut_branch_name": "基线", "sutName": "deng_test",
		"userName": DemoUserID, "testServiceId": "c2d63f9d3af34177ab62545d841c78d7"}
}

// attaskAnswer holds every field either answer shape may carry.
type attaskAnswer struct {
	Result       string `json:"result"`
	RequestIDAlt string `json:"requestId"`
	ServerIPAlt  string `json:"serverIp"`
	attaskError
}

func decodeAttask(t *testing.T, b []byte) attaskAnswer {
	t.Helper()
	var a attaskAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("attask answer is not JSON: %v: %s", err, b)
	}
	return a
}

// wantAttaskError expects the documented error body with every field set.
func wantAttaskError(t *testing.T, what string, st int, b []byte, wantStatus int, code string) attaskAnswer {
	t.Helper()
	a := decodeAttask(t, b)
	if st != wantStatus || a.Status != "error" || a.ErrorCode != code || a.ErrorMsg == "" || a.ErrorCause == "" ||
		a.FAQ == "" || a.RequestID == "" || a.ServerIP == "" || a.Result != "" {
		t.Fatalf("%s: want %d %s with every field, got %d %s", what, wantStatus, code, st, b)
	}
	return a
}

func TestAttaskExecute(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	st, hdr, b := h.do("POST", attaskPath, attaskBody(DemoTemplateIDs()...))
	a := decodeAttask(t, b)
	if st != 200 || a.Status != "ok" || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(a.Result) {
		t.Fatalf("execute: %d %s", st, b)
	}
	var raw map[string]any
	json.Unmarshal(b, &raw)
	if _, ok := raw["requestId"]; !ok || len(raw) != 4 {
		t.Fatalf("success shape is not the documented example: %s", b)
	}
	if hdr.Get("X-Request-Id") == "" {
		t.Fatal("no X-Request-Id")
	}

	// One failing template fails the whole call: 200, status "error".
	st, _, b = h.do("POST", attaskPath, attaskBody(DemoTemplateID, DemoFailingTemplateID))
	wantAttaskError(t, "failing template", st, b, 200, attaskCodeFailed)
	st, _, b = h.do("POST", attaskPath, attaskBody(DemoTemplateID, "404404404"))
	wantAttaskError(t, "unknown template", st, b, 404, attaskCodeNotFound)
	st, _, b = h.do("POST", attaskPath, attaskBody())
	wantAttaskError(t, "no template", st, b, 400, attaskCodeBadRequest)
	st, _, b = h.do("POST", attaskPath, `{"testSuite":"x"}`)
	wantAttaskError(t, "bad body", st, b, 400, attaskCodeBadRequest)

	h.s.AddTaskTemplate("777", true)
	st, _, b = h.do("POST", attaskPath, attaskBody("777"))
	wantAttaskError(t, "added failing template", st, b, 200, attaskCodeFailed)

	ex := h.s.AttaskExecutions()
	if len(ex) != 5 || ex[0].ID != a.Result || len(ex[0].TaskIDs) != 2 || ex[0].SutBranch != "基线" || ex[0].UserName != DemoUserID ||
		ex[0].ErrorCode != "" || ex[1].ID != "" || ex[1].ErrorCode != attaskCodeFailed || ex[2].ErrorCode != attaskCodeNotFound {
		t.Fatalf("AttaskExecutions: %+v", ex)
	}

	// Unknown attask paths and methods: the gateway's 404.
	st, _, b = h.do("GET", attaskPath, nil)
	if e := errorOf(t, b); st != 404 || e.ErrorCode != "APIGW.0101" {
		t.Fatalf("GET: %d %s", st, b)
	}
}

func TestAttaskAuth(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{Now: time.Now})
	resp, err := h.send("POST", attaskPath, attaskBody(DemoTemplateID), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	a := wantAttaskError(t, "no token", resp.StatusCode, b, 401, codeDevAuth)
	if a.ErrorMsg != "认证信息过期" || a.RequestID != resp.Header.Get("X-Request-Id") {
		t.Fatalf("401 body: %s", b)
	}
	resp, err = h.send("POST", attaskPath, attaskBody(DemoTemplateID), map[string]string{"X-Auth-Token": "stale"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	wantAttaskError(t, "unknown token", resp.StatusCode, b, 401, codeDevAuth)
	if n := len(h.s.AttaskExecutions()); n != 0 {
		t.Fatalf("unauthenticated calls recorded: %d", n)
	}

	// The document makes X-Auth-Token mandatory: a valid AK/SK signature (with
	// its X-Project-Id) is refused like a missing token.
	body, _ := json.Marshal(attaskBody(DemoTemplateID))
	r := sdkSigned(t, h.base, "POST", attaskPath, nil, string(body), nil)
	resp, err = h.client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	wantAttaskError(t, "AK/SK", resp.StatusCode, b, 401, codeDevAuth)
	if n := len(h.s.AttaskExecutions()); n != 0 {
		t.Fatalf("AK/SK call recorded as an execution: %d", n)
	}
	// A token passes.
	resp, err = h.send("POST", attaskPath, attaskBody(DemoTemplateID), map[string]string{"X-Auth-Token": h.token})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if a := decodeAttask(t, b); resp.StatusCode != 200 || a.Status != "ok" || a.Result == "" {
		t.Fatalf("token: %d %s", resp.StatusCode, b)
	}
}

func TestAttaskFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.s.Inject(Fault{Match: "POST " + attaskPath, Kind: FaultStatus, Status: 500, Count: 1})
	st, _, b := h.do("POST", attaskPath, attaskBody(DemoTemplateID))
	wantAttaskError(t, "500 fault", st, b, 500, "DEV.00000500")
	h.s.Inject(Fault{Match: "attask", Kind: FaultStatus, Status: 429, RetryAfter: time.Second, Count: 1})
	st, hdr, b := h.do("POST", attaskPath, attaskBody(DemoTemplateID))
	if e := errorOf(t, b); st != 429 || e.ErrorCode != "APIGW.0308" || hdr.Get("Retry-After") != "1" {
		t.Fatalf("429 fault: %d %s", st, b)
	}
	if n := len(h.s.AttaskExecutions()); n != 0 {
		t.Fatalf("a gateway fault executed templates: %d", n)
	}
	h.s.Inject(Fault{Match: "attask", Kind: FaultDropAnswer, Count: 1})
	if resp, err := h.send("POST", attaskPath, attaskBody(DemoTemplateID), map[string]string{"X-Auth-Token": h.token}); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped answer arrived: %d", resp.StatusCode)
	}
	if ex := h.s.AttaskExecutions(); len(ex) != 1 || ex[0].ID == "" {
		t.Fatalf("the dropped execution was not performed: %+v", ex)
	}
	rec := h.s.Requests()
	if last := rec[len(rec)-1]; last.Path != attaskPath || last.Fault != FaultDropAnswer || last.Auth != AuthToken {
		t.Fatalf("recorded: %+v", last)
	}
}
