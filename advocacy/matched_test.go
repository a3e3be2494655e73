package advocacy_test

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"fidelis"
	"fidelis/advocacy"
	"fidelis/synth"
)

// synthCustomers reads a synthetic company's customers, orders and programme files into the rows
// fidelis.ProgramStore.ProgramCustomers streams (no store needed, so the test runs without cgo).
func synthCustomers(t *testing.T, dir string) ([]fidelis.ProgramCustomer, time.Time) {
	t.Helper()
	read := func(k fidelis.Kind) [][]string {
		f, err := os.Open(filepath.Join(dir, string(k)+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows[1:]
	}
	ts := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	byID := map[string]*fidelis.ProgramCustomer{}
	var ids []string
	for _, r := range read(fidelis.Customers) { // customer_id, signup_at, region, country, segment, ...
		byID[r[0]] = &fidelis.ProgramCustomer{Customer: r[0], Profile: r[2] + "|" + r[4]}
		ids = append(ids, r[0])
	}
	var last time.Time
	for _, r := range read(fidelis.Orders) { // order_id, customer_id, timestamp, amount, ...
		c, at := byID[r[1]], ts(r[2])
		amt, _ := strconv.ParseFloat(r[3], 64)
		if at.After(last) {
			last = at
		}
		if amt < 0 {
			c.Refunds -= amt
			continue
		}
		c.Orders = append(c.Orders, at)
		c.Amounts = append(c.Amounts, amt)
	}
	for _, r := range read(fidelis.Program) { // event_id, customer_id, timestamp, type, ...
		c, at := byID[r[1]], ts(r[2])
		if c.Enrolled.IsZero() || at.Before(c.Enrolled) {
			c.Enrolled = at
		}
	}
	out := make([]fidelis.ProgramCustomer, 0, len(ids))
	for _, id := range ids {
		c := byID[id]
		idx := make([]int, len(c.Orders))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return c.Orders[idx[a]].Before(c.Orders[idx[b]]) })
		o, a := make([]time.Time, len(idx)), make([]float64, len(idx))
		for i, j := range idx {
			o[i], a[i] = c.Orders[j], c.Amounts[j]
		}
		c.Orders, c.Amounts = o, a
		out = append(out, *c)
	}
	return out, last
}

// TestMatchedVersusNaiveProgramEffect runs the comparison on a synthetic company of 40 000
// customers where synth plants a +10% purchase-rate effect of enrolment and members self-select
// on purchase rate and satisfaction. The naive rate ratio is about +117%; the matched
// difference-in-differences about +22% (bootstrap 95% +16% to +28%). That is far closer, but it
// does NOT yet recover the planted +10%: the residual bias comes from the controls' steeper
// post-reference decline in orders (BG/NBD dropout at purchases interacts with the
// pre-period matching). The test therefore asserts only that matching removes at least two
// thirds of the naive bias; recovering +10% within the bootstrap interval is open work.
func TestMatchedVersusNaiveProgramEffect(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a synthetic company")
	}
	dir := t.TempDir()
	m, err := synth.Write(context.Background(), dir, synth.Config{Customers: 40000, Seed: 7}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs, last := synthCustomers(t, dir)
	var c advocacy.Comparer
	for _, x := range cs {
		c.Add(x)
	}
	r := c.Compare(advocacy.CompareOptions{End: last})
	truth := m.Truth.Program.RateEffect
	t.Logf("members %d, matched %d in %d strata; naive rate effect %+.3f; matched DiD %+.3f [%+.3f, %+.3f]; truth %+.3f",
		r.Members, r.Matched, r.Strata, r.NaiveRateEffect, r.RateEffect, r.RateLow, r.RateHigh, truth)
	// Matching must remove at least two thirds of the naive bias.
	if math.Abs(r.RateEffect-truth) > math.Abs(r.NaiveRateEffect-truth)/3 {
		t.Errorf("matched rate effect %+.3f is not much closer to the truth %+.3f than the naive %+.3f", r.RateEffect, truth, r.NaiveRateEffect)
	}
	for _, o := range r.Outcomes {
		t.Logf("%s: members %.3f, non-members %.3f (naive %+.3f), matched controls %.3f (matched %+.3f ± %.3f)",
			o.Name, o.Members, o.NonMembers, o.NaiveRelative, o.MatchedControls, o.MatchedRelative, o.MatchedSE)
	}
}
