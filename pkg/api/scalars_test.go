package api

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestNumbersDecodesLikeOneByOne checks the one-pass curve decoder against decoding the same
// array element by element with Number.
func TestNumbersDecodesLikeOneByOne(t *testing.T) {
	t.Parallel()
	tests := []string{
		`[]`, `null`, `[1]`, `[1,2.5,-3e2]`, `[ 1 , null ,"2", "N/A", "" ]`, `[1e999, 0]`,
		`["a,b", 3]`, `["x\"y", 4]`, "[\n1,\n2\n]",
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			var got Numbers
			if err := json.Unmarshal([]byte(in), &got); err != nil {
				t.Fatalf("Numbers: %v", err)
			}
			var want []Number
			if err := json.Unmarshal([]byte(in), &want); err != nil {
				t.Fatalf("[]Number: %v", err)
			}
			if !reflect.DeepEqual([]Number(got), want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("Numbers %v, one by one %v", got, want)
			}
		})
	}
	for _, bad := range []string{`{"a":1}`, `[{"a":1}]`, `[[1,2]]`, `[true]`, `"12"`} {
		var got Numbers
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("%s decoded as %v; want an error", bad, got)
		}
	}
}

func FuzzNumbers(f *testing.F) {
	for _, s := range []string{`[1,2]`, `[null,"3"]`, `["a,b",1]`, `[1,`, `["\"",2]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var got Numbers
		errGot := json.Unmarshal([]byte(in), &got)
		var want []Number
		errWant := json.Unmarshal([]byte(in), &want)
		if errWant == nil && errGot != nil {
			t.Fatalf("%q: one by one decodes, Numbers fails: %v", in, errGot)
		}
		if errWant == nil && errGot == nil && !reflect.DeepEqual([]Number(got), want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("%q: Numbers %v, one by one %v", in, got, want)
		}
	})
}
