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

// TestParseScalars checks the functions behind the UnmarshalJSON methods on the tokens a
// service sends, including quoted numbers read without a copy (no backslash) and with one.
func TestParseScalars(t *testing.T) {
	t.Parallel()
	valid := func(v float64) Number { return NumberOf(v) }
	tests := []struct {
		tok     string
		num     Number
		numErr  bool
		integer Int
		intErr  bool
		text    Text
		textErr bool
	}{
		{tok: `12`, num: valid(12), integer: 12, text: "12"},
		{tok: `-0.5`, num: valid(-0.5), intErr: true, text: "-0.5"},
		{tok: `1.2e1`, num: valid(12), integer: 12, text: "1.2e1"},
		{tok: `1e999`, num: Number{}, intErr: true, text: "1e999"},
		{tok: `null`, num: Number{}, integer: 0, text: ""},
		{tok: `""`, num: Number{}, integer: 0, text: ""},
		{tok: `"12.5"`, num: valid(12.5), intErr: true, text: "12.5"},
		{tok: `"\u0031\u0032.5"`, num: valid(12.5), intErr: true, text: "12.5"},
		{tok: `" 7 "`, num: valid(7), integer: 7, text: " 7 "},
		{tok: "\"\u00a07\"", num: valid(7), integer: 7, text: "\u00a07"},
		{tok: `"N/A"`, num: Number{}, intErr: true, text: "N/A"},
		{tok: `"NaN"`, num: Number{}, intErr: true, text: "NaN"},
		{tok: `"1e999"`, num: Number{}, intErr: true, text: "1e999"},
		{tok: "\"\xff\"", num: Number{}, intErr: true, text: "\xff"},
		{tok: `"a\"b"`, num: Number{}, intErr: true, text: `a"b`},
		{tok: `true`, numErr: true, intErr: true, text: "true"},
		{tok: `{}`, numErr: true, intErr: true, textErr: true},
		{tok: `[1]`, numErr: true, intErr: true, textErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.tok, func(t *testing.T) {
			t.Parallel()
			n, err := ParseNumber([]byte(tt.tok))
			if n != tt.num || (err != nil) != tt.numErr {
				t.Errorf("ParseNumber = %+v, %v; want %+v, error %v", n, err, tt.num, tt.numErr)
			}
			i, err := ParseInt([]byte(tt.tok))
			if (err != nil) != tt.intErr || err == nil && i != tt.integer {
				t.Errorf("ParseInt = %d, %v; want %d, error %v", i, err, tt.integer, tt.intErr)
			}
			s, err := ParseText([]byte(tt.tok))
			if (err != nil) != tt.textErr || err == nil && s != tt.text {
				t.Errorf("ParseText = %q, %v; want %q, error %v", s, err, tt.text, tt.textErr)
			}
			// The methods are the same functions.
			var un Number
			if err := un.UnmarshalJSON([]byte(tt.tok)); un != tt.num || (err != nil) != tt.numErr {
				t.Errorf("Number.UnmarshalJSON = %+v, %v", un, err)
			}
		})
	}
}

func TestRawText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tok  string
		want string
		ok   bool
	}{
		{`"abc"`, "abc", true},
		{`""`, "", true},
		{"\"\xff\"", "\xff", true},
		{`"a\"b"`, "", false},
		{`"`, "", false},
		{`12`, "", false},
		{`null`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.tok, func(t *testing.T) {
			t.Parallel()
			got, ok := RawText([]byte(tt.tok))
			if string(got) != tt.want || ok != tt.ok {
				t.Errorf("RawText = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
