// Package faults holds the fault-injection suite of codearts-runner. It has no code of its
// own: faults_test.go builds the real runner binary once, starts one simulator (internal/sim) per
// scenario, injects one fault, runs `runner perftest` as a subprocess against it and records
// the exit code, the runs left running on the platform, duplicate starts and any secret found
// in the output or the files written.
//
//	go test ./internal/faults/                        # every scenario once
//	FAULTS_RUNS=3 FAULTS_TABLE=faults.md go test ./internal/faults/
//
// FAULTS_RUNS repeats every scenario; FAULTS_TABLE writes the Markdown table of the outcome
// (it is also printed with t.Log). The test fails when a row's verdict is ❌.
package faults
