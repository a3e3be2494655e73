package fidelis

import "sync"

// SettingsKind is not a record kind: it names the business settings (SetSetting) in Versions,
// so that what reads a setting (the insight step reads the industry) can depend on it.
const SettingsKind Kind = "settings"

// Versioned is the part of Store that says what changed: a cache of results computed from the
// store keys each result by the versions of the kinds it reads, so that a write invalidates only
// what reads the kinds it changed.
type Versioned interface {
	// Version returns a number that grows with every committed change, through this handle, to
	// the records of any of kinds (import, update, deletion, erasure) or, for SettingsKind, to a
	// setting; with no kinds, to anything. It never decreases, so equal numbers mean no change in
	// between. Writes by other processes (another writer on a ClickHouse server) are not seen.
	Version(kinds ...Kind) int64
}

// Versions counts committed changes per kind; a store embeds it and calls Bump after each commit
// (also after one whose COMMIT reported an error: an extra recomputation is harmless, a result
// kept across a change is not). The zero value is ready to use.
type Versions struct {
	mu sync.Mutex
	n  map[Kind]int64
}

// Bump records a committed change to each of kinds.
func (v *Versions) Bump(kinds ...Kind) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.n == nil {
		v.n = map[Kind]int64{}
	}
	for _, k := range kinds {
		v.n[k]++
	}
}

// Version implements Versioned: the sum of the kinds' counters, which grows whenever any of
// them does, since none ever decreases.
func (v *Versions) Version(kinds ...Kind) int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	var sum int64
	if len(kinds) == 0 {
		for _, n := range v.n {
			sum += n
		}
		return sum
	}
	for _, k := range kinds {
		sum += v.n[k]
	}
	return sum
}

// Erased lists the kinds an erasure changed: those it removed records of, and customers when it
// removed free attributes.
func (e Erasure) Erased() []Kind {
	var out []Kind
	for _, k := range Kinds {
		if e.Removed[k] > 0 || (k == Customers && e.Attributes > 0) {
			out = append(out, k)
		}
	}
	return out
}
