package sim

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestPerfRowWireNames checks that every figure of a report row gets its wire
// name, the metric ones from the CPTS metric table.
func TestPerfRowWireNames(t *testing.T) {
	t.Parallel()
	v := 95.5
	b, err := json.Marshal(perfRow{Tp95: &v, Name: "a"})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["tp95"] != 95.5 || got["name"] != "a" || len(got) != reflect.TypeFor[perfRow]().NumField() {
		t.Errorf("perfRow JSON = %s", b)
	}
	if !strings.HasPrefix(string(b), `{"averageRespTime":null,`) {
		t.Errorf("keys not in name order: %.60s", b)
	}
}
