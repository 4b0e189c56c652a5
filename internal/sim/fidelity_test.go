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

// TestOffsetReadings: Options.OffsetPages switches every listing from item offsets (from 0) to
// page numbers (from 1, 0 refused with 400).
func TestOffsetReadings(t *testing.T) {
	t.Parallel()
	ids := func(h *harness, path string) (int, []int) {
		st, _, b := h.do("GET", path, nil)
		var ans struct {
			Projects []struct {
				ID int `json:"id"`
			} `json:"projects"`
		}
		json.Unmarshal(b, &ans)
		var out []int
		for _, p := range ans.Projects {
			out = append(out, p.ID)
		}
		return st, out
	}
	items := newHarness(t, Options{})
	pages := newHarness(t, Options{OffsetPages: true})
	for _, h := range []*harness{items, pages} {
		for range 4 {
			h.s.AddSuite("more")
		}
	}
	first := DemoSuiteID
	for _, tt := range []struct {
		h      *harness
		offset string
		status int
		want   []int
	}{
		{items, "0", 200, []int{first, first + 1}},
		{items, "1", 200, []int{first + 1, first + 2}},
		{items, "4", 200, []int{first + 4}},
		{pages, "0", 400, nil},
		{pages, "1", 200, []int{first, first + 1}},
		{pages, "2", 200, []int{first + 2, first + 3}},
		{pages, "3", 200, []int{first + 4}},
		{pages, "4", 200, nil},
	} {
		st, got := ids(tt.h, "/v1/{pid}/test-suites?limit=2&offset="+tt.offset)
		if st != tt.status || !slices.Equal(got, tt.want) {
			t.Errorf("pages=%v offset=%s: %d %v, want %d %v", tt.h == pages, tt.offset, st, got, tt.status, tt.want)
		}
	}
	// TestPlan listings follow the same switch.
	p := "/v2/projects/" + DemoCodeArtsProjectID + "/plans?limit=1&offset="
	if st, _, b := pages.do("GET", p+"0", nil); st != http.StatusBadRequest {
		t.Errorf("plans, page 0: %d %s", st, b)
	}
	_, _, one := pages.do("GET", p+"1", nil)
	_, _, two := pages.do("GET", p+"2", nil)
	_, _, itemOne := items.do("GET", p+"1", nil)
	if string(one) == string(two) || string(two) != string(itemOne) {
		t.Errorf("plans pages: %s / %s; items offset 1: %s", one, two, itemOne)
	}
}
