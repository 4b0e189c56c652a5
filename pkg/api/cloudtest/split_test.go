package cloudtest

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// TestSplitBatches: whatever the service's real limit (the documents say both "fewer than 50"
// and "more than 50 refused"), every item ends up in exactly one accepted batch, in order.
func TestSplitBatches(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{50, 49, 20, 1} {
		for _, n := range []int{0, 1, 49, 50, 51, 120} {
			t.Run(fmt.Sprintf("limit %d, %d items", limit, n), func(t *testing.T) {
				t.Parallel()
				items := make([]int, n)
				for i := range items {
					items[i] = i
				}
				var accepted []int
				calls := 0
				err := SplitBatches(items, func(batch []int) error {
					calls++
					if len(batch) == 0 || len(batch) > MaxBatch {
						t.Fatalf("batch of %d", len(batch))
					}
					if len(batch) > limit {
						return &api.APIError{Status: http.StatusBadRequest, Code: CodeCaseListInvalid, Message: "测试用例ID列表校验失败"}
					}
					accepted = append(accepted, batch...)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(accepted, items) {
					t.Errorf("accepted %v", accepted)
				}
				// 49 costs one refused call; a limit far below costs a few.
				if limit == 49 && n > 49 && calls != (n+48)/49+1 {
					t.Errorf("%d calls", calls)
				}
				if limit == 50 && calls != (n+49)/50 {
					t.Errorf("%d calls", calls)
				}
			})
		}
	}
}

func TestSplitBatchesErrors(t *testing.T) {
	t.Parallel()
	tooLarge := &api.APIError{Status: http.StatusBadRequest, Code: CodeCaseListInvalid}
	// A single item refused as too large cannot be split: the error is returned.
	if err := SplitBatches([]int{1, 2, 3}, func([]int) error { return tooLarge }); !errors.Is(err, tooLarge) {
		t.Errorf("err %v", err)
	}
	// Other errors end the call at once.
	boom := &api.APIError{Status: http.StatusBadRequest, Code: "CLOUDTEST.00017001"}
	calls := 0
	if err := SplitBatches(make([]int, 60), func([]int) error { calls++; return boom }); !errors.Is(err, boom) || calls != 1 {
		t.Errorf("err %v after %d calls", err, calls)
	}
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{tooLarge, true},
		{&api.APIError{Status: http.StatusBadRequest, Code: CodeTooManyExecutions}, true},
		{&api.APIError{Status: http.StatusBadRequest, Code: CodeTooManyResults}, true},
		{&api.APIError{Status: http.StatusInternalServerError, Code: CodeCaseListInvalid}, false},
		{boom, false},
		{errors.New("x"), false},
	} {
		if got := TooLarge(tt.err); got != tt.want {
			t.Errorf("TooLarge(%v) = %v", tt.err, got)
		}
	}
}
