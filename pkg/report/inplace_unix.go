//go:build unix

package report

import (
	"errors"
	"syscall"
)

// openInPlaceFlags opens an output written in place without waiting: a FIFO without a reader
// fails with ENXIO instead of blocking the open.
const openInPlaceFlags = syscall.O_NONBLOCK

// noReader reports the error of opening a FIFO that no process reads.
func noReader(err error) bool { return errors.Is(err, syscall.ENXIO) }
