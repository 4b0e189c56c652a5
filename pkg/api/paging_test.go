package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// pagedServer serves ids 1..n under one reading of offset.
type pagedServer struct {
	n, cap    int
	reading   string // "items", "pages" (0 refused), "pages0" (0 read as 1), "pages0empty" (0 empty)
	ignoreOff bool
	total     bool
	calls     []int
}

func (s *pagedServer) fetch(_ context.Context, offset, limit int) ([]int, int, error) {
	s.calls = append(s.calls, offset)
	if s.cap > 0 {
		limit = min(limit, s.cap)
	}
	if s.ignoreOff {
		offset = 0
	}
	start := offset
	switch s.reading {
	case "pages":
		if offset < 1 {
			return nil, 0, &APIError{Status: http.StatusBadRequest, Code: "X.400", Message: "offset must be at least 1"}
		}
		start = (offset - 1) * limit
	case "pages0":
		start = (max(offset, 1) - 1) * limit
	case "pages0empty":
		if offset < 1 {
			return []int{}, 0, nil
		}
		start = (offset - 1) * limit
	}
	var out []int
	for id := start + 1; id <= min(start+limit, s.n); id++ {
		out = append(out, id)
	}
	total := 0
	if s.total {
		total = s.n
	}
	return out, total, nil
}

func TestCollectPagesBothReadings(t *testing.T) {
	t.Parallel()
	for _, reading := range []string{"items", "pages", "pages0", "pages0empty"} {
		for _, n := range []int{0, 1, 2, 3, 7, 10, 31} {
			for _, limit := range []int{1, 2, 3, 10} {
				for _, capped := range []int{0, 2} {
					for _, total := range []bool{false, true} {
						name := fmt.Sprintf("%s/n=%d/limit=%d/cap=%d/total=%v", reading, n, limit, capped, total)
						t.Run(name, func(t *testing.T) {
							t.Parallel()
							s := &pagedServer{n: n, cap: capped, reading: reading, total: total}
							got, err := CollectPages(context.Background(), "list", limit, s.fetch, func(id int) int { return id })
							if err != nil {
								t.Fatal(err)
							}
							want := []int{}
							for id := 1; id <= n; id++ {
								want = append(want, id)
							}
							if !slices.Equal(got, want) {
								t.Errorf("got %v, want %v (offsets sent %v)", got, want, s.calls)
							}
							pageLen := limit
							if capped > 0 {
								pageLen = min(limit, capped)
							}
							if bound := 2*((n+pageLen-1)/pageLen) + 4; len(s.calls) > bound {
								t.Errorf("%d calls, want at most %d (%v)", len(s.calls), bound, s.calls)
							}
						})
					}
				}
			}
		}
	}
}

func TestCollectPagesIgnoredOffset(t *testing.T) {
	t.Parallel()
	for _, reading := range []string{"items", "pages0"} {
		s := &pagedServer{n: 9, reading: reading, ignoreOff: true}
		got, err := CollectPages(context.Background(), "list", 3, s.fetch, func(id int) int { return id })
		if err != nil || !slices.Equal(got, []int{1, 2, 3}) || len(s.calls) > 5 {
			t.Errorf("%s: %v %v after offsets %v", reading, got, err, s.calls)
		}
	}
}

func TestCollectPagesErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	// A failure other than a 400 for offset 0 is the listing's error; a 400 on a page read
	// after offset 0 was accepted is too.
	for name, fetch := range map[string]PageFetch[int]{
		"first read fails": func(context.Context, int, int) ([]int, int, error) { return nil, 0, boom },
		"403 first": func(context.Context, int, int) ([]int, int, error) {
			return nil, 0, &APIError{Status: http.StatusForbidden}
		},
		"400 later": func(_ context.Context, off, _ int) ([]int, int, error) {
			if off == 0 {
				return []int{1}, 0, nil
			}
			return nil, 0, &APIError{Status: http.StatusBadRequest}
		},
	} {
		if _, err := CollectPages(context.Background(), "list", 2, fetch, func(id int) int { return id }); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
