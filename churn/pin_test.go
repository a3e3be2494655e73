package churn_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"fidelis"
	"fidelis/churn"
)

var update = flag.Bool("update", false, "rewrite testdata/pinned.json")

// pinned is what the churn model outputs on a fixed synthetic store: the backtest, the scoring and
// the first customers' scores and reasons.
type pinned struct {
	Backtest  *churn.Backtest  `json:"backtest"`
	Scoring   *churn.Scoring   `json:"scoring"`
	Customers []churn.Customer `json:"customers"`
}

// TestResultsPinned pins the backtest and the scores of 3,000 generated customers, so that a change
// made for speed changes nothing else: every number must match the golden file to 1e-9 relative
// (1e-12 absolute near zero), which allows summation in another order but no change of method.
// Refresh with -update only for a change of definition, and say so in the commit.
func TestResultsPinned(t *testing.T) {
	end := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	seed := uint64(100)
	calls := map[time.Time][]fidelis.ChurnRow{}
	src := func(_ context.Context, asOf, _ time.Time) ([]fidelis.ChurnRow, error) {
		if r, ok := calls[asOf]; ok { // one store answers the same cut-off the same way
			return r, nil
		}
		rows := genRows(3000, seed)
		seed++
		calls[asOf] = rows
		return rows, nil
	}
	// Deadlines far beyond the fits' time, so that the machine's load cannot change the results.
	o := churn.Options{HorizonDays: 90, Cutoffs: 2, Bootstrap: 30, Seed: 7, BaseDeadline: 10 * time.Minute}
	// BacktestAndScore gives what Run and ScoreAll give (the golden file was made with them).
	bt, sc, err := churn.BacktestAndScore(context.Background(), src, end.AddDate(-3, 0, 0), end, o)
	if err != nil {
		t.Fatal(err)
	}
	got := pinned{Backtest: bt, Scoring: sc, Customers: sc.Customers[:300]}
	scrub(reflect.ValueOf(&got))
	b, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "pinned.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	var diffs []string
	same("", g, w, &diffs)
	for i, d := range diffs {
		if i == 20 {
			t.Errorf("… %d differences in all", len(diffs))
			break
		}
		t.Error(d)
	}
}

// same appends to diffs where got and want differ: structure and strings exactly, numbers to
// 1e-9 relative or 1e-12 absolute.
func same(path string, got, want any, diffs *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			*diffs = append(*diffs, fmt.Sprintf("%s: got %v, want %v", path, got, want))
			return
		}
		for k, v := range w {
			same(path+"."+k, g[k], v, diffs)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			*diffs = append(*diffs, fmt.Sprintf("%s: got %d elements, want %d", path, len(g), len(w)))
			return
		}
		for i := range w {
			same(fmt.Sprintf("%s[%d]", path, i), g[i], w[i], diffs)
		}
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > max(1e-12, 1e-9*math.Abs(w)) {
			*diffs = append(*diffs, fmt.Sprintf("%s: got %v, want %v", path, got, w))
		}
	default:
		if got != want {
			*diffs = append(*diffs, fmt.Sprintf("%s: got %v, want %v", path, got, want))
		}
	}
}

// nan stands for NaN in the golden file, which JSON cannot hold.
const nan = -123456789.0

// scrub replaces every NaN reachable from v by nan.
func scrub(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scrub(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				scrub(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			scrub(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			scrub(v.MapIndex(k))
		}
	case reflect.Float64, reflect.Float32:
		if math.IsNaN(v.Float()) && v.CanSet() {
			v.SetFloat(nan)
		}
	}
}
