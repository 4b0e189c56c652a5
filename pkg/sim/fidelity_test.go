package sim

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

// TestDirectoryShape: ListProjectTestCase answers the seed's example shape (4.7.1): code,
// message and directory[] entries with exactly the documented ProjectDirectory fields; the
// suite's cases hang under a directory.
func TestDirectoryShape(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	st, _, b := h.do("GET", "/v1/{pid}/test-suites/17543/directory", nil)
	if st != http.StatusOK {
		t.Fatalf("%d %s", st, b)
	}
	var ans struct {
		Code      string           `json:"code"`
		Message   string           `json:"message"`
		Directory []map[string]any `json:"directory"`
	}
	if err := json.Unmarshal(b, &ans); err != nil {
		t.Fatal(err)
	}
	want := []string{"create_time", "id", "name", "parent_id", "status", "type", "update_time"}
	dirs := map[float64]bool{}
	var cases []float64
	for _, e := range ans.Directory {
		var keys []string
		for k := range e {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, want) {
			t.Errorf("entry fields %v, want %v", keys, want)
		}
		switch e["type"] {
		case 1.0:
			dirs[e["id"].(float64)] = true
		case 2.0:
			cases = append(cases, e["id"].(float64))
			if !dirs[e["parent_id"].(float64)] {
				t.Errorf("case %v hangs under no listed directory", e)
			}
		}
	}
	if ans.Code == "" || ans.Message != "success" || len(dirs) == 0 ||
		!slices.Contains(cases, float64(DemoCaseCheckout)) || !slices.Contains(cases, float64(DemoCaseBrowse)) {
		t.Errorf("answer %s", b)
	}
	if st, _, _ := h.do("GET", "/v1/{pid}/test-suites/1/directory", nil); st/100 != 4 {
		t.Errorf("unknown suite: %d", st)
	}
}
