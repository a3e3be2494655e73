package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"testing"
)

// SameJSON fails t for every difference between two JSON documents (typically two reports of the
// same data, from two stores or from before and after a change), beyond a relative tolerance rel
// on numbers. Keys listed in ignore are skipped wherever they appear (a generation time); keys in
// lengthOnly are compared by length only (lists whose order among ties the analysis leaves open).
// It reports at most 40 differences, each with its JSON path.
//
// The tolerance is needed at all because an engine adds doubles in whatever order its threads meet
// them: two runs of the same query can differ in the last bits (seen at 1e-15 relative on the demo
// company), never in a cent or a count.
func SameJSON(t testing.TB, got, want []byte, rel float64, ignore, lengthOnly []string) {
	t.Helper()
	var g, w any
	for _, d := range []struct {
		b   []byte
		dst *any
		n   string
	}{{got, &g, "got"}, {want, &w, "want"}} {
		dec := json.NewDecoder(bytes.NewReader(d.b))
		dec.UseNumber()
		if err := dec.Decode(d.dst); err != nil {
			t.Fatalf("%s is not JSON: %v", d.n, err)
		}
	}
	c := jsonCmp{rel: rel, ignore: ignore, lengthOnly: lengthOnly}
	c.walk("$", g, w)
	for i, d := range c.diffs {
		if i == 40 {
			t.Errorf("... and %d more differences", len(c.diffs)-40)
			break
		}
		t.Error(d)
	}
}

type jsonCmp struct {
	rel                float64
	ignore, lengthOnly []string
	diffs              []string
}

func (c *jsonCmp) diff(path, format string, args ...any) {
	c.diffs = append(c.diffs, path+": "+fmt.Sprintf(format, args...))
}

func (c *jsonCmp) walk(path string, g, w any) {
	switch w := w.(type) {
	case map[string]any:
		gm, ok := g.(map[string]any)
		if !ok {
			c.diff(path, "got %T, want an object", g)
			return
		}
		keys := make([]string, 0, len(w)+len(gm))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range gm {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if slices.Contains(c.ignore, k) {
				continue
			}
			gv, gok := gm[k]
			wv, wok := w[k]
			switch {
			case !gok:
				c.diff(path+"."+k, "missing")
			case !wok:
				c.diff(path+"."+k, "unexpected")
			case slices.Contains(c.lengthOnly, k):
				ga, _ := gv.([]any)
				wa, _ := wv.([]any)
				if len(ga) != len(wa) {
					c.diff(path+"."+k, "length %d, want %d", len(ga), len(wa))
				}
			default:
				c.walk(path+"."+k, gv, wv)
			}
		}
	case []any:
		ga, ok := g.([]any)
		if !ok {
			c.diff(path, "got %T, want an array", g)
			return
		}
		if len(ga) != len(w) {
			c.diff(path, "length %d, want %d", len(ga), len(w))
			return
		}
		for i := range w {
			c.walk(fmt.Sprintf("%s[%d]", path, i), ga[i], w[i])
		}
	case json.Number:
		gn, ok := g.(json.Number)
		if !ok {
			c.diff(path, "got %v, want %v", g, w)
			return
		}
		a, errA := gn.Float64()
		b, errB := w.Float64()
		if errA != nil || errB != nil {
			if gn != w {
				c.diff(path, "got %v, want %v", gn, w)
			}
			return
		}
		if a != b && math.Abs(a-b) > c.rel*math.Max(math.Abs(a), math.Abs(b)) {
			c.diff(path, "got %v, want %v", gn, w)
		}
	default:
		if g != w {
			c.diff(path, "got %v, want %v", g, w)
		}
	}
}
