package api

import (
	"errors"
	"fmt"
	"io"
)

// ErrBodyTooLarge is wrapped by the error of a response larger than Config.MaxBody.
var ErrBodyTooLarge = errors.New("response body too large")

// readBounded reads at most limit bytes of r; a longer body is an error naming the limit,
// returned together with the first limit bytes.
func readBounded(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return data, err
	}
	if int64(len(data)) > limit {
		return data[:limit], fmt.Errorf("%w: more than the %s limit (Config.MaxBody)", ErrBodyTooLarge, formatBytes(limit))
	}
	return data, nil
}

// formatBytes renders n as "64 MiB", "512 KiB" or "100 bytes".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
