package mas

import (
	"testing"
)

// FuzzRead feeds arbitrary bodies to every tolerant reader of an answer: none may panic, and a
// body that decodes keeps its raw form bounded.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		`{"result":{"total":1,"data":[{"id":"a","name":"n"}]},"status":"success","error":null}`,
		`{"result":[{"workflowId":"a","workflowName":"n"}],"status":"success"}`,
		`{"result":{"job_name":"j","status":"RUNNING","steps":[{"state_id":"s","task_id":"t","name":"x","status":"FAILED"}]}}`,
		`{"result":{"jobName":"j","state":"Executing","tasks":[{"taskId":"t","taskName":"x","state":"OK"}]}}`,
		`{"result":"SUCCESS","status":"success","error":null}`,
		`{"result":{"content":"line1\nline2"}}`,
		`{"result":[{"level":"ERROR","message":"m"}]}`,
		`{"result":null,"status":"error","error":{"code":"MAS.00014000","reason":"Request error."}}`,
		`{"error_code":"AS.0001","error_msg":"x"}`,
		`[[[[{"data":[{"job":{"name":1}}]}]]]]`,
		`"bare"`, `12`, `null`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := decodeAnswer("op", body)
		if err != nil || a == nil {
			return
		}
		if len(a.Raw) > maxRaw+len("…") {
			t.Fatalf("raw answer of %d bytes kept", len(a.Raw))
		}
		objects(a.Result, 3)
		jobName(a.Result)
		logText(a.Result, 3)
		for _, s := range parseStatus(a).Steps {
			if s.Name == "" && s.StateID != "" {
				t.Fatalf("step without a name: %+v", s)
			}
		}
	})
}
