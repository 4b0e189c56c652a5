package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// errTooLarge is returned by readInput for a file over its limit.
var errTooLarge = errors.New("too large")

// readInput reads at most limit bytes of the file at path, whatever it is: a regular file, a
// FIFO or a pipe (`<(...)`), a device. It returns errTooLarge, without reading further, when
// the file holds more, and ctx's error as soon as ctx ends — also while the open or a read
// blocks (a FIFO nobody writes), so that a signal ends the process in every phase. The
// goroutine left blocked then closes the file if its open ever returns.
func readInput(ctx context.Context, path string, limit int64) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	var mu sync.Mutex
	var file *os.File
	abandoned := false
	go func() {
		f, err := os.Open(path)
		if err != nil {
			done <- result{err: err}
			return
		}
		mu.Lock()
		if abandoned {
			mu.Unlock()
			f.Close()
			return
		}
		file = f
		mu.Unlock()
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, limit+1))
		if err == nil && int64(len(data)) > limit {
			data, err = nil, fmt.Errorf("%w: more than %d bytes", errTooLarge, limit)
		}
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-ctx.Done():
		mu.Lock()
		abandoned = true
		if file != nil {
			file.Close() // ends a read waiting on a FIFO or pipe
		}
		mu.Unlock()
		return nil, ctx.Err()
	}
}
