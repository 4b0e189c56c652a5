//go:build !unix

package report

// openInPlaceFlags adds nothing where O_NONBLOCK does not exist.
const openInPlaceFlags = 0

// noReader is false where FIFOs are not files.
func noReader(error) bool { return false }
