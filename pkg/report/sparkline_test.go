package report

import (
	"math"
	"testing"
)

func TestSparkline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []float64
		want string
	}{
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8}, "▁▂▃▄▅▆▇█"},
		{[]float64{5, 5, 5}, "▄▄▄"},
		{[]float64{10, math.NaN(), 0}, "█ ▁"},
		{[]float64{math.NaN()}, " "},
	}
	for _, tt := range tests {
		if got := sparkline(tt.in); got != tt.want {
			t.Errorf("sparkline(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
