package definition

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
)

// varPattern is a value given as one ${VAR} reference (any field may be).
const varPattern = `^\$\{[A-Za-z_][A-Za-z0-9_]*\}$`

// durationPattern is a duration with units ("5m", "200ms", "1h30m") or 0.
const durationPattern = `^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+|.*\$\{[A-Za-z_][A-Za-z0-9_]*\}.*)$`

// Schema returns the JSON Schema (draft 2020-12) of a definition file,
// generated from the same types Parse decodes into: keys, required keys,
// enums, defaults and the API field each key maps to (descriptions).
func Schema() []byte {
	root := schemaOf(reflect.TypeFor[File]())
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["title"] = "codearts-runner PerfTest definition"
	root["description"] = "A CodeArts PerfTest suite, task, cases, profiles and gates kept in the repository (runner perftest --definition FILE). Any value may be a ${VAR} reference to the environment; $${VAR} is a literal ${VAR}."
	root["patternProperties"] = map[string]any{"^x-": map[string]any{"description": "extension key, e.g. a home for YAML anchors"}}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(root)
	return b.Bytes()
}

func schemaOf(t reflect.Type) map[string]any {
	switch {
	case t == durationT:
		return map[string]any{"type": "string", "pattern": durationPattern}
	case t == yamlNodeT:
		return map[string]any{"oneOf": []any{
			map[string]any{"const": "none"},
			map[string]any{"type": "array", "items": map[string]any{"anyOf": []any{
				map[string]any{"type": "string", "description": "an inline gate, e.g. p95 <= 800ms"},
				map[string]any{"type": "object", "description": "a gate as a mapping (name, metric, op, value, severity, abort, abort_after, case, request)"},
			}}},
		}}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Int:
		return map[string]any{"anyOf": []any{map[string]any{"type": "integer", "minimum": 0}, map[string]any{"type": "string", "pattern": varPattern}}}
	case reflect.Bool:
		return map[string]any{"anyOf": []any{map[string]any{"type": "boolean"}, map[string]any{"type": "string", "pattern": varPattern}}}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	}
	props := map[string]any{}
	var required []string
	keys, index := fieldsOf(t)
	for _, key := range keys {
		f := t.Field(index[key])
		s := schemaOf(f.Type)
		if d := f.Tag.Get("desc"); d != "" {
			s["description"] = d
		}
		if e := f.Tag.Get("enum"); e != "" {
			s["enum"] = strings.Split(e, ",")
		}
		if d := f.Tag.Get("default"); d != "" {
			s["default"] = d
		}
		if f.Tag.Get("required") == "true" {
			required = append(required, key)
		}
		props[key] = s
	}
	out := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}
