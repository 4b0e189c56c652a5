package cloudtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary bodies to every answer decoder of TestPlan and attask, and to the
// partial-failure and attask error parsers: none may panic.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for i, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), data)
	}
	f.Add(uint8(0), []byte(`[{"plan_id":1,"expire_day":"-4"},null]`))
	f.Add(uint8(7), []byte(`{"error_detail":{"failed":[{"testcase_id":1}`))
	decoders := []func() any{
		func() any { return new(createPlanAnswer) },
		func() any { return new(environmentsAnswer) },
		func() any { return new(planCasesAnswer) },
		func() any { return new(caseAnswer) },
		func() any { return new(batchAnswer) },
		func() any { return new(attaskAnswer) },
		func() any { return new([]Plan) },
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		_ = json.Unmarshal(body, decoders[int(which)%len(decoders)]())
		_, _ = decodePlans(body)
		failuresFromBody(string(body))
		attaskErrorFrom(string(body))
	})
}
