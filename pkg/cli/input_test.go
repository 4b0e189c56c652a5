package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadInputBounds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, n int) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Repeat("x", n)), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name    string
		path    string
		limit   int64
		wantLen int
		wantErr error // nil: no error
	}{
		{"empty", write("empty", 0), 10, 0, nil},
		{"at the limit", write("ten", 10), 10, 10, nil},
		{"one byte over", write("eleven", 11), 10, 0, errTooLarge},
		{"endless device", "/dev/zero", 1 << 20, 0, errTooLarge},
		{"missing", filepath.Join(dir, "missing"), 10, 0, os.ErrNotExist},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data, err := readInput(context.Background(), tc.path, tc.limit)
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			case len(data) != tc.wantLen:
				t.Fatalf("read %d bytes, want %d", len(data), tc.wantLen)
			}
		})
	}
}

// TestReadInputFIFO reads a FIFO that a writer fills, and gives up on one that nobody opens as
// soon as the context ends (the open blocks until then).
func TestReadInputFIFO(t *testing.T) {
	t.Parallel()
	t.Run("written", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "gates.fifo")
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Fatal(err)
		}
		go func() {
			// Blocks until the reader opens the FIFO.
			if err := os.WriteFile(path, []byte("p95 <= 1s\n"), 0o600); err != nil {
				t.Error(err)
			}
		}()
		data, err := readInput(context.Background(), path, 100)
		if err != nil || string(data) != "p95 <= 1s\n" {
			t.Fatalf("read %q, %v", data, err)
		}
	})
	for _, opened := range []bool{false, true} {
		name := "nobody opens it"
		if opened {
			name = "a writer opens it and writes nothing"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "gates.fifo")
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := readInput(ctx, path, 100)
				done <- err
			}()
			if opened {
				// The writer's open returns once the reader has opened: the read is under way.
				w, err := os.OpenFile(path, os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer w.Close()
			}
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("error %v, want context.Canceled", err)
				}
			case <-time.After(30 * time.Second): // a generous limit, not a timing assertion
				t.Fatal("readInput did not return after the context ended")
			}
			if !opened {
				// Let the abandoned open return, so that the goroutine ends with the test.
				if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					w.Close()
				}
			}
		})
	}
}
