package config

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the settings table of the README: flag, variable, default, modes, meaning.
func WriteMarkdown(w io.Writer) {
	fmt.Fprintln(w, "| flag / action input | environment variable | default | used by | meaning |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for _, f := range fields {
		env := "`" + f.Env + "`"
		if f.Fallback != "" {
			env += " (or `" + f.Fallback + "`)"
		}
		def := ""
		if f.Default != "" {
			def = "`" + f.Default + "`"
		}
		modes := make([]string, 0, len(f.Modes))
		for _, m := range f.Modes {
			modes = append(modes, string(m))
		}
		help := f.Help
		if f.Secret {
			help += " — secret: masked, never written"
		}
		fmt.Fprintf(w, "| `--%s` | %s | %s | %s | %s |\n", f.Flag, env, def, strings.Join(modes, ", "), strings.ReplaceAll(help, "|", "\\|"))
	}
}
