package cpts

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// decoders are every answer type of the client, by the byte that selects them in FuzzDecode.
var decoders = []func() any{
	func() any { return new(suitesAnswer) },
	func() any { return new(tasksAnswer) },
	func() any { return new(taskAnswer) },
	func() any { return new(createTaskAnswer) },
	func() any { return new(taskCasesAnswer) },
	func() any { return new(taskStatusAnswer) },
	func() any { return new(caseRunsAnswer) },
	func() any { return new(historyAnswer) },
	func() any { return new(variablesAnswer) },
	func() any { return new(reportAnswer) },
	func() any { return new(directoryAnswer) },
}

// FuzzDecode feeds arbitrary bodies to every response decoder: none may panic, and whatever
// decodes must encode again and decode to the same encoding (the helpers read every field).
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for i, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), data)
	}
	f.Add(uint8(2), []byte(`{"taskInfo":[{"run_status":"2","related_temp_running_data":[{"task_run_info_id":1e3}]}]}`))
	f.Add(uint8(9), []byte(`{"result":{"details":{"data":[{"performance":{"tp95":null,"requests":"12"}}]}}}`))
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		v := decoders[int(which)%len(decoders)]()
		if json.Unmarshal(body, v) != nil {
			return
		}
		switch a := v.(type) {
		case *taskAnswer:
			if t := a.TaskInfo.v; t != nil {
				t.CurrentRunID()
				t.CaseRunIDs(1)
			}
		case *reportAnswer:
			if a.Result != nil {
				a.Result.Truncated()
				a.Result.Outline.Fields()
				for _, row := range a.Result.Details.Data {
					row.Performance.Fields()
				}
			}
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("decoded value does not encode: %v", err)
		}
		w := decoders[int(which)%len(decoders)]()
		if err := json.Unmarshal(again, w); err != nil {
			t.Fatalf("re-encoded value does not decode: %v\n%s", err, again)
		}
	})
}
