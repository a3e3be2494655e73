package server

import (
	"context"
	"reflect"
	"sync"
)

// cache holds computed results per key (the normalised query) and version (of the record kinds
// the result reads: see fidelis.Versioned). Concurrent requests for one key wait for a single
// computation; a result computed while its kinds changed is handed to its callers but not kept.
// Entries whose kinds changed since are dropped whenever a result is stored, and at most max
// entries are kept (least recently used goes first).
type cache struct {
	max  int
	mu   sync.Mutex
	m    map[string]*entry
	tick int64
	// byVal finds a kept entry from its value (a pointer), so that writing a cached result reuses
	// its memoised JSON.
	byVal map[any]*entry
}

type entry struct {
	version int64
	current func() int64 // the version of the entry's kinds now
	done    chan struct{}
	val     any
	err     error
	used    int64
	// encoded memoises the JSON of val: a cached analysis is written without walking it again.
	encOnce sync.Once
	encoded []byte
}

func newCache(max int) *cache {
	return &cache{max: max, m: map[string]*entry{}, byVal: map[any]*entry{}}
}

func (c *cache) drop(key string) {
	if e, ok := c.m[key]; ok {
		if isPointer(e.val) {
			delete(c.byVal, e.val)
		}
		delete(c.m, key)
	}
}

// encoded returns v's memoised JSON when v is a kept result, else ok = false.
func (c *cache) encoded(v any, enc func(any) ([]byte, error)) ([]byte, bool) {
	if !isPointer(v) {
		return nil, false
	}
	c.mu.Lock()
	e, ok := c.byVal[v]
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	e.encOnce.Do(func() { e.encoded, _ = enc(e.val) })
	return e.encoded, e.encoded != nil
}

func isPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && !rv.IsNil()
}

// get returns the value for key at version, computing it with compute when it is missing. A
// failed computation is not kept, so the next request tries again.
func (c *cache) get(ctx context.Context, version int64, key string, current func() int64, compute func() (any, error)) (*entry, bool, error) {
	c.mu.Lock()
	c.tick++
	if e, ok := c.m[key]; ok && e.version == version {
		e.used = c.tick
		c.mu.Unlock()
		select {
		case <-e.done:
			return e, true, e.err
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
	e := &entry{version: version, current: current, done: make(chan struct{}), used: c.tick}
	c.drop(key)
	c.m[key] = e
	c.mu.Unlock()

	e.val, e.err = compute()
	close(e.done)
	c.mu.Lock()
	if e.err != nil || current() != version {
		if c.m[key] == e {
			c.drop(key)
		}
	} else {
		if isPointer(e.val) {
			c.byVal[e.val] = e
		}
		for k, o := range c.m { // results of changed kinds can never be asked for again
			if o.current() != o.version {
				c.drop(k)
			}
		}
		for len(c.m) > c.max {
			var oldest string
			for k, o := range c.m {
				if oldest == "" || o.used < c.m[oldest].used {
					oldest = k
				}
			}
			c.drop(oldest)
		}
	}
	c.mu.Unlock()
	return e, false, e.err
}

// size returns the number of entries (for tests and metrics).
func (c *cache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
