package definition

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite schema/perftest.schema.json")

const schemaPath = "../../schema/perftest.schema.json"

// TestSchemaCommitted fails when the committed JSON Schema differs from the
// one generated from the types (go test ./pkg/definition -run Schema -update
// rewrites it).
func TestSchemaCommitted(t *testing.T) {
	got := Schema()
	if *update {
		if err := os.WriteFile(schemaPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test ./pkg/definition -run Schema -update", schemaPath)
	}
	var v map[string]any
	if err := json.Unmarshal(got, &v); err != nil {
		t.Fatal(err)
	}
	props := v["properties"].(map[string]any)
	for _, k := range []string{"suite", "task", "prune", "cases", "profiles", "gates"} {
		if _, ok := props[k]; !ok {
			t.Errorf("schema lacks %q", k)
		}
	}
}
