package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// MaxPages stops a listing whose server never runs out of new items.
const MaxPages = 1000

// PageFetch reads one page of a listing: the items sent for offset and limit, and the total
// number of items when the answer gives one (else 0).
type PageFetch[T any] func(ctx context.Context, offset, limit int) (items []T, total int, err error)

// CollectPages reads every item of an offset/limit listing whatever the service's `offset`
// means — the documents leave it open (docs/ambiguities.md): an item offset counting from 0,
// or a page number counting from 1. Items are kept once by id (an item with the zero id is
// always kept), in the service's order; op names the listing in errors.
//
// It first walks the item reading (offset 0, then the number of items received), stopping at
// an empty page or one that brings no new id. A service that refuses offset 0 with 400 (a page
// number counts from 1) is read as pages from 1. Otherwise one more read at offset 1 checks the
// item reading: it must send the items the walk saw at positions 1, 2, …; anything else means
// offset is a page number: that answer is page 1, and the listing is read again from page 2
// until an empty page or a page without a new id (a service that ignores offset). A total in
// the answers ends a walk as soon as that many items are known.
func CollectPages[T any, K comparable](ctx context.Context, op string, limit int, fetch PageFetch[T], id func(T) K) ([]T, error) {
	p := pager[T, K]{fetch: fetch, id: id, limit: limit}
	p.reset()
	page, fresh, err := p.read(ctx, 0)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest {
		return p.pages(ctx, op, 1) // offset 0 refused: a page number, counting from 1
	}
	if err != nil {
		return nil, err
	}
	// at[i] is the id the item reading puts at position i; probe is the answer for offset 1.
	var at []K
	var probe []T
	probed := false
	for len(page) > 0 && fresh > 0 && !p.done() {
		for _, it := range page {
			at = append(at, id(it))
		}
		if p.calls > MaxPages {
			return nil, fmt.Errorf("%s: still new items after %d pages", op, MaxPages)
		}
		if page, fresh, err = p.read(ctx, len(at)); err != nil {
			return nil, err
		}
		if len(at) == 1 {
			probe, probed = page, true
		}
	}
	if p.done() {
		return p.all, nil
	}
	if !probed {
		if probe, _, err = p.read(ctx, 1); err != nil {
			return nil, err
		}
	}
	itemReading := true
	for i, it := range probe {
		if 1+i >= len(at) || at[1+i] != id(it) {
			itemReading = false
			break
		}
	}
	if itemReading {
		return p.all, nil
	}
	// offset 1 was page 1: keep it, and read on from page 2.
	p.reset()
	p.keep(probe)
	return p.pages(ctx, op, 2)
}

// pager is the state of one CollectPages walk.
type pager[T any, K comparable] struct {
	fetch PageFetch[T]
	id    func(T) K
	limit int
	seen  map[K]bool
	all   []T
	total int
	calls int
}

// reset forgets the items read so far.
func (p *pager[T, K]) reset() {
	p.seen, p.all = map[K]bool{}, []T{}
}

// read fetches the page at offset, keeps its new items and returns the page and how many new
// items it brought.
func (p *pager[T, K]) read(ctx context.Context, offset int) (page []T, fresh int, err error) {
	p.calls++
	page, total, err := p.fetch(ctx, offset, p.limit)
	if err != nil {
		return nil, 0, err
	}
	if total > 0 {
		p.total = total
	}
	return page, p.keep(page), nil
}

// keep adds the items of page not seen before and returns how many it added.
func (p *pager[T, K]) keep(page []T) (fresh int) {
	var zero K
	for _, it := range page {
		if k := p.id(it); k != zero {
			if p.seen[k] {
				continue
			}
			p.seen[k] = true
		}
		p.all = append(p.all, it)
		fresh++
	}
	return fresh
}

// done reports whether a total was given and that many items are known.
func (p *pager[T, K]) done() bool { return p.total > 0 && len(p.all) >= p.total }

// pages reads page numbers from first on until an empty page, a page without a new item (a
// service that ignores offset), or done.
func (p *pager[T, K]) pages(ctx context.Context, op string, first int) ([]T, error) {
	for n := first; n <= MaxPages; n++ {
		page, fresh, err := p.read(ctx, n)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 || fresh == 0 || p.done() {
			return p.all, nil
		}
	}
	return nil, fmt.Errorf("%s: still new items after %d pages", op, MaxPages)
}
