package api

import "testing"

// TestParseScalars checks the UnmarshalJSON methods on the tokens a service sends, including
// quoted numbers without a backslash and with one.
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
			var n Number
			err := n.UnmarshalJSON([]byte(tt.tok))
			if n != tt.num || (err != nil) != tt.numErr {
				t.Errorf("Number.UnmarshalJSON = %+v, %v; want %+v, error %v", n, err, tt.num, tt.numErr)
			}
			var i Int
			err = i.UnmarshalJSON([]byte(tt.tok))
			if (err != nil) != tt.intErr || err == nil && i != tt.integer {
				t.Errorf("Int.UnmarshalJSON = %d, %v; want %d, error %v", i, err, tt.integer, tt.intErr)
			}
			var s Text
			err = s.UnmarshalJSON([]byte(tt.tok))
			if (err != nil) != tt.textErr || err == nil && s != tt.text {
				t.Errorf("Text.UnmarshalJSON = %q, %v; want %q, error %v", s, err, tt.text, tt.textErr)
			}
			// The methods are the same functions.
			var un Number
			if err := un.UnmarshalJSON([]byte(tt.tok)); un != tt.num || (err != nil) != tt.numErr {
				t.Errorf("Number.UnmarshalJSON = %+v, %v", un, err)
			}
		})
	}
}
