package ingest

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"fidelis"
)

// Batcher imports small inputs (API batches) sent by concurrent callers, with group commit: each
// caller reads, validates and converts its input on its own goroutine, then one committer applies
// the batches that are waiting, of one kind and mode, in one transaction (fidelis.GroupWriter),
// each with its own accounting as if applied alone in turn, and every caller is answered after
// that shared COMMIT. A commit (~15 ms of statements and a write-ahead-log flush) is thus shared
// by the batches that queued while the previous one ran.
//
// If a batch of a group fails before the COMMIT, the group is rolled back, so nothing of it is
// stored, and each of its batches is applied again alone, so that only the failing one fails.
// If the COMMIT itself fails, whether it took effect is unknown (as for a single import): every
// batch of the group gets the error, and a client's retry is safe because ids make it idempotent.
// Stores without groups (no fidelis.Grouper) get one transaction per batch, still serialised.
//
// A body larger than streamBytes is not held in memory as rows: it is imported as ImportReader
// imports it, streaming into its own transaction, while no group is applied.
type Batcher struct {
	st    fidelis.Store
	write sync.Mutex // held by whoever writes to the store: the committer, or a large import
	mu    sync.Mutex // guards queue and busy
	queue []*job
	busy  bool // a committer goroutine runs
	// The store's customer count, which each batch's answer reports, and the store's version of
	// customers when it was read: the committer reads it again only after customers changed
	// (nine counts per group cost ~6 ms of the committing thread at 1M customers).
	customers, customersAt int64
	counted                bool
}

const (
	// maxGroupRows bounds the rows of one group, so that its memory and latency stay bounded.
	maxGroupRows = 64 << 10
	// streamBytes is the largest body read into memory to wait for a group (~20,000 rows).
	streamBytes = 2 << 20
	// maxStale bounds how often a batch is read again because the store's currency changed.
	maxStale = 3
)

// NewBatcher returns a Batcher importing into st.
func NewBatcher(st fidelis.Store) *Batcher { return &Batcher{st: st} }

// job is one batch waiting for the committer.
type job struct {
	ctx    context.Context
	p      *prepared
	rows   []fidelis.Row
	c      fidelis.Committed
	counts map[fidelis.Kind]int64
	err    error
	// stale: the store's currency changed since the batch was read (a batch of the same group
	// or an earlier one named the first currency): it is read again, as it would have been.
	stale bool
	done  chan struct{}
}

// rowBuffer is the writer a batch is read into before it waits for the committer.
type rowBuffer struct{ rows []fidelis.Row }

func (b *rowBuffer) Write(_ context.Context, rows []fidelis.Row) error {
	b.rows = append(b.rows, rows...)
	return nil
}
func (b *rowBuffer) Commit(context.Context, int64) (fidelis.Committed, error) {
	return fidelis.Committed{}, fmt.Errorf("a row buffer does not commit")
}
func (b *rowBuffer) Rollback() error { return nil }

// Import reads body as records of kind, as ImportReader does, and stores them with the batches
// of other callers waiting at the same time. opt.Batch is implied. It returns after the commit.
func (b *Batcher) Import(ctx context.Context, kind fidelis.Kind, name string, body []byte, opt Options) (Summary, error) {
	start := time.Now()
	schema, ok := fidelis.Schemas[kind]
	if !ok {
		_, err := fidelis.ParseKind(string(kind))
		return Summary{}, err
	}
	opt.Batch = true
	if opt.KeepRejects == 0 {
		if err := checkRejectsPath(opt.Rejects, name); err != nil {
			return Summary{File: name, Kind: kind}, err
		}
	}
	if len(body) > streamBytes {
		b.write.Lock()
		defer b.write.Unlock()
		return importFrom(ctx, b.st, schema, name, bytes.NewReader(body), int64(len(body)), false, opt, start)
	}
	for range maxStale {
		sum, stale, err := b.importOnce(ctx, schema, name, body, opt, start)
		if !stale {
			return sum, err
		}
	}
	return Summary{File: name, Kind: kind}, fidelis.Errorf(fidelis.EConflict, "%s: the store's currency changed while the batch was read, %d times; nothing was stored", name, maxStale).
		WithHint("send the batch again")
}

func (b *Batcher) importOnce(ctx context.Context, schema fidelis.Schema, name string, body []byte, opt Options, start time.Time) (Summary, bool, error) {
	p, err := open(ctx, b.st, schema, name, bytes.NewReader(body), int64(len(body)), false, opt, start)
	defer p.close()
	if err != nil {
		return p.sum, false, err
	}
	var buf rowBuffer
	if err := p.read(ctx, b.st, &buf); err != nil {
		return p.sum, false, err
	}
	j := &job{ctx: ctx, p: p, rows: buf.rows, done: make(chan struct{})}
	b.submit(j)
	<-j.done
	if j.stale || j.err != nil {
		if j.err != nil && !j.stale {
			return p.sum, false, fmt.Errorf("%s: %w", name, j.err)
		}
		return p.sum, j.stale, nil
	}
	sum, err := p.finish(ctx, b.st, j.c, j.counts)
	return sum, false, err
}

// Waiting returns how many batches wait for the committer.
func (b *Batcher) Waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queue)
}

// submit queues j and starts the committer if none runs.
func (b *Batcher) submit(j *job) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.queue = append(b.queue, j)
	if !b.busy {
		b.busy = true
		go b.commitLoop()
	}
}

// commitLoop applies the queued batches, group by group, until none is left.
func (b *Batcher) commitLoop() {
	b.mu.Lock()
	for len(b.queue) > 0 {
		// The group: the oldest batch and every queued one of its kind and mode, in order.
		first := b.queue[0].p
		var group, rest []*job
		rows := 0
		for _, j := range b.queue {
			if j.p.schema.Kind == first.schema.Kind && j.p.opt.Update == first.opt.Update && (len(group) == 0 || rows+len(j.rows) <= maxGroupRows) {
				group = append(group, j)
				rows += len(j.rows)
			} else {
				rest = append(rest, j)
			}
		}
		b.queue = rest
		b.mu.Unlock()
		b.write.Lock()
		b.apply(group)
		b.write.Unlock()
		for _, j := range group {
			close(j.done)
		}
		b.mu.Lock()
	}
	b.busy = false
	b.mu.Unlock()
}

// apply stores a group: in one transaction when the store can (also a group of one: a group's
// transaction skips what a file import checks first), else batch by batch.
func (b *Batcher) apply(group []*job) {
	gr, ok := b.st.(fidelis.Grouper)
	if !ok {
		b.allAlone(group)
		return
	}
	// The group runs under its first batch's context: the callers' contexts outlive their
	// requests (an import runs to its end once begun), and the others' batches are retried alone
	// under their own if it fails.
	ctx := group[0].ctx
	first := group[0].p
	cur, err := b.currencies(ctx, first.schema.Kind)
	if err != nil {
		b.allAlone(group)
		return
	}
	g, err := gr.BeginGroup(ctx, first.schema.Kind, first.mode())
	if err != nil {
		b.allAlone(group)
		return
	}
	var applied []*job
	for _, j := range group {
		if !j.fits(cur) {
			j.stale = true
			continue
		}
		c, err := segment(ctx, g, j)
		if err != nil { // g is rolled back: nothing of the group is stored
			b.allAlone(group)
			return
		}
		j.c = c
		cur = j.stored(cur)
		applied = append(applied, j)
	}
	if err := g.Commit(ctx); err != nil {
		for _, j := range applied {
			j.err = err
		}
		return
	}
	counts, err := b.customersKnown(ctx)
	for _, j := range applied {
		// Each caller's finish reads the counts itself if they could not be read here.
		if err == nil {
			j.counts = counts
		}
	}
}

// customersKnown returns the store's counts as far as a batch's answer needs them (customers),
// reading them only when the store's customers changed since the last read. The committer calls
// it, under b.write.
func (b *Batcher) customersKnown(ctx context.Context) (map[fidelis.Kind]int64, error) {
	v := b.st.Version(fidelis.Customers) // before the read: a change during it is seen next time
	if !b.counted || v != b.customersAt {
		counts, err := b.st.Counts(ctx)
		if err != nil {
			return nil, err
		}
		b.customers, b.customersAt, b.counted = counts[fidelis.Customers], v, true
	}
	return map[fidelis.Kind]int64{fidelis.Customers: b.customers}, nil
}

// allAlone stores each batch of group in its own transaction.
func (b *Batcher) allAlone(group []*job) {
	for _, j := range group {
		b.alone(j)
	}
}

// segment writes one batch's rows into the group and ends its segment.
func segment(ctx context.Context, g fidelis.GroupWriter, j *job) (fidelis.Committed, error) {
	if err := g.Write(ctx, j.rows); err != nil {
		g.Rollback()
		return fidelis.Committed{}, err
	}
	return g.Segment(ctx, filepath.Base(j.p.path), j.p.rej.n)
}

// alone stores one batch in its own transaction, as ImportReader does.
func (b *Batcher) alone(j *job) {
	j.c, j.err, j.stale = fidelis.Committed{}, nil, false
	cur, err := b.currencies(j.ctx, j.p.schema.Kind)
	if err != nil {
		j.err = err
		return
	}
	if !j.fits(cur) {
		j.stale = true
		return
	}
	w, err := b.st.Begin(j.ctx, j.p.schema.Kind, filepath.Base(j.p.path), j.p.mode())
	if err != nil {
		j.err = err
		return
	}
	if err := w.Write(j.ctx, j.rows); err != nil {
		w.Rollback()
		j.err = err
		return
	}
	j.c, j.err = w.Commit(j.ctx, j.p.rej.n)
}

// currencies returns the store's order currencies, for the batches of orders.
func (b *Batcher) currencies(ctx context.Context, kind fidelis.Kind) ([]string, error) {
	if kind != fidelis.Orders {
		return nil, nil
	}
	return b.st.Currencies(ctx)
}

// fits reports whether the store's currencies cur would have led the batch to the currency
// choice it made when it was read (open, against the store as it was then).
func (j *job) fits(cur []string) bool {
	if j.p.schema.Kind != fidelis.Orders {
		return true
	}
	a, am := j.p.before.Currency()
	b, bm := fidelis.Quality{Currencies: currencyTotals(cur)}.Currency()
	return a == b && am == bm
}

// stored adds the batch's currency to cur once it has stored orders in it.
func (j *job) stored(cur []string) []string {
	if j.p.schema.Kind != fidelis.Orders || j.p.sum.Currency == "" || j.c.Stored+j.c.Updated == 0 {
		return cur
	}
	for _, c := range cur {
		if c == j.p.sum.Currency {
			return cur
		}
	}
	return append(cur, j.p.sum.Currency)
}
