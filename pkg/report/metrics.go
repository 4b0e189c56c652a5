package report

import (
	"math"
	"slices"
	"strconv"

	"github.com/codearts-runner/codearts-runner/pkg/gates"
)

// Metrics are figures by metric name. They encode as a JSON object in the order of the gates'
// catalogue (then any other name, sorted) without the map sorting and reflection of
// encoding/json: a big result file holds tens of thousands of them.
type Metrics map[string]float64

// catalogOrder is the order metrics are written in.
var catalogOrder = func() []string {
	var names []string
	for _, m := range gates.Catalog() {
		names = append(names, m.Name)
	}
	return names
}()

// MarshalJSON writes the object; non-finite values are left out (JSON has no NaN).
func (m Metrics) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 24*len(m)+2)
	b = append(b, '{')
	n := 0
	add := func(name string, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, name)
		b = append(b, ':')
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
		n++
	}
	seen := 0
	for _, name := range catalogOrder {
		if v, ok := m[name]; ok {
			add(name, v)
			seen++
		}
	}
	if seen < len(m) {
		var rest []string
		for name := range m {
			if !slices.Contains(catalogOrder, name) {
				rest = append(rest, name)
			}
		}
		slices.Sort(rest)
		for _, name := range rest {
			add(name, m[name])
		}
	}
	return append(b, '}'), nil
}
