package cpts

import (
	"encoding/json"
	"testing"
)

func BenchmarkZZDecode(b *testing.B) {
	for _, pts := range []int{100, 10000} {
		body := genReport(b, 500, pts)
		b.Run(map[int]string{100: "points100", 10000: "points10000"}[pts], func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var a reportAnswer
				if err := json.Unmarshal(body, &a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
