package actioncheck

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/codearts-runner/codearts-runner/pkg/config"
)

// extDir is the CodeArts Pipeline extension, zipped by scripts/build-extension.sh.
var extDir = filepath.Join(root, "examples", "codearts-extension")

// extLocales are the languages of i18n/<locale>/resources.json.
var extLocales = []string{"zh-cn", "en-us"}

// extInputTypes are the input widgets the extension uses.
var extInputTypes = []string{"input", "textarea", "password", "switch", "select"}

type extension struct {
	Type               string        `json:"type"`
	Name               string        `json:"name"`
	FriendlyName       string        `json:"friendlyName"`
	Description        string        `json:"description"`
	Category           string        `json:"category"`
	Version            string        `json:"version"`
	VersionDescription string        `json:"versionDescription"`
	DataSourceBindings []any         `json:"dataSourceBindings"`
	Inputs             []extInput    `json:"inputs"`
	Execution          *extExecution `json:"execution"`
	Outputs            []extOutput   `json:"outputs"`
}

type extInput struct {
	Name         string  `json:"name"`
	Label        string  `json:"label"`
	Type         string  `json:"type"`
	DefaultValue *string `json:"defaultValue"`
	Required     *bool   `json:"required"`
	Options      []struct {
		Label string `json:"label"`
		Value string `json:"value"`
	} `json:"options"`
	Validation *struct {
		Regex        string `json:"regex"`
		RegexMessage string `json:"regexMessage"`
	} `json:"validation"`
}

type extExecution struct {
	Type   string `json:"type"`
	Target string `json:"target"`
}

type extOutput struct {
	Name        string `json:"name"`
	Label       string `json:"label"`
	Description string `json:"description"`
}

// readExtension decodes codearts-extension.json strictly: a field this test does not know is
// an error, so that every field is checked here.
func readExtension(t *testing.T) *extension {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(extDir, "codearts-extension.json"))
	if err != nil {
		t.Fatalf("failed to read the extension: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var e extension
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("failed to parse codearts-extension.json: %v", err)
	}
	return &e
}

// extInputName is the extension input of a flag: an environment variable name in sh.
func extInputName(flag string) string { return strings.ReplaceAll(flag, "-", "_") }

func TestExtensionManifest(t *testing.T) {
	t.Parallel()
	e := readExtension(t)
	tests := []struct {
		field string
		got   string
		want  string // a regular expression
	}{
		{"type", e.Type, `^Task$`},
		// Unique identifier: letters, digits, _ and -, at most 50.
		{"name", e.Name, `^[A-Za-z0-9_-]{1,50}$`},
		// Display name: letters, digits, spaces, _, - and ., at most 50.
		{"friendlyName", e.FriendlyName, `^[A-Za-z0-9 _.-]{1,50}$`},
		{"description", e.Description, `\S`},
		{"category", e.Category, `^(Build|Test|Gate|Normal|Deploy)$`},
		// X.Y.Z, each number 0 to 99.
		{"version", e.Version, `^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$`},
		{"versionDescription", e.VersionDescription, `\S`},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			t.Parallel()
			if !regexp.MustCompile(tt.want).MatchString(tt.got) {
				t.Errorf("%s = %q, want it to match %s", tt.field, tt.got, tt.want)
			}
		})
	}

	t.Run("execution", func(t *testing.T) {
		t.Parallel()
		if e.Execution == nil || e.Execution.Type != "Shell" || e.Execution.Target == "" {
			t.Fatalf("execution = %+v, want type Shell and a target script", e.Execution)
		}
		info, err := os.Stat(filepath.Join(extDir, filepath.FromSlash(e.Execution.Target)))
		if err != nil {
			t.Fatalf("execution target: %v", err)
		}
		if runtime.GOOS != "windows" && info.Mode().Perm()&0o111 == 0 {
			t.Errorf("%s is not executable (chmod +x, and commit the mode)", e.Execution.Target)
		}
	})

	t.Run("outputs", func(t *testing.T) {
		t.Parallel()
		var names []string
		for _, o := range e.Outputs {
			names = append(names, o.Name)
			if o.Label == "" || o.Description == "" {
				t.Errorf("output %q needs a label and a description", o.Name)
			}
		}
		var want []string
		for _, o := range actionOutputs {
			want = append(want, extInputName(o))
		}
		if !slices.Equal(names, want) {
			t.Errorf("outputs = %v, want those of the action: %v", names, want)
		}
	})
}

func TestExtensionInputsMatchSettings(t *testing.T) {
	t.Parallel()
	e := readExtension(t)
	types := settingTypes()
	settings := settingsOf(config.PerfTest)
	byName := map[string]extInput{}
	var names []string
	for _, in := range e.Inputs {
		if _, dup := byName[in.Name]; dup {
			t.Errorf("input %q appears twice", in.Name)
		}
		byName[in.Name] = in
		names = append(names, in.Name)
	}

	var want []string
	for _, s := range settings {
		want = append(want, extInputName(s.Flag))
	}
	if !slices.Equal(names, want) {
		t.Errorf("inputs are\n  %v\nwant the perftest settings in their order:\n  %v", names, want)
	}

	for _, s := range settings {
		name := extInputName(s.Flag)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in, ok := byName[name]
			if !ok {
				t.Fatalf("no input %q for setting --%s (%s): add it to codearts-extension.json, both resources.json and scripts/execution.sh", name, s.Flag, s.Help)
			}
			if in.Label == "" || !slices.Contains(extInputTypes, in.Type) {
				t.Errorf("label %q, type %q: want a label and a type of %v", in.Label, in.Type, extInputTypes)
			}
			if in.Required == nil || *in.Required {
				t.Errorf("required = %v, want false: every setting is optional", in.Required)
			}
			if in.DefaultValue == nil {
				t.Fatalf("no defaultValue")
			}
			def := *in.DefaultValue
			isBool := types[s.Flag].Kind() == reflect.Bool
			wantDef := s.Default
			switch {
			case s.Secret:
				wantDef = ""
				if in.Type != "password" {
					t.Errorf("secret input has type %q, want password", in.Type)
				}
			case isBool:
				if wantDef == "" {
					wantDef = "false"
				}
				if in.Type != "switch" {
					t.Errorf("boolean setting has type %q, want switch", in.Type)
				}
			}
			if def != wantDef {
				t.Errorf("defaultValue = %q, want %q (the setting's default)", def, wantDef)
			}
			if in.Type == "select" && !slices.ContainsFunc(in.Options, func(o struct {
				Label string `json:"label"`
				Value string `json:"value"`
			}) bool {
				return o.Value == def
			}) {
				t.Errorf("select has no option for its default %q", def)
			}
			if v := in.Validation; v != nil {
				re, err := regexp.Compile(v.Regex)
				if err != nil {
					t.Fatalf("validation regex %q: %v", v.Regex, err)
				}
				if !re.MatchString(def) {
					t.Errorf("defaultValue %q does not pass its own validation %s", def, v.Regex)
				}
				if v.RegexMessage == "" {
					t.Errorf("validation without regexMessage")
				}
			}
		})
	}
}

// TestExtensionScript checks that execution.sh maps exactly the inputs of the manifest and
// execs the bundled runner.
func TestExtensionScript(t *testing.T) {
	t.Parallel()
	e := readExtension(t)
	data, err := os.ReadFile(filepath.Join(extDir, "scripts", "execution.sh"))
	if err != nil {
		t.Fatal(err)
	}
	script := string(data)
	m := regexp.MustCompile(`(?s)\nINPUTS='(.*?)'`).FindStringSubmatch(script)
	if m == nil {
		t.Fatal("execution.sh has no INPUTS='...' list")
	}
	listed := strings.Fields(m[1])
	var want []string
	for _, in := range e.Inputs {
		want = append(want, in.Name)
	}
	if !slices.Equal(listed, want) {
		t.Errorf("INPUTS of execution.sh =\n  %v\nwant the inputs of codearts-extension.json:\n  %v", listed, want)
	}
	if !strings.Contains(script, `exec "$here/bin/runner" perftest`) {
		t.Error(`execution.sh must end with exec "$here/bin/runner" perftest`)
	}
}

func TestExtensionI18n(t *testing.T) {
	t.Parallel()
	e := readExtension(t)
	var want []string
	want = append(want, "friendlyName", "description")
	for _, in := range e.Inputs {
		want = append(want, "inputs."+in.Name+".label", "inputs."+in.Name+".description")
		if in.Validation != nil {
			want = append(want, "inputs."+in.Name+".regexMessage")
		}
	}
	for _, o := range e.Outputs {
		want = append(want, "outputs."+o.Name+".label")
	}

	res := map[string]map[string]string{}
	for _, locale := range extLocales {
		data, err := os.ReadFile(filepath.Join(extDir, "i18n", locale, "resources.json"))
		if err != nil {
			t.Fatalf("%s: %v", locale, err)
		}
		if !utf8.Valid(data) {
			t.Errorf("%s/resources.json is not UTF-8", locale)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s/resources.json: %v", locale, err)
		}
		res[locale] = m
	}

	for _, locale := range extLocales {
		t.Run(locale, func(t *testing.T) {
			t.Parallel()
			m := res[locale]
			for _, key := range want {
				if strings.TrimSpace(m[key]) == "" {
					t.Errorf("missing or empty %q", key)
				}
			}
			for key := range m {
				if !slices.Contains(want, key) {
					t.Errorf("key %q names no field, input or output of the extension", key)
				}
			}
		})
	}

	t.Run("en-us matches the manifest", func(t *testing.T) {
		t.Parallel()
		en := res["en-us"]
		checks := map[string]string{"friendlyName": e.FriendlyName, "description": e.Description}
		for _, in := range e.Inputs {
			checks["inputs."+in.Name+".label"] = in.Label
			if in.Validation != nil {
				checks["inputs."+in.Name+".regexMessage"] = in.Validation.RegexMessage
			}
		}
		for key, manifest := range checks {
			if en[key] != manifest {
				t.Errorf("en-us %q = %q, manifest says %q", key, en[key], manifest)
			}
		}
	})

	t.Run("zh-cn is translated", func(t *testing.T) {
		t.Parallel()
		for key, zh := range res["zh-cn"] {
			if !strings.ContainsFunc(zh, func(r rune) bool { return r > unicode.MaxASCII }) {
				t.Errorf("zh-cn %q = %q has no Chinese", key, zh)
			}
		}
	})
}

func TestExtensionInputsMirrorTheAction(t *testing.T) {
	t.Parallel()
	e := readExtension(t)
	a := readAction(t)
	for _, in := range e.Inputs {
		flag := strings.ReplaceAll(in.Name, "_", "-")
		if _, ok := a.Inputs[flag]; !ok {
			t.Errorf("extension input %q has no action input %q", in.Name, flag)
		}
	}
}
