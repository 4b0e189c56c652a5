// Package bigreport is the shape of the big report both benchmarks measure — `make bench`'s
// child process (bench/bigreport.go) and the Go benchmarks of the rendering (pkg/outcome) — so
// that their figures describe the same run.
package bigreport

// The big report: Cases case runs, each reporting Requests requests and curves of Points points
// per series.
const (
	Cases    = 100
	Requests = 500
	Points   = 10000
)

// Gates are the ten gates evaluated on the big report (none needs a baseline).
const Gates = `p95 <= 750ms
error_rate < 1%
tps >= 100/s
success_rate >= 99%
case "case-042": p99 <= 1s
case "case-099" request "POST /api/v1/resource-499": avg_rt < 300ms
request "GET /api/v1/resource-250": p95 <= 1s
warn: avg_rt <= 100ms
requests >= 10000
max_rt < 10s`
