// Package apitest holds the API client helpers that the tests of several client packages
// share. It is for tests only (it lives apart from testutil, which pkg/api's own tests import).
package apitest

import (
	"testing"
	"time"

	"github.com/codearts-runner/codearts-runner/pkg/api"
)

// Wire returns a wire client of the test server at url with fast retries (2 retries, waits of
// a few milliseconds) and a 5 s attempt timeout.
func Wire(t *testing.T, url string) *api.Client {
	t.Helper()
	ac, err := api.New(api.Config{
		Endpoint:     url,
		RetryMax:     2,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 2 * time.Millisecond,
		Timeout:      5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return ac
}
