package cpts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// stdAnswer has the fields of reportAnswer but no DecodeJSON: json.Unmarshal decodes it by
// reflection, through the UnmarshalJSON methods of the scalars. It is the reference.
type stdAnswer struct {
	Result *Report `json:"result"`
}

// decodeBoth decodes data with DecodeJSON into raw and with json.Unmarshal into std.
func decodeBoth(data []byte, raw *reportAnswer, std *stdAnswer) (rawErr, stdErr error) {
	return raw.DecodeJSON(data), json.Unmarshal(data, std)
}

// sameAsUnmarshal fails t when DecodeJSON and json.Unmarshal disagree on data: one fails and
// not the other, or both succeed with results that are not deeply equal. The targets start
// empty, then (when prefill is not nil) holding the report decoded from prefill, so that
// decoding into values already set (repeated keys, a second answer) is compared too.
func sameAsUnmarshal(t testing.TB, data, prefill []byte) {
	t.Helper()
	compare := func(what string, raw *reportAnswer, std *stdAnswer) {
		t.Helper()
		rawErr, stdErr := decodeBoth(data, raw, std)
		if errors.Is(rawErr, api.ErrShape) && len(data) > 1<<20 {
			return // refused before json.Unmarshal by the client too
		}
		switch {
		case (rawErr == nil) != (stdErr == nil):
			t.Fatalf("%s: DecodeJSON error %v, json.Unmarshal error %v\nbody %.300q", what, rawErr, stdErr, data)
		case rawErr == nil && !reflect.DeepEqual(raw.Result, std.Result):
			t.Fatalf("%s: results differ at %s\nbody %.300q", what, firstDiff("result", reflect.ValueOf(raw.Result), reflect.ValueOf(std.Result)), data)
		}
	}
	compare("into an empty answer", &reportAnswer{}, &stdAnswer{})
	if prefill == nil {
		return
	}
	var raw reportAnswer
	var std stdAnswer
	if err := json.Unmarshal(prefill, &raw); err != nil || raw.Result == nil {
		t.Fatalf("prefill does not decode: %v", err)
	}
	if err := json.Unmarshal(prefill, &std); err != nil {
		t.Fatal(err)
	}
	compare("into a decoded answer", &raw, &std)
}

// firstDiff describes where a (DecodeJSON's) and b (json.Unmarshal's) first differ.
func firstDiff(path string, a, b reflect.Value) string {
	if a.Kind() == reflect.Pointer || a.Kind() == reflect.Slice || a.Kind() == reflect.Map {
		if a.IsNil() != b.IsNil() {
			return fmt.Sprintf("%s: nil %v, json.Unmarshal nil %v", path, a.IsNil(), b.IsNil())
		}
	}
	switch a.Kind() {
	case reflect.Pointer:
		if !a.IsNil() {
			return firstDiff(path, a.Elem(), b.Elem())
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if d := firstDiff(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i)); d != "" {
				return d
			}
		}
	case reflect.Slice:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: length %d, json.Unmarshal %d", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := firstDiff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); d != "" {
				return d
			}
		}
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d keys, json.Unmarshal %d", path, a.Len(), b.Len())
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				return fmt.Sprintf("%s: key %q only in DecodeJSON's", path, k)
			}
			if d := firstDiff(fmt.Sprintf("%s[%q]", path, k), a.MapIndex(k), bv); d != "" {
				return d
			}
		}
	case reflect.Float64:
		if a.Float() != b.Float() {
			return fmt.Sprintf("%s: %v, json.Unmarshal %v", path, a.Float(), b.Float())
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			return fmt.Sprintf("%s: %v, json.Unmarshal %v", path, a.Bool(), b.Bool())
		}
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Sprintf("%s: %q, json.Unmarshal %q", path, a.String(), b.String())
		}
	case reflect.Int64:
		if a.Int() != b.Int() {
			return fmt.Sprintf("%s: %d, json.Unmarshal %d", path, a.Int(), b.Int())
		}
	}
	return ""
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edgeCases are bodies that probe the rules encoding/json and the tolerant scalars follow.
var edgeCases = []string{
	// Empty and null answers.
	`{}`, `null`, " \t\r\n{\"result\" : null}\n", `{"result":{}}`, `{"result":{"outline":null,"details":null,"brokens":null,"taskInfo":null}}`,
	`{"result":{"respTimeRange":null,"details":{"data":null}}}`, `{"result":null,"result":{}}`, `{"result":{},"result":null}`,
	// Numeric strings and junk the tolerant scalars accept or refuse.
	`{"result":{"outline":{"tps":"12.5","duration":" 60 ","maxUsers":"1e3","stage":"","passNum":"--","totalNum":"N/A"}}}`,
	`{"result":{"outline":{"tps":"NaN","duration":"Inf","maxUsers":"-Infinity","stage":"0x10","passNum":"1_000","totalNum":" "}}}`,
	`{"result":{"outline":{"tps":1e999,"duration":-1e999,"maxUsers":1e-400,"stage":-0,"passNum":-0.0,"totalNum":0.1}}}`,
	`{"result":{"outline":{"tps":123456789012345678901234567890,"duration":9007199254740993,"maxUsers":4.35e-18,"stage":1.7976931348623157e308}}}`,
	`{"result":{"outline":{"tps":"\u0031\u0032","duration":"1\n"}}}`,
	`{"result":{"outline":{"tps":true}}}`, `{"result":{"outline":{"tps":false}}}`, `{"result":{"outline":{"tps":{}}}}`,
	`{"result":{"outline":{"tps":[1]}}}`, `{"result":{"outline":{"tps":{"a":[1,2]}}}}`,
	// Integers.
	`{"result":{"details":{"pageIndex":"12","pageSize":12.0,"total":1.2e1}}}`,
	`{"result":{"details":{"pageIndex":null,"pageSize":"","total":" 7 "}}}`,
	`{"result":{"details":{"total":12.5}}}`, `{"result":{"details":{"total":"abc"}}}`, `{"result":{"details":{"total":1e30}}}`,
	`{"result":{"details":{"total":true}}}`, `{"result":{"details":{"total":[]}}}`, `{"result":{"details":{"total":"1e3"}}}`,
	`{"result":{"details":{"pageIndex":9223372036854775807,"pageSize":-9223372036854775808,"total":9223372036854775808}}}`,
	// Texts.
	`{"result":{"respTimeRange":{"0~50ms":"100.0%(2472)","n":12.50,"b":true,"z":null,"e":"","u":"\u00e9\ud83d\ude00"}}}`,
	`{"result":{"respTimeRange":{"a":{}}}}`, `{"result":{"respTimeRange":{"a":[]}}}`, `{"result":{"respTimeRange":[]}}`,
	`{"result":{"respTimeRange":"x"}}`, "{\"result\":{\"respTimeRange\":{\"k\\u00e9\\/\":\"\xff\xfe raw\",\"\xffkey\":\"v\"}}}",
	`{"result":{"respTimeRange":{"a":"1"},"respTimeRange":{"b":"2"}}}`, `{"result":{"respTimeRange":{"a":"1"},"respTimeRange":{}}}`,
	`{"result":{"respTimeRange":{"a":"1"},"respTimeRange":null,"respTimeRange":{"c":"3"}}}`,
	`{"result":{"brokens":{"commonTimestamps":["1",2,true,null,"\u0033",""]}}}`, `{"result":{"brokens":{"commonTimestamps":[]}}}`,
	`{"result":{"brokens":{"commonTimestamps":null}}}`, `{"result":{"brokens":{"commonTimestamps":[{}]}}}`,
	`{"result":{"brokens":{"commonTimestamps":"1,2"}}}`, `{"result":{"brokens":{"commonTimestamps":{}}}}`,
	// Strings: escapes, surrogates, invalid UTF-8, null, wrong kinds.
	`{"result":{"outline":{"stageName":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00\u0000"}}}`,
	`{"result":{"outline":{"stageName":"\ud800","branchName":"\udc00x","createBy":"\ud83d\u0041"}}}`,
	"{\"result\":{\"outline\":{\"stageName\":\"\xff\",\"branchName\":\"a\xc3\",\"createBy\":\"\xed\xa0\x80\",\"projectId\":\"é€😀\"}}}",
	`{"result":{"outline":{"stageName":"x","stageName":null}}}`, `{"result":{"outline":{"stageName":5}}}`,
	`{"result":{"outline":{"stageName":true}}}`, `{"result":{"outline":{"stageName":[]}}}`, `{"result":{"outline":{"stageName":{}}}}`,
	`{"result":{"details":{"data":[{"performance":{"isAW":true,"isAW":null}}]}}}`,
	`{"result":{"details":{"data":[{"performance":{"isAW":"true"}}]}}}`, `{"result":{"details":{"data":[{"performance":{"isAW":1}}]}}}`,
	`{"result":{"details":{"data":[{"performance":{"isAW":false,"name":"\u006e"}}]}}}`,
	// Unknown keys holding deep structures, and unknown keys everywhere.
	`{"code":"SVCSTG.CPTS.0000000","extend":{"a":[1,{"b":[[[]],{}]},"c"],"d":{"e":{"f":null}}},"result":{"x":[true,false,null,-0.5e-3,"\u1234"],"outline":{"y":{"z":[]},"tps":1}}}`,
	`{"result":{"details":{"data":[{"x":[{"y":1}],"performance":{"q":{"r":[1,2,{"s":"t"}]},"tp99":24}}],"more":{"a":1}}}}`,
	`{"result":{"brokens":{"other_brokens":{"a":[1,2,3]},"tps_brokens":{"tps":[1],"max":[2]},"x":null}}}`,
	`{"a":` + strings.Repeat(`[`, 200) + strings.Repeat(`]`, 200) + `,"result":{}}`,
	`{"a":` + strings.Repeat(`{"b":`, 100) + `1` + strings.Repeat(`}`, 100) + `}`,
	`{"a":` + strings.Repeat(`[`, 9999) + strings.Repeat(`]`, 9999) + `}`,
	`{"a":` + strings.Repeat(`[`, 10000) + strings.Repeat(`]`, 10000) + `}`,
	// Repeated keys: the last wins; structs and rows are decoded into in place.
	`{"result":{"outline":{"tps":1}},"result":{"details":{"total":3}}}`,
	`{"result":{"outline":{"tps":1,"tps":null,"duration":2,"duration":"3"}}}`,
	`{"result":{"details":{"data":[{"performance":{"name":"a","tps":1}},{"performance":{"name":"b"}}],"data":[{"performance":{"tps":2}}],"data":[{},{},{}]}}}`,
	`{"result":{"details":{"data":[{"detailDatas":[{"name":"a"},{"name":"b"},{"name":"c"}]}],"data":[{"detailDatas":[]}],"data":[{"detailDatas":[{},{}]}]}}}`,
	`{"result":{"details":{"data":[{}],"data":[]}}}`, `{"result":{"details":{"data":[{}],"data":null}}}`,
	`{"result":{"brokens":{"tps_brokens":{"tps":[1,2]},"tps_brokens":{"average":[3]},"tps_brokens":{"tps":null}}}}`,
	// Keys in other case, as encoding/json folds them.
	`{"RESULT":{"Outline":{"TPS":5,"tPs":6,"DURATION":"7"},"DETAILS":{"Data":[{"Performance":{"TP99":1,"Tp99":2,"NAME":"n","isaw":true}}]}}}`,
	`{"Result":{"outline":{"tps":1,"TPS":2}}}`, `{"result":{"outline":{"TPS":2,"tps":1}}}`,
	`{"result":{"outline":{"\u212apiCaseCount":1,"taſkStatus":2,"ſtage":3}}}`,
	"{\"result\":{\"details\":{\"data\":[{\"performance\":{\"transactionalTpssuccess\":1,\"TRANSACTIONALTPSSSUCCESS\":2,\"transactionaltpsuccess\":3}}]}}}",
	`{"result":{"Brokens":{"TPS_BROKENS":{"Tps":[1]},"commontimestamps":["1"]},"RespTimeRange":{"A":"1"},"TASKINFO":{"VUM":2}}}`,
	`{"res\u0075lt":{"out\u006cine":{"t\u0070s":1}}}`, "{\"result\":{\"outline\":{\"tps\xff\":1}}}",
	// Curves: mixed points, white space, junk.
	`{"result":{"brokens":{"tps_brokens":{"tps":[1, null,"2","N/A","", 1e999, -0, 0.1, 123456789012345678901234567890, 1e-400, "  3 ","-"]}}}}`,
	`{"result":{"brokens":{"tps_brokens":{"tps":[ ] ,"average": [ 1 , 2 ] }}}}`, `{"result":{"brokens":{"tps_brokens":{"tps":null}}}}`,
	`{"result":{"brokens":{"tps_brokens":{"tps":[true]}}}}`, `{"result":{"brokens":{"tps_brokens":{"tps":[[1]]}}}}`,
	`{"result":{"brokens":{"tps_brokens":{"tps":[{}]}}}}`, `{"result":{"brokens":{"tps_brokens":{"tps":"1,2"}}}}`,
	`{"result":{"brokens":{"tps_brokens":{"tps":5}}}}`, `{"result":{"brokens":{"tps_brokens":{"tps":{}}}}}`,
	`{"result":{"brokens":{"tps_brokens":{"tps":["a,b","x\"y","\u0031"]}}}}`,
	// Syntax errors.
	``, ` `, `{`, `{"result":}`, `{"result":{"outline":{"tps":1,}}}`, `{"result":{"outline":{"tps":1}}} x`, `{"result":{}}}`,
	`{"a":tru}`, `{"a":nul}`, `{"a":falsy}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":.5}`, `{"a":+1}`, `{"a":1e}`, `{"a":1e+}`,
	`{"a":"\x"}`, "{\"a\":\"\x01\"}", `{"a":"\u12"}`, `{"a":"\u12G4"}`, `{"a" 1}`, `{1:2}`, `{"a":1 "b":2}`, `{"a":[1 2]}`,
	`{"result":{"details":{"data":[1,]}}}`, `{"result":{"details":{"data":[{},]}}}`, `{"result":{"brokens":{"tps_brokens":{"tps":[1,]}}}}`,
	`{"result":{"brokens":{"tps_brokens":{"tps":[,1]}}}}`, `{"result":{"outline":{"stageName":"abc}}}`, `{"result":{"outline":{"tps":1`,
	`{"result":{"brokens":{"tps_brokens":{"tps":[1,2`, `{"a":[}`, `{"a":{]}`, `{,}`, `{"a":1,,"b":2}`, "\x00", `{"result":{}}` + "\x00",
	`{"result":{"outline":{"tps":1e5x}}}`, `{"result":{"outline":{"tps":-01}}}`, `{"result":{"outline":{"tps":1.5.5}}}`,
	// Type errors.
	`{"result":5}`, `{"result":"x"}`, `{"result":[]}`, `{"result":true}`, `[]`, `"x"`, `1`, `true`,
	`{"result":{"outline":[]}}`, `{"result":{"details":{"data":{}}}}`, `{"result":{"details":{"data":[1]}}}`,
	`{"result":{"details":{"data":[{"detailDatas":{}}]}}}`, `{"result":{"details":{"data":[{"detailDatas":["x"]}]}}}`,
	`{"result":{"details":{"data":[{"performance":5}]}}}`, `{"result":{"brokens":[]}}`, `{"result":{"taskInfo":"1"}}`,
	`{"result":{"taskInfo":{"vum":{}}}}`, `{"result":{"brokens":{"vusers_brokens":[]}}}`,
}

func TestDecodeJSONMatchesUnmarshal(t *testing.T) {
	t.Parallel()
	report := readTestdata(t, "show_report.json")
	type tc struct {
		name string
		body []byte
	}
	tests := []tc{{"show_report.json", report}}
	for i, e := range edgeCases {
		tests = append(tests, tc{fmt.Sprintf("edge %d %.40s", i, e), []byte(e)})
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files { // the other answers: a report answer without result, or a type error
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, tc{filepath.Base(name), b})
	}
	tests = append(tests,
		tc{"generated report", genReport(t, 500, 10000)},
		tc{"generated report, small", genReport(t, 3, 20)},
		tc{"generated report, indented", indent(t, genReport(t, 5, 50))},
		tc{"bigReport", bigReport(20, 300)},
		tc{"every field", everyField(t)},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sameAsUnmarshal(t, tt.body, report)
		})
	}
}

// TestDecodeJSONReadsTheFiles checks that the comparison compares something: the reports
// decode to the figures they hold.
func TestDecodeJSONReadsTheFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  []byte
		check func(r *Report) []bool // every check true
	}{
		{"show_report.json", readTestdata(t, "show_report.json"), func(r *Report) []bool {
			p := r.Details.Data[0].Performance
			return []bool{p.Name == "ccc", r.Details.Data[0].Requests[0].TransactionalTpsSuccess == api.NumberOf(0),
				r.RespTimeRange["50~200ms"] == "0.0%(5)", r.Outline.AvgResponseTime == api.NumberOf(12.518563357546409),
				r.Details.PageSize == 5, p.TransactionalTpSuccess == api.NumberOf(0)}
		}},
		{"generated", genReport(t, 500, 10000), func(r *Report) []bool {
			c := r.Brokens
			return []bool{len(r.Details.Data[0].Requests) == 500, r.Details.Data[0].Requests[499].Name == "req-499",
				len(c.Timestamps) == 10000, len(c.TPS.TPS) == 10000, len(c.Bandwidth.SentBytes) == 10000,
				c.TPS.TPS[3] == api.NumberOf(3.25), !c.TPS.TPS[999].Valid, c.TPS.TPS[77] == api.NumberOf(77.25),
				c.Timestamps[1] == "1663327097000"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var a reportAnswer
			if err := a.DecodeJSON(tt.body); err != nil {
				t.Fatal(err)
			}
			if a.Result == nil {
				t.Fatal("no result")
			}
			for i, ok := range tt.check(a.Result) {
				if !ok {
					t.Errorf("check %d fails", i)
				}
			}
		})
	}
}

// everyField is a report answer that sets every field of every struct of a Report to a value of
// its own, derived by reflection: a field the decoder does not know stays zero and differs.
func everyField(t testing.TB) []byte {
	t.Helper()
	n := 0
	var value func(rt reflect.Type) any
	object := func(rt reflect.Type) map[string]any {
		m := map[string]any{}
		var walk func(rt reflect.Type)
		walk = func(rt reflect.Type) {
			for i := range rt.NumField() {
				f := rt.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if f.Anonymous {
					walk(f.Type)
					continue
				}
				m[name] = value(f.Type)
			}
		}
		walk(rt)
		return m
	}
	value = func(rt reflect.Type) any {
		n++
		switch {
		case rt == reflect.TypeFor[api.Number]():
			return float64(n) + 0.25
		case rt == reflect.TypeFor[api.Int]():
			return n
		case rt == reflect.TypeFor[api.Text]():
			return strconv.Itoa(n)
		case rt == reflect.TypeFor[api.Numbers]():
			return []any{n, "1.5", nil}
		}
		switch rt.Kind() {
		case reflect.String:
			return "s" + strconv.Itoa(n)
		case reflect.Bool:
			return true
		case reflect.Struct:
			return object(rt)
		case reflect.Pointer:
			return value(rt.Elem())
		case reflect.Slice:
			return []any{value(rt.Elem()), value(rt.Elem())}
		case reflect.Map:
			return map[string]any{"k" + strconv.Itoa(n): value(rt.Elem())}
		}
		t.Fatalf("no value for %v", rt)
		return nil
	}
	b, err := json.Marshal(map[string]any{"result": value(reflect.TypeFor[Report]())})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func indent(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, " \t", "\r\n  "); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// genReport builds a ShowReport answer from show_report.json: its request row repeated rows
// times with figures of their own, and curves of points points (every 1000th null, every
// 100th a numeric string) with their timestamps.
func genReport(t testing.TB, rows, points int) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(readTestdata(t, "show_report.json"), &doc); err != nil {
		t.Fatal(err)
	}
	result := doc["result"].(map[string]any)
	row0 := result["details"].(map[string]any)["data"].([]any)[0].(map[string]any)
	// A request row has the fields of the case's figures (the example's own request row is
	// cut short by a page break) and those of the example's request row.
	tmpl := map[string]any{}
	for _, part := range []any{row0["performance"], row0["detailDatas"].([]any)[0]} {
		for k, v := range part.(map[string]any) {
			tmpl[k] = v
		}
	}
	reqs := make([]any, rows)
	for i := range reqs {
		r := make(map[string]any, len(tmpl))
		for k, v := range tmpl {
			r[k] = v
		}
		r["name"] = fmt.Sprintf("req-%d", i)
		r["averageRespTime"] = float64(i) + 0.5
		r["tp99"] = float64(i%97) * 1.1
		r["tps"] = 41.3 + float64(i)/7
		r["successRate"] = 99.95 - float64(i%13)/100
		r["requests"] = 2478 + i
		reqs[i] = r
	}
	row0["detailDatas"] = reqs
	curve := func(scale float64) []any {
		s := make([]any, points)
		for i := range s {
			switch {
			case i%1000 == 999:
				s[i] = nil
			case i%100 == 77:
				s[i] = strconv.FormatFloat(float64(i)*scale+0.25, 'f', -1, 64)
			default:
				s[i] = float64(i)*scale + 0.25
			}
		}
		return s
	}
	ts := make([]any, points)
	for i := range ts {
		ts[i] = strconv.FormatInt(1663327096000+int64(i)*1000, 10)
	}
	result["brokens"] = map[string]any{
		"commonTimestamps": ts,
		"tps_brokens":      map[string]any{"tps": curve(1), "average": curve(1.0001)},
		"vusers_brokens":   map[string]any{"vusers": curve(0)},
		"respcode_brokens": map[string]any{"success": curve(3), "error": curve(0.01), "checkPointFailed": curve(0),
			"othersFailed": curve(0), "parsedFailed": curve(0), "refusedFailed": curve(0), "timeout": curve(0.5)},
		"brand_brokens": map[string]any{"recBytes": curve(10472.426150121066), "sentBytes": curve(53)},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeShapeLimits(t *testing.T) {
	t.Parallel()
	pad := `"pad":"` + strings.Repeat("x", 1<<20) + `",`
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		name      string
		body      string
		wantShape string // "" when it decodes
	}{
		{"big body, depth 64", `{` + pad + `"x":` + nest(63) + `}`, ""},
		{"big body, depth 65", `{` + pad + `"x":` + nest(64) + `}`, "nested deeper than 64 levels"},
		{"big body, depth 65 in the report", `{` + pad + `"result":{"details":{"data":[{"performance":{"x":` + nest(60) + `}}]}}}`,
			"nested deeper than 64 levels"},
		{"big body, 200000 objects", `{` + pad + `"x":[` + strings.Repeat(`{},`, 199_998) + `{}]}`, ""},
		{"big body, 200001 objects", `{` + pad + `"x":[` + strings.Repeat(`{},`, 199_999) + `{}]}`, "more than 200000 objects"},
		{"big body, 200001 rows", `{` + pad + `"result":{"details":{"data":[{"detailDatas":[` + strings.Repeat(`{},`, 199_996) + `{}]}]}}}`,
			"more than 200000 objects"},
		{"big body, too many points", `{"result":{"brokens":{"tps_brokens":{"tps":[` + strings.Repeat(`1,`, 20_000_001) + `1]}}}}`,
			"more than 20000000 values"},
		{"small body, depth 65: no shape limits, as json.Unmarshal", `{"x":` + nest(64) + `}`, ""},
		{"small body, depth 10001: encoding/json's limit", `{"x":` + nest(10000) + `}`, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var a reportAnswer
			err := a.DecodeJSON([]byte(tt.body))
			switch tt.wantShape {
			case "":
				if err != nil {
					t.Fatalf("err = %v", err)
				}
			case "-":
				if err == nil || errors.Is(err, api.ErrShape) {
					t.Fatalf("err = %v, want a decode error that is not ErrShape", err)
				}
				if json.Unmarshal([]byte(tt.body), new(stdAnswer)) == nil {
					t.Fatal("json.Unmarshal accepts it")
				}
			default:
				if !errors.Is(err, api.ErrShape) || !strings.Contains(err.Error(), tt.wantShape) {
					t.Fatalf("err = %v, want ErrShape %q", err, tt.wantShape)
				}
			}
		})
	}
}

// TestScanNumberIsParseFloat checks the fast path against strconv.ParseFloat, bit for bit, on
// decimals it takes and on ones it leaves to ParseFloat.
func TestScanNumberIsParseFloat(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := []string{"0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.3", "1.5e3", "1E-3", "2.5e+22", "1e22", "1e23", "1e-22", "1e-23",
		"9007199254740991", "9007199254740992", "9007199254740993", "1234567890123456789", "12345678901234567890",
		"0.000000000000000000001", "123.456e-5", "4.35e-18", "1.7976931348623157e308", "5e-324", "0e999", "1e0", "00", "01", "1.", "-", "1e"}
	for range 200_000 {
		mant := rng.Uint64N(1 << uint(rng.IntN(64)))
		s := strconv.FormatUint(mant, 10)
		if p := rng.IntN(len(s) + 3); p > 0 && p < len(s) {
			s = s[:p] + "." + s[p:]
		}
		if rng.IntN(3) == 0 {
			s += "e" + strconv.Itoa(rng.IntN(60)-30)
		}
		if rng.IntN(2) == 0 {
			s = "-" + s
		}
		inputs = append(inputs, s)
	}
	taken := 0
	for _, s := range inputs {
		f, end, exact, valid := scanNumber([]byte(s+","), 0)
		if !exact {
			continue
		}
		if !valid {
			t.Fatalf("%s: exact but not valid", s)
		}
		taken++
		tok := s[:end] // "01" is the number 0 followed by 1
		want, err := strconv.ParseFloat(tok, 64)
		if err != nil || math.Float64bits(f) != math.Float64bits(want) {
			t.Fatalf("%s: fast %v (%x), ParseFloat %v (%x), %v", tok, f, math.Float64bits(f), want, math.Float64bits(want), err)
		}
	}
	if taken < len(inputs)/3 {
		t.Errorf("fast path took %d of %d inputs", taken, len(inputs))
	}
}

func TestDownsample(t *testing.T) {
	t.Parallel()
	num := api.NumberOf
	null := api.Number{}
	seq := func(n int) api.Numbers {
		s := make(api.Numbers, n)
		for i := range s {
			s[i] = num(float64(i))
		}
		return s
	}
	texts := func(n int) []api.Text {
		s := make([]api.Text, n)
		for i := range s {
			s[i] = api.Text(strconv.Itoa(i))
		}
		return s
	}
	tests := []struct {
		name string
		in   Curves
		n    int
		want Curves
	}{
		{"shorter than n: unchanged", Curves{Timestamps: texts(3), TPS: TPSCurves{TPS: seq(3)}}, 5,
			Curves{Timestamps: texts(3), TPS: TPSCurves{TPS: seq(3)}}},
		{"n of 0: unchanged", Curves{Timestamps: texts(3), TPS: TPSCurves{TPS: seq(3)}}, 0,
			Curves{Timestamps: texts(3), TPS: TPSCurves{TPS: seq(3)}}},
		{"even buckets", Curves{Timestamps: texts(6), TPS: TPSCurves{TPS: seq(6), Average: api.Numbers{num(1), null, null, null, num(2), num(4)}}}, 3,
			Curves{Timestamps: []api.Text{"0", "2", "4"}, TPS: TPSCurves{TPS: api.Numbers{num(0.5), num(2.5), num(4.5)},
				Average: api.Numbers{num(1), null, num(3)}}}},
		{"uneven buckets", Curves{Timestamps: texts(7), VUsers: VUsersCurves{VUsers: seq(7)}}, 3,
			Curves{Timestamps: []api.Text{"0", "2", "4"}, VUsers: VUsersCurves{VUsers: api.Numbers{num(0.5), num(2.5), num(5)}}}},
		{"one bucket", Curves{Timestamps: texts(4), Bandwidth: BandwidthCurves{RecBytes: seq(4)}}, 1,
			Curves{Timestamps: []api.Text{"0"}, Bandwidth: BandwidthCurves{RecBytes: api.Numbers{num(1.5)}}}},
		{"shorter series keep the buckets that start in them", Curves{Timestamps: texts(8),
			RespCode: RespCodeCurves{Success: seq(8), Error: seq(3), Timeout: api.Numbers{}}}, 4,
			Curves{Timestamps: []api.Text{"0", "2", "4", "6"}, RespCode: RespCodeCurves{Success: api.Numbers{num(0.5), num(2.5), num(4.5), num(6.5)},
				Error: api.Numbers{num(0.5), num(2)}, Timeout: api.Numbers{}}}},
		{"a series longer than the timestamps sets the buckets", Curves{Timestamps: texts(2), TPS: TPSCurves{TPS: seq(6)}}, 3,
			Curves{Timestamps: []api.Text{"0"}, TPS: TPSCurves{TPS: api.Numbers{num(0.5), num(2.5), num(4.5)}}}},
		{"huge figures do not overflow", Curves{TPS: TPSCurves{TPS: api.Numbers{num(math.MaxFloat64), num(math.MaxFloat64), num(1)}}}, 1,
			Curves{TPS: TPSCurves{TPS: api.Numbers{num(math.MaxFloat64/3*2 + 1.0/3)}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.in.Downsample(tt.n)
			if !reflect.DeepEqual(tt.in, tt.want) {
				t.Errorf("got  %+v\nwant %+v", tt.in, tt.want)
			}
		})
	}
}

// TestDownsampleGenerated downsamples a decoded 10,000-point report to 300 points.
func TestDownsampleGenerated(t *testing.T) {
	t.Parallel()
	var a reportAnswer
	if err := a.DecodeJSON(genReport(t, 1, 10000)); err != nil {
		t.Fatal(err)
	}
	c := a.Result.Brokens
	c.Downsample(300)
	for i, s := range c.series() {
		if len(*s) != 300 {
			t.Errorf("series %d: %d points", i, len(*s))
		}
	}
	// Bucket 1 holds points 33..65 (10000*1/300 = 33, 10000*2/300 = 66): their mean is 49.25.
	if len(c.Timestamps) != 300 || c.Timestamps[1] != "1663327129000" || c.TPS.TPS[1] != api.NumberOf(49.25) {
		t.Errorf("timestamps %d, [1] %s, tps[1] %+v", len(c.Timestamps), c.Timestamps[1], c.TPS.TPS[1])
	}
}

func TestDecodeJSONErrorLeavesAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, wantErr string
	}{
		{"garbled", `{"result":{"outline":{"tps":1}},"x":tru}`, "x (offset 39): invalid character '}' in literal true"},
		{"type error names the member", `{"result":{"details":{"data":[{"performance":{"tp99":{}}}]}}}`,
			"result.details.data[0].performance.tp99 (offset 53): cannot decode {} as a number"},
		{"curve point", `{"result":{"brokens":{"tps_brokens":{"tps":[1,2,true]}}}}`, "result.brokens.tps_brokens.tps[2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var a reportAnswer
			err := a.DecodeJSON([]byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "decode report: ") {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if a.Result != nil {
				t.Errorf("a failed decode left %+v", a.Result)
			}
		})
	}
}

// FuzzDecodeReport compares DecodeJSON with json.Unmarshal on arbitrary bodies, into empty
// answers and into answers that already hold a report.
func FuzzDecodeReport(f *testing.F) {
	report := readTestdata(f, "show_report.json")
	f.Add(report)
	f.Add(genReport(f, 2, 30))
	for _, e := range edgeCases {
		if len(e) < 2000 {
			f.Add([]byte(e))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sameAsUnmarshal(t, body, report)
	})
}

// BenchmarkDecodeReport decodes the generated 500-row, 10,000-point report (and the leaner
// bigReport of report_test.go) with DecodeJSON and with json.Unmarshal.
func BenchmarkDecodeReport(b *testing.B) {
	bodies := []struct {
		name string
		body []byte
	}{
		{"generated", genReport(b, 500, 10000)},
		{"bigReport", bigReport(500, 10000)},
	}
	for _, bb := range bodies {
		body := bb.body
		b.Run(bb.name+"/DecodeJSON", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var a reportAnswer
				if err := a.DecodeJSON(body); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bb.name+"/json.Unmarshal", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var a stdAnswer
				if err := json.Unmarshal(body, &a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// reportGen writes random report answers shaped by the Go types of Report: mostly values of
// the right kind, with the scalars' odd forms, keys in other cases or escaped, repeated and
// unknown keys, white space, and now and then a value of the wrong kind.
type reportGen struct {
	r *rand.Rand
	b strings.Builder
}

func (g *reportGen) one(n int) bool { return g.r.IntN(n) == 0 }

func (g *reportGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g *reportGen) ws() {
	if g.one(8) {
		g.b.WriteString(g.pick(" ", "\n", "\t", "\r\n  "))
	}
}

// key writes name as a JSON key, sometimes in another case, escaped or folded.
func (g *reportGen) key(name string) {
	switch g.r.IntN(20) {
	case 0:
		name = strings.ToUpper(name)
	case 1:
		name = strings.ToLower(name)
	case 2:
		if i := g.r.IntN(len(name)); true {
			name = name[:i] + fmt.Sprintf(`\u%04x`, name[i]) + name[i+1:]
		}
	case 3:
		name = strings.Replace(strings.Replace(name, "k", "\u212a", 1), "s", "ſ", 1)
	case 4:
		name = g.pick("x", "extra", "Name2", "tp", "data_", "\u00e9t\u00e9", "a\\\"b")
	}
	g.ws()
	g.b.WriteString(`"` + name + `"`)
	g.ws()
	g.b.WriteByte(':')
	g.ws()
}

func (g *reportGen) number() {
	switch g.r.IntN(14) {
	case 0:
		g.b.WriteString(strconv.Itoa(g.r.IntN(100000) - 500))
	case 1:
		g.b.WriteString(strconv.FormatFloat(g.r.Float64()*1e6, 'f', -1, 64))
	case 2:
		g.b.WriteString(strconv.FormatFloat(g.r.NormFloat64()*1e3, 'g', -1, 64))
	case 3:
		g.b.WriteString(strconv.FormatFloat(g.r.Float64(), 'e', g.r.IntN(20), 64))
	case 4:
		g.b.WriteString(g.pick("-0", "0.0", "1e999", "-1e999", "1e-400", "123456789012345678901234567890", "9007199254740993", "4.35e-18", "0.000001"))
	case 5:
		g.b.WriteString(g.pick(`"12.5"`, `" 7 "`, `"1e3"`, `"--"`, `"N/A"`, `""`, `"NaN"`, `"Inf"`, `"0x10"`, `"\u0031"`, `"1_0"`))
	case 6:
		g.b.WriteString("null")
	case 7:
		if g.one(8) {
			g.any(2) // most likely refused
			return
		}
		g.b.WriteString(strconv.Itoa(g.r.IntN(10)))
	default:
		fmt.Fprintf(&g.b, "%d.%d", g.r.IntN(10000), g.r.IntN(100))
	}
}

func (g *reportGen) integer() {
	switch g.r.IntN(8) {
	case 0:
		g.b.WriteString(g.pick(`"12"`, `12.0`, `1.2e1`, `null`, `""`, `" 7 "`, `9223372036854775807`, `-3`))
	case 1:
		if g.one(4) {
			g.b.WriteString(g.pick(`12.5`, `"abc"`, `1e30`, `true`, `[]`))
			return
		}
		fallthrough
	default:
		g.b.WriteString(strconv.Itoa(g.r.IntN(1000)))
	}
}

func (g *reportGen) str() {
	switch g.r.IntN(12) {
	case 0:
		g.b.WriteString("null")
	case 1:
		g.b.WriteString(g.pick(`"a\"b\\c\/\n"`, `"\u00e9\ud83d\ude00"`, `"\ud800"`, "\"\xff\xfe\"", `"é€"`, `""`))
	case 2:
		if g.one(6) {
			g.b.WriteString(g.pick(`5`, `true`, `[]`, `{}`))
			return
		}
		fallthrough
	default:
		fmt.Fprintf(&g.b, `"s%d"`, g.r.IntN(50))
	}
}

// any writes a random JSON value nested at most depth levels.
func (g *reportGen) any(depth int) {
	switch k := g.r.IntN(7); {
	case k == 0 && depth > 0:
		g.b.WriteByte('[')
		for i := range g.r.IntN(4) {
			if i > 0 {
				g.b.WriteByte(',')
			}
			g.ws()
			g.any(depth - 1)
		}
		g.b.WriteByte(']')
	case k == 1 && depth > 0:
		g.b.WriteByte('{')
		for i := range g.r.IntN(4) {
			if i > 0 {
				g.b.WriteByte(',')
			}
			g.key(g.pick("a", "b", "tps", "result"))
			g.any(depth - 1)
		}
		g.b.WriteByte('}')
	case k == 2:
		g.b.WriteString(g.pick("true", "false", "null"))
	case k == 3:
		g.str()
	default:
		g.number()
	}
}

// value writes a value for the Go type t.
func (g *reportGen) value(t reflect.Type, depth int) {
	if g.one(60) {
		g.b.WriteString("null")
		return
	}
	switch t {
	case reflect.TypeFor[api.Number]():
		g.number()
		return
	case reflect.TypeFor[api.Int]():
		g.integer()
		return
	case reflect.TypeFor[api.Text]():
		switch g.r.IntN(5) {
		case 0:
			g.number()
		case 1:
			g.b.WriteString(g.pick("true", "false", "null"))
		default:
			g.str()
		}
		return
	}
	switch t.Kind() {
	case reflect.String:
		g.str()
	case reflect.Bool:
		if g.one(20) {
			g.b.WriteString(g.pick(`"true"`, `1`))
			return
		}
		g.b.WriteString(g.pick("true", "false", "null"))
	case reflect.Pointer:
		g.value(t.Elem(), depth)
	case reflect.Slice:
		g.b.WriteByte('[')
		n := g.r.IntN(4)
		if t.Elem() == reflect.TypeFor[api.Number]() || t.Elem() == reflect.TypeFor[api.Text]() {
			n = g.r.IntN(30)
		}
		for i := range n {
			if i > 0 {
				g.b.WriteByte(',')
			}
			g.ws()
			g.value(t.Elem(), depth+1)
			g.ws()
		}
		g.b.WriteByte(']')
	case reflect.Map:
		g.b.WriteByte('{')
		for i := range g.r.IntN(4) {
			if i > 0 {
				g.b.WriteByte(',')
			}
			g.key(g.pick("0~50ms", ">>5s", "a", "A", "\\u00e9"))
			g.value(t.Elem(), depth+1)
		}
		g.b.WriteByte('}')
	case reflect.Struct:
		var names []string
		var types []reflect.Type
		var walk func(t reflect.Type)
		walk = func(t reflect.Type) {
			for i := range t.NumField() {
				f := t.Field(i)
				if f.Anonymous {
					walk(f.Type)
					continue
				}
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				names, types = append(names, name), append(types, f.Type)
			}
		}
		walk(t)
		g.b.WriteByte('{')
		n := min(len(names), 1+g.r.IntN(len(names)+2))
		for i := range n {
			if i > 0 {
				g.b.WriteByte(',')
			}
			if g.one(15) {
				g.key("unknown")
				g.any(3)
				continue
			}
			j := g.r.IntN(len(names))
			g.key(names[j])
			g.value(types[j], depth+1)
		}
		g.b.WriteByte('}')
	default:
		panic(t)
	}
}

// TestDecodeJSONRandomReports compares DecodeJSON with json.Unmarshal on random answers that
// look like reports, which reach far more of the rules than mutated bytes.
func TestDecodeJSONRandomReports(t *testing.T) {
	t.Parallel()
	prefill := readTestdata(t, "show_report.json")
	g := reportGen{r: rand.New(rand.NewPCG(7, 11))}
	decoded := 0
	const n = 3000
	for range n {
		g.b.Reset()
		g.b.WriteString(`{"code":"x",`)
		g.key("result")
		g.value(reflect.TypeFor[*Report](), 0)
		if g.one(4) { // a second result, decoded into the first
			g.b.WriteByte(',')
			g.key("result")
			g.value(reflect.TypeFor[*Report](), 0)
		}
		g.b.WriteByte('}')
		body := []byte(g.b.String())
		sameAsUnmarshal(t, body, prefill)
		if json.Unmarshal(body, new(stdAnswer)) == nil {
			decoded++
		}
	}
	if decoded < n/5 || decoded > n*9/10 {
		t.Errorf("%d of %d random answers decode: want both outcomes compared", decoded, n)
	}
	t.Logf("%d of %d random answers decode", decoded, n)
}

// TestDecodeJSONAllocations is not parallel: testing.AllocsPerRun refuses parallel tests.
// DecodeJSON allocates once per curve, per growth of a row list and per distinct string
// (here each row's name), not per figure or point.
func TestDecodeJSONAllocations(t *testing.T) {
	const rows = 500
	body := bigReport(rows, 10000)
	allocs := testing.AllocsPerRun(3, func() {
		var a reportAnswer
		if err := a.DecodeJSON(body); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%d bytes: %.0f allocations", len(body), allocs)
	// Per value would be some 25,000 (500 rows × ~50 figures) plus 130,000 curve points; the
	// bound leaves room for the string cache's collisions (row names evicting shared times).
	if allocs > 3*rows {
		t.Errorf("%.0f allocations for %d rows: decoding allocates per value", allocs, rows)
	}
}

// TestShowReportDecodesRaw runs ShowReport against a server: the answer is decoded by
// DecodeJSON, one it cannot decode is asked for again, one beyond the shape limits is not.
func TestShowReportDecodesRaw(t *testing.T) {
	t.Parallel()
	good := genReport(t, 50, 2000)
	var want stdAnswer
	if err := json.Unmarshal(good, &want); err != nil {
		t.Fatal(err)
	}
	deep := []byte(`{"pad":"` + strings.Repeat("x", 1<<20) + `","result":{"brokens":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}}`)
	tests := []struct {
		name      string
		answers   [][]byte // in order; the last repeats
		wantCalls int32
		wantErr   string
		wantShape bool
	}{
		{"decoded", [][]byte{good}, 1, "", false},
		{"garbled, then decoded", [][]byte{[]byte(`{"result":{"outline":{"tps":tru`), good}, 2, "", false},
		{"a figure that is an object each time", [][]byte{[]byte(`{"result":{"outline":{"tps":{}}}}`)}, 3,
			"decode response (HTTP 200, 33 bytes): decode report: result.outline.tps (offset 28): cannot decode {} as a number", false},
		{"nested too deep: not asked again", [][]byte{deep, good}, 1, "nested deeper than 64 levels", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1))
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(tt.answers[min(n, len(tt.answers))-1])
			}))
			defer srv.Close()
			r, err := newTestClient(t, srv).ShowReport(context.Background(), 1, 2, 10000)
			if calls.Load() != tt.wantCalls {
				t.Errorf("calls = %d, want %d", calls.Load(), tt.wantCalls)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if d := firstDiff("result", reflect.ValueOf(r), reflect.ValueOf(want.Result)); d != "" {
					t.Errorf("report differs from json.Unmarshal's at %s", d)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.Is(err, api.ErrShape) != tt.wantShape {
				t.Errorf("err = %v, want %q (ErrShape %v)", err, tt.wantErr, tt.wantShape)
			}
		})
	}
}
