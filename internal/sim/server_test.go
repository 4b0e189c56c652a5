package sim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestStartListener drives the demo task to its end on the real clock
// through Start's own listener; a large Scale makes the 2-minute plan last
// a few milliseconds.
func TestStartListener(t *testing.T) {
	t.Parallel()
	s := New(Options{Scale: 20000, StaleWindow: -1})
	base, err := s.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("base URL %s", base)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Post(base+"/v3/auth/tokens", "application/json", strings.NewReader(passwordBody(DemoUser, DemoPassword)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	token := resp.Header.Get("X-Subject-Token")
	call := func(method, p string, body string, out any) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path(p), strings.NewReader(body))
		req.Header.Set("X-Auth-Token", token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("%s %s: %d", method, p, resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := json.Marshal(startBody())
	var a startAnswer
	call("POST", startPath, string(b), &a)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var v taskView
		call("GET", "/v1/{pid}/tasks/52631", "", &v)
		if v.TaskInfo.RunStatus == StatusFinished && v.TaskInfo.Running[0].TaskRunInfoID == a.Result.TaskRunID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("run did not finish: %+v", v.TaskInfo)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if _, err := s.Start(""); err == nil {
		t.Fatal("second Start accepted")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
}
