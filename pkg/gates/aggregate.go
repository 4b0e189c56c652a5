package gates

import "math"

// Aggregate returns the overall metrics of a run from its cases: the values
// unscoped gates are evaluated on. Each metric is merged over the cases that
// report it; a metric no case reports stays absent. "Cases with requests"
// excludes cases whose requests figure is known to be 0 (their response-time
// figures are meaningless zeros).
//
//	metric                                       overall value
//	-------------------------------------------  ---------------------------------------------------
//	requests successes errors failed_*           sum
//	http_1xx … http_5xx transactions              sum
//	error_events vum                              sum
//	tps transaction_tps                           sum (cases run in parallel)
//	max_concurrency                               sum (cases run in parallel)
//	avg_rt avg_recv_bytes avg_sent_bytes          request-weighted mean over cases with requests
//	                                              (plain mean when a case's requests are unknown)
//	min_rt                                        min over cases with requests
//	max_rt max_recv_bytes max_sent_bytes          max over cases with requests
//	p50 p75 p90 p95 p99 p99.9 p99.99              max over cases with requests: CONSERVATIVE
//	success_rate                                  Σ successes / Σ requests × 100
//	error_rate                                    Σ errors / Σ requests × 100
//	transaction_success_rate                      transaction-weighted mean
//	duration                                      max over every case
//
// Percentiles cannot be merged exactly from per-case percentiles: the exact
// overall p95 needs the raw samples. The maximum of the cases' p95 is an
// upper bound of the overall p95 (no more than 5 % of any case's requests,
// hence of all requests, are slower than it), so a gate that passes on it
// passes on the true value; it may fail a run whose true percentile would
// pass. Scope the gate to a case to avoid the approximation.
//
// For success_rate and error_rate, a case without a success (error) count
// contributes requests − errors (requests − successes) or its rate ×
// requests; when even that is unknown for some case the overall rate is the
// request-weighted mean of the cases' rates.
func Aggregate(cases []Case) Metrics {
	ms := make([]*Metrics, len(cases))
	for i := range cases {
		ms[i] = &cases[i].Metrics
	}
	return aggregate(ms)
}

// aggregate merges a list of metric sets by the catalogue's rules.
func aggregate(ms []*Metrics) Metrics {
	var out Metrics
	if len(ms) == 0 {
		return out
	}
	reqs := make([]float64, len(ms)) // NaN = unknown
	for i, m := range ms {
		reqs[i] = requestsOf(m)
	}
	active := func(i int) bool { return !(reqs[i] == 0) } // unknown (NaN) counts as active
	for i := range catalog {
		info := &catalog[i]
		var (
			acc  float64
			seen bool
		)
		switch info.agg {
		case aggSum:
			for _, m := range ms {
				if v, ok := get(m, i); ok {
					acc, seen = acc+v, true
				}
			}
		case aggMin, aggMax, aggPercentile, aggMaxAll:
			for j, m := range ms {
				if info.agg != aggMaxAll && !active(j) {
					continue
				}
				v, ok := get(m, i)
				switch {
				case !ok:
				case !seen:
					acc, seen = v, true
				case info.agg == aggMin:
					acc = math.Min(acc, v)
				default:
					acc = math.Max(acc, v)
				}
			}
		case aggMeanByRequests:
			acc, seen = weightedMean(ms, i, reqs)
		case aggMeanByTrans:
			w := make([]float64, len(ms))
			for j, m := range ms {
				if t, ok := get(m, idxTransactions); ok {
					w[j] = t
				} else {
					w[j] = math.NaN()
				}
			}
			acc, seen = weightedMean(ms, i, w)
		case aggSuccessRate:
			acc, seen = ratio(ms, reqs, idxSuccesses, idxErrors, idxSuccessRate)
		case aggErrorRate:
			acc, seen = ratio(ms, reqs, idxErrors, idxSuccesses, idxErrorRate)
		}
		if seen {
			out.setAt(i, acc)
		}
	}
	return out
}

// get reads the metric at catalogue position i, treating NaN as absent.
func get(m *Metrics, i int) (float64, bool) {
	v, ok := m.at(i)
	if !ok || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// requestsOf returns the number of requests of a metric set: requests, else
// successes + errors, else NaN (unknown).
func requestsOf(m *Metrics) float64 {
	if r, ok := get(m, idxRequests); ok {
		return r
	}
	s, ok1 := get(m, idxSuccesses)
	e, ok2 := get(m, idxErrors)
	if ok1 && ok2 {
		return s + e
	}
	return math.NaN()
}

// weightedMean is the mean of metric i over the sets with non-zero weight,
// weighted when every contributing weight is known (not NaN) and their sum
// is positive, plain otherwise.
func weightedMean(ms []*Metrics, i int, w []float64) (float64, bool) {
	var sum, wsum, plain float64
	n, weighted := 0, true
	for j, m := range ms {
		if w[j] == 0 {
			continue
		}
		v, ok := get(m, i)
		if !ok {
			continue
		}
		n++
		plain += v
		if math.IsNaN(w[j]) {
			weighted = false
			continue
		}
		sum += v * w[j]
		wsum += w[j]
	}
	switch {
	case n == 0:
		return 0, false
	case weighted && wsum > 0:
		return sum / wsum, true
	}
	return plain / float64(n), true
}

// ratio computes Σ part / Σ requests × 100 over the sets with requests (part,
// other and rate are catalogue positions). A set without its part count uses
// requests − other, else its rate × requests; a set with none of these is
// left out. When a set reports a rate but not its requests, or no set has a
// known positive request count, the mean of the rates (weighted where
// possible) is used instead.
func ratio(ms []*Metrics, reqs []float64, part, other, rate int) (float64, bool) {
	var num, den float64
	exact := true
	for i, m := range ms {
		r := reqs[i]
		if r == 0 {
			continue
		}
		if math.IsNaN(r) {
			if _, ok := get(m, rate); ok {
				exact = false
			}
			continue
		}
		if p, ok := get(m, part); ok {
			num += p
		} else if o, ok := get(m, other); ok {
			num += r - o
		} else if pr, ok := get(m, rate); ok {
			num += pr / 100 * r
		} else {
			continue // says nothing about its successes
		}
		den += r
	}
	if exact && den > 0 {
		return num / den * 100, true
	}
	return weightedMean(ms, rate, reqs)
}
