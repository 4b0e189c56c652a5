package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// poller is what a typical hand-written CI loop around curl does, the baseline of the
// detection-latency rows: get an IAM token (password authentication), start the task, then read
// the task every Interval of service time until its run_status is final (2, 3 or 4), then read
// the run's case runs and each case report once.
//
// A typical loop trusts run_status blindly. Right after a start the service still describes the
// previous run for a while (the stale window; with no previous run it shows run_status 2), so
// the blind loop may "finish" before its run has even begun. With CheckRunID the loop trusts the
// status only once the task's run data names the run it started — what a careful script does,
// and the fair baseline for latency and calls.
type poller struct {
	// Base is the endpoint of IAM and CPTS (the simulator serves both).
	Base string
	// ProjectID, Domain, User and Password authenticate with IAM.
	ProjectID, Domain, User, Password string
	// SuiteID and TaskID name the task to start.
	SuiteID, TaskID int
	// Interval is the service time between two reads of the task [5s].
	Interval time.Duration
	// Scale is the service clock speed: Interval/Scale of real time passes between reads.
	Scale float64
	// CheckRunID makes the loop wait for the run data of its own run.
	CheckRunID bool
	// Timeout bounds the wait in service time.
	Timeout time.Duration
	// HTTP is the client; nil uses a fresh one.
	HTTP *http.Client
}

// pollResult is what the loop saw.
type pollResult struct {
	RunID    int
	Status   int       // the final run_status it believed
	Detected time.Time // when the read that returned the final status was answered
	Reads    int       // status reads (GET task)
	Cases    int       // case reports read
}

// run performs the loop.
func (p *poller) run(ctx context.Context) (pollResult, error) {
	var res pollResult
	hc := p.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	interval := p.Interval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	realInterval := time.Duration(float64(interval) / p.Scale)
	token, err := p.token(ctx, hc)
	if err != nil {
		return res, err
	}
	call := func(method, path string, body, out any) error {
		var rd io.Reader
		if body != nil {
			b, err := json.Marshal(body)
			if err != nil {
				return err
			}
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(ctx, method, p.Base+path, rd)
		if err != nil {
			return err
		}
		req.Header.Set("X-Auth-Token", token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("%s %s: %s: %.200s", method, path, resp.Status, data)
		}
		return json.Unmarshal(data, out)
	}

	// Start: POST /v1/{project_id}/test-suites/{suite}/tasks/{task}, status 9, shared group.
	var started struct {
		Result struct {
			TaskRunID int `json:"task_run_id"`
		} `json:"result"`
	}
	start := map[string]any{"cluster_id": 0, "cluster_type": "shared-cluster-internet", "without_package": 0,
		"network_info": map[string]string{"network_type": "internet"}, "status": 9}
	if err := call("POST", fmt.Sprintf("/v1/%s/test-suites/%d/tasks/%d", p.ProjectID, p.SuiteID, p.TaskID), start, &started); err != nil {
		return res, fmt.Errorf("start: %w", err)
	}
	res.RunID = started.Result.TaskRunID

	// Poll: GET /v1/{project_id}/tasks/{task} until run_status is 2, 3 or 4.
	deadline := time.Now().Add(time.Duration(float64(p.Timeout) / p.Scale))
	for {
		var task struct {
			TaskInfo struct {
				RunStatus *int `json:"run_status"`
				Running   []struct {
					TaskRunID int `json:"task_run_info_id"`
				} `json:"related_temp_running_data"`
			} `json:"taskInfo"`
		}
		err := call("GET", fmt.Sprintf("/v1/%s/tasks/%d", p.ProjectID, p.TaskID), nil, &task)
		res.Reads++
		if err != nil {
			return res, fmt.Errorf("read task: %w", err)
		}
		mine := !p.CheckRunID
		for _, r := range task.TaskInfo.Running {
			mine = mine || r.TaskRunID == res.RunID
		}
		if st := task.TaskInfo.RunStatus; mine && st != nil && (*st == 2 || *st == 3 || *st == 4) {
			res.Status, res.Detected = *st, time.Now()
			break
		}
		if time.Now().After(deadline) {
			return res, fmt.Errorf("run %d did not end within %s", res.RunID, p.Timeout)
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(realInterval):
		}
	}

	// Case runs: GET /v2/{project_id}/task-run-infos/{run}/cases (case_uri_i: case run id).
	var cases struct {
		Result struct {
			List []struct {
				ID string `json:"case_uri_i"`
			} `json:"case_aw_info_list"`
		} `json:"result"`
	}
	if err := call("GET", fmt.Sprintf("/v2/%s/task-run-infos/%d/cases", p.ProjectID, res.RunID), nil, &cases); err != nil {
		return res, fmt.Errorf("case runs: %w", err)
	}
	for _, c := range cases.Result.List {
		id, err := strconv.Atoi(c.ID)
		if err != nil {
			return res, fmt.Errorf("case run id %q: %w", c.ID, err)
		}
		var rep map[string]any
		q := url.Values{"brokens_limit_count": {"100"}}
		path := fmt.Sprintf("/v1/%s/task-run-infos/%d/case-run-infos/%d/reports?%s", p.ProjectID, res.RunID, id, q.Encode())
		if err := call("GET", path, nil, &rep); err != nil {
			return res, fmt.Errorf("report of case run %d: %w", id, err)
		}
		res.Cases++
	}
	return res, nil
}

// token gets an IAM token with the password method (POST /v3/auth/tokens, X-Subject-Token).
func (p *poller) token(ctx context.Context, hc *http.Client) (string, error) {
	body := map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"name": p.User, "password": p.Password, "domain": map[string]string{"name": p.Domain}}}},
		"scope": map[string]any{"project": map[string]string{"id": p.ProjectID}},
	}}
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", p.Base+"/v3/auth/tokens", bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("IAM token: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	tok := resp.Header.Get("X-Subject-Token")
	if resp.StatusCode != http.StatusCreated || tok == "" {
		return "", fmt.Errorf("IAM token: %s", resp.Status)
	}
	return tok, nil
}
