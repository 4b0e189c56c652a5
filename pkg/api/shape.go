package api

import (
	"errors"
	"fmt"
)

// Limits on the shape of a decoded answer. A body passes the size limit (Config.MaxBody) and is
// then decoded into Go values whose memory grows with the number of objects and values, not
// with the bytes: 1e6 empty objects take 3 MB on the wire and far more once decoded. Bodies
// larger than shapeCheckFrom are scanned first and refused when they exceed these.
const (
	shapeCheckFrom = 1 << 20
	maxDepth       = 64
	maxObjects     = 200_000
	maxValues      = 20_000_000
)

// ErrShape is wrapped by the error of an answer too deeply nested or with too many values.
var ErrShape = errors.New("answer too large to decode safely")

// checkShape scans a JSON body byte by byte, without building values, and refuses one that is
// nested deeper than maxDepth, holds more than maxObjects objects or more than maxValues values
// (counted as separators, an upper bound of the elements). Malformed JSON passes: the decoder
// reports it.
func checkShape(body []byte) error {
	depth, objects, values := 0, 0, 0
	inString, escaped := false, false
	for _, b := range body {
		if inString {
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
			continue
		}
		switch b {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > maxDepth {
				return fmt.Errorf("%w: nested deeper than %d levels", ErrShape, maxDepth)
			}
			if b == '{' {
				if objects++; objects > maxObjects {
					return fmt.Errorf("%w: more than %d objects (e.g. report rows)", ErrShape, maxObjects)
				}
			}
		case '}', ']':
			depth--
		case ',':
			if values++; values > maxValues {
				return fmt.Errorf("%w: more than %d values", ErrShape, maxValues)
			}
		}
	}
	return nil
}
