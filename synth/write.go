package synth

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"fidelis"
)

// Config sizes and seeds a synthetic company. Zero fields take their defaults.
type Config struct {
	Customers  int       // default 20000
	Seed       uint64    // default 1
	Start, End time.Time // history window [Start, End); default 2023-07-01 .. 2026-07-01 (exclusive)
}

// Manifest lists what Write produced.
type Manifest struct {
	Dir   string
	Files map[fidelis.Kind]string // path of each kind's CSV file
	Rows  map[fidelis.Kind]int64  // data rows (header excluded)
	Truth Truth
}

// chunkSize is the number of customers a worker generates at a time.
const chunkSize = 1024

func (c Config) withDefaults() (Config, error) {
	if c.Customers == 0 {
		c.Customers = DefaultCustomers
	}
	if c.Customers < 0 {
		return c, fidelis.Errorf(fidelis.EInvalid, "synth: customers must be positive, got %d", c.Customers)
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	if c.End.IsZero() {
		c.End = DefaultEnd
	}
	c.Start, c.End = c.Start.UTC(), c.End.UTC()
	if c.End.Sub(c.Start) < 7*24*time.Hour {
		return c, fidelis.Errorf(fidelis.EInvalid, "synth: the window %s .. %s is shorter than a week",
			c.Start.Format(time.DateOnly), c.End.Format(time.DateOnly))
	}
	return c, nil
}

// Header returns the CSV header of a kind's file: the canonical field names of fidelis.Schemas,
// plus the free attributes age_band and gender for customers.
func Header(k fidelis.Kind) []string {
	var h []string
	for _, f := range fidelis.Schemas[k].Fields {
		h = append(h, f.Name)
	}
	if k == fidelis.Customers {
		h = append(h, "age_band", "gender")
	}
	return h
}

// Write generates the company described by cfg into dir (created if needed): one CSV file per
// record kind, <kind>.csv, and truth.json. The output depends only on cfg. progress, if not nil,
// is called from Write's goroutine with the number of customers written so far and the total.
func Write(ctx context.Context, dir string, cfg Config, progress func(done, total int)) (Manifest, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Manifest{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Manifest{}, fmt.Errorf("synth: %w", err)
	}
	truth := newTruth(cfg)
	g := newGen(cfg, &truth)
	m := Manifest{Dir: dir, Files: map[fidelis.Kind]string{}, Rows: map[fidelis.Kind]int64{}}

	files := make([]*os.File, nKinds)
	outs := make([]*bufio.Writer, nKinds)
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}()
	for k, kind := range fidelis.Kinds {
		path := filepath.Join(dir, string(kind)+".csv")
		f, err := os.Create(path)
		if err != nil {
			return Manifest{}, fmt.Errorf("synth: %w", err)
		}
		files[k], outs[k] = f, bufio.NewWriterSize(f, 1<<20)
		m.Files[kind] = path
		outs[k].WriteString(strings.Join(Header(kind), ",") + "\n")
	}

	// Workers generate chunks of customers concurrently; the writer takes them in order, so the
	// bytes do not depend on scheduling. At most 2·workers chunks are in flight.
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, runtime.GOMAXPROCS(0))
	type job struct {
		from, to int
		out      chan *chunk
	}
	jobs := make(chan job)
	order := make(chan chan *chunk, 2*workers)
	pool := sync.Pool{New: func() any { return new(chunk) }}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker(g)
			for j := range jobs {
				c := pool.Get().(*chunk)
				c.reset(j.from, j.to)
				for i := j.from; i < j.to; i++ {
					w.customer(c, i)
				}
				j.out <- c
			}
		}()
	}
	go func() {
		defer close(order)
		defer close(jobs)
		for from := 0; from < cfg.Customers; from += chunkSize {
			j := job{from: from, to: min(from+chunkSize, cfg.Customers), out: make(chan *chunk, 1)}
			select {
			case order <- j.out:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()

	var werr error
	for out := range order {
		var c *chunk
		select {
		case c = <-out:
		case <-ctx.Done():
		}
		if c == nil || werr != nil {
			continue
		}
		for k := range nKinds {
			if _, err := outs[k].Write(c.buf[k]); err != nil && werr == nil {
				werr = fmt.Errorf("synth: %w", err)
			}
			m.Rows[fidelis.Kinds[k]] += c.rows[k]
		}
		r := &truth.Realized
		r.Members += c.real.Members
		r.Subscribers += c.real.Subscribers
		r.Referred += c.real.Referred
		r.DroppedOut += c.real.DroppedOut
		r.Refunds += c.real.Refunds
		r.Purchases += c.real.Purchases
		r.RevenueCents += c.real.RevenueCents
		r.AnonymousMention += c.real.AnonymousMention
		if werr != nil {
			cancel()
		}
		if progress != nil {
			progress(c.to, cfg.Customers)
		}
		pool.Put(c)
	}
	cancel()
	wg.Wait()
	if err := parent.Err(); werr == nil && err != nil {
		werr = err
	}
	if werr != nil {
		return Manifest{}, werr
	}
	for k := range nKinds {
		if err := outs[k].Flush(); err != nil {
			return Manifest{}, fmt.Errorf("synth: %w", err)
		}
		if err := files[k].Close(); err != nil {
			return Manifest{}, fmt.Errorf("synth: %w", err)
		}
		files[k] = nil
	}
	js, err := json.MarshalIndent(&truth, "", "  ")
	if err != nil {
		return Manifest{}, fmt.Errorf("synth: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "truth.json"), append(js, '\n'), 0o644); err != nil {
		return Manifest{}, fmt.Errorf("synth: %w", err)
	}
	m.Truth = truth
	return m, nil
}
