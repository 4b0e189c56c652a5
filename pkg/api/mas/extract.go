package mas

import (
	"encoding/json"
	"strconv"
	"strings"
)

// normKey folds a JSON key for tolerant look-ups: lower case, without '_' and '-', so that
// job_name, jobName, JobName and job-name are one key.
func normKey(k string) string {
	k = strings.ToLower(k)
	return strings.NewReplacer("_", "", "-", "", " ", "").Replace(k)
}

// scalar renders a JSON scalar (string, number, bool) as text; anything else is "".
func scalar(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case json.Number:
		return t.String()
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	return ""
}

// Field returns the first of keys (compared by normKey) whose value in m is a non-empty
// scalar, as text.
func Field(m map[string]any, keys ...string) string {
	return find(m, keys, func(v any) (string, bool) {
		s := scalar(v)
		return s, s != ""
	})
}

// child returns the object under the first of keys (compared by normKey), or nil.
func child(m map[string]any, keys ...string) map[string]any {
	return find(m, keys, func(v any) (map[string]any, bool) {
		c, ok := v.(map[string]any)
		return c, ok
	})
}

// find returns what pick makes of the value under the first of keys (compared by normKey) that
// pick accepts, else the zero T.
func find[T any](m map[string]any, keys []string, pick func(v any) (T, bool)) T {
	for _, k := range keys {
		want := normKey(k)
		for mk, v := range m {
			if normKey(mk) == want {
				if t, ok := pick(v); ok {
					return t
				}
			}
		}
	}
	var zero T
	return zero
}

// listKeys are the keys under which an answer may hold its list, tried first.
var listKeys = []string{"data", "list", "items", "records", "rows", "content", "workflows", "jobs", "result", "page"}

// objects returns the items of a list answer: v itself when it is an array, else the first
// array of objects found under a list-like key, else under any key, searching at most depth
// levels deep (3 for an answer). Non-object items are dropped.
func objects(v any, depth int) []map[string]any {
	switch t := v.(type) {
	case []any:
		var out []map[string]any
		for _, it := range t {
			if m, ok := it.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	case map[string]any:
		if depth == 0 {
			return nil
		}
		out := find(t, listKeys, func(x any) ([]map[string]any, bool) {
			out := objects(x, depth-1)
			return out, len(out) > 0
		})
		if out != nil {
			return out
		}
		for _, x := range t {
			if _, isList := x.([]any); isList {
				if out := objects(x, depth-1); len(out) > 0 {
					return out
				}
			}
		}
	}
	return nil
}

// arrayUnder returns the array of objects held directly under one of keys of m.
func arrayUnder(m map[string]any, keys ...string) []map[string]any {
	return find(m, keys, func(v any) ([]map[string]any, bool) {
		out := objects(v, 0) // an array's objects; nil for anything else
		return out, len(out) > 0
	})
}
