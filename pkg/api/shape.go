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

// ShapeGuard applies the shape limits to a body while a decoder walks it (see RawDecoder): the
// decoder calls Open at every '{' and '[', Close at the matching '}' or ']' and Sep at every ','
// between members or elements. Open and Sep return an error wrapping ErrShape once the body is
// nested deeper than 64 levels, holds more than 200,000 objects or more than 20,000,000
// separators. The limits apply only to bodies that json.Unmarshal would have been given after a
// shape check (NewShapeGuard); Depth is kept for every body.
type ShapeGuard struct {
	enforce                bool
	depth, objects, values int
}

// NewShapeGuard returns the guard for a body of size bytes: it enforces the limits when the
// body is larger than 1 MiB, as Client does before json.Unmarshal, and only counts otherwise.
func NewShapeGuard(size int) ShapeGuard {
	return ShapeGuard{enforce: size > shapeCheckFrom}
}

// Depth is the current nesting: the number of containers opened and not closed.
func (g *ShapeGuard) Depth() int { return g.depth }

// Open counts a container ('{' when object, else '[') and goes one level deeper.
func (g *ShapeGuard) Open(object bool) error {
	g.depth++
	if object {
		g.objects++
	}
	if !g.enforce {
		return nil
	}
	if g.depth > maxDepth {
		return fmt.Errorf("%w: nested deeper than %d levels", ErrShape, maxDepth)
	}
	if g.objects > maxObjects {
		return fmt.Errorf("%w: more than %d objects (e.g. report rows)", ErrShape, maxObjects)
	}
	return nil
}

// Close leaves the current container.
func (g *ShapeGuard) Close() { g.depth-- }

// Sep counts a separator: one more member or element.
func (g *ShapeGuard) Sep() error {
	g.values++
	if g.enforce && g.values > maxValues {
		return fmt.Errorf("%w: more than %d values", ErrShape, maxValues)
	}
	return nil
}

// checkShape scans a JSON body byte by byte, without building values, and refuses one that is
// nested deeper than maxDepth, holds more than maxObjects objects or more than maxValues values
// (counted as separators, an upper bound of the elements). Malformed JSON passes: the decoder
// reports it.
func checkShape(body []byte) error {
	g := ShapeGuard{enforce: true}
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
		var err error
		switch b {
		case '"':
			inString = true
		case '{', '[':
			err = g.Open(b == '{')
		case '}', ']':
			g.Close()
		case ',':
			err = g.Sep()
		}
		if err != nil {
			return err
		}
	}
	return nil
}
