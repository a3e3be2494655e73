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
func synthCustomers(t testing.TB, dir string) ([]fidelis.ProgramCustomer, time.Time) {
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

// synthComparer writes a synthetic company and adds its customers to a Comparer.
func synthComparer(t testing.TB, customers int, seed uint64) (*advocacy.Comparer, time.Time, synth.Manifest) {
	t.Helper()
	dir := t.TempDir()
	m, err := synth.Write(context.Background(), dir, synth.Config{Customers: customers, Seed: seed}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs, last := synthCustomers(t, dir)
	var c advocacy.Comparer
	for _, x := range cs {
		c.Add(x)
	}
	return &c, last, m
}

// TestMatchedVersusNaiveProgramEffect runs the comparison on synthetic companies of 40 000
// customers where synth plants a +10% purchase-rate effect of enrolment and members self-select
// on purchase rate and satisfaction (and, being alive when they enrol, on survival). The naive
// rate ratio is about +110%; the matched within-customer difference-in-differences recovers the
// planted effect: seed 7 gives +11.4% (95% bootstrap +8.6% to +14.7%), seed 1 +9.6% (+7.0% to
// +12.3%).
//
// Tolerance: the planted effect must lie inside the estimate's own 95% bootstrap interval, and
// the point estimate within ±4 points of it — about 2.5 bootstrap standard errors (the
// interval's half-width is about 3 points, so one SE ≈ 1.5) — with an interval no wider than
// ±5 points, so that recovery cannot come from vagueness. The naive figure must stay far off
// (above +50%): the synthetic company does self-select.
func TestMatchedVersusNaiveProgramEffect(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a synthetic company")
	}
	for _, seed := range []uint64{7, 1} {
		t.Run("seed"+strconv.FormatUint(seed, 10), func(t *testing.T) {
			c, last, m := synthComparer(t, 40000, seed)
			r, err := c.Compare(context.Background(), advocacy.CompareOptions{End: last})
			if err != nil {
				t.Fatal(err)
			}
			truth := m.Truth.Program.RateEffect
			t.Logf("members %d (rate effect: %d members, %d control records); naive rate effect %+.3f; matched %+.3f [%+.3f, %+.3f]; truth %+.3f",
				r.Members, r.RateMembers, r.RateControls, r.NaiveRateEffect, r.RateEffect, r.RateLow, r.RateHigh, truth)
			if !(r.RateLow <= truth && truth <= r.RateHigh) {
				t.Errorf("planted effect %+.3f outside the 95%% bootstrap interval [%+.3f, %+.3f]", truth, r.RateLow, r.RateHigh)
			}
			if math.Abs(r.RateEffect-truth) > 0.04 {
				t.Errorf("matched rate effect %+.3f more than 4 points from the planted %+.3f", r.RateEffect, truth)
			}
			if r.RateHigh-r.RateLow > 0.10 {
				t.Errorf("interval [%+.3f, %+.3f] wider than 10 points", r.RateLow, r.RateHigh)
			}
			if r.NaiveRateEffect < 0.5 {
				t.Errorf("naive rate effect %+.3f: the synthetic members should self-select", r.NaiveRateEffect)
			}
			if r.Caveat == "" {
				t.Error("no self-selection caveat")
			}
			for _, o := range r.Outcomes {
				t.Logf("%s: members %.3f, non-members %.3f (naive %+.3f), matched controls %.3f (matched %+.3f ± %.3f)",
					o.Name, o.Members, o.NonMembers, o.NaiveRelative, o.MatchedControls, o.MatchedRelative, o.MatchedSE)
			}
		})
	}
}

// TestSpanRateFixture works the rate effect by hand. Member M enrols on day 100 with orders on
// days 0, 80, 110, 130, 200: its known-alive span runs from the first order (day 0) to the last
// order within 180 days after enrolment (day 200); inside it day 80 falls before enrolment (100
// days) and days 110 and 130 after it (100 days), so θ_member = (2/100) ÷ (1/100) = 2. Control N
// (orders 0, 70, 150, 200; same profile, delay bucket and two orders before day 100) has day 70
// before and day 150 after over 100 days each: θ_control = 1. Control D (orders 0, 60) has no
// order after day 100 and is not followed. Effect 2 ÷ 1 − 1 = +100%.
func TestSpanRateFixture(t *testing.T) {
	day := func(d float64) time.Time {
		return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(d * 24 * float64(time.Hour)))
	}
	var c advocacy.Comparer
	c.Add(fidelis.ProgramCustomer{Customer: "M", Profile: "x", Enrolled: day(100),
		Orders: []time.Time{day(0), day(80), day(110), day(130), day(200)}, Amounts: []float64{10, 10, 20, 40, 10}})
	c.Add(fidelis.ProgramCustomer{Customer: "N", Profile: "x", Orders: []time.Time{day(0), day(70), day(150), day(200)}, Amounts: []float64{10, 10, 30, 30}})
	c.Add(fidelis.ProgramCustomer{Customer: "D", Profile: "x", Orders: []time.Time{day(0), day(60)}, Amounts: []float64{10, 10}})
	r, err := c.Compare(context.Background(), advocacy.CompareOptions{End: day(800), Boot: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.RateMembers != 1 || r.RateControls != 1 {
		t.Fatalf("rate records: %d members, %d controls; want 1, 1", r.RateMembers, r.RateControls)
	}
	if math.Abs(r.RateEffect-1) > 1e-9 {
		t.Errorf("rate effect %v, want 1", r.RateEffect)
	}
	if !math.IsNaN(r.RateLow) || !math.IsNaN(r.RateHigh) {
		t.Errorf("interval [%v, %v] from one replicate, want NaN", r.RateLow, r.RateHigh)
	}
}

// TestComparisonPinned pins every figure of the comparison on a 20 000-customer synthetic company
// (seed 3) to the values the straightforward implementation gave (100 bisection steps on log θ,
// struct-keyed strata, serial bootstrap), so that speed work changes nothing but the time.
// Tolerance 1e-9 relative: the score is solved to below 1e-13 in log θ, the bootstrap draws the
// same customers in the same order, and sums are taken in the same order up to regrouping, so
// anything beyond rounding is a change of result.
func TestComparisonPinned(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a synthetic company")
	}
	c, last, _ := synthComparer(t, 20000, 3)
	r, err := c.Compare(context.Background(), advocacy.CompareOptions{End: last})
	if err != nil {
		t.Fatal(err)
	}
	counts := [...]int{r.Members, r.NonMembers, r.Matched, r.Strata, r.RateMembers, r.RateControls}
	if want := [...]int{2487, 7233, 2448, 995, 2331, 18142}; counts != want {
		t.Errorf("members, non-members, matched, strata, rate members, rate controls = %v, want %v", counts, want)
	}
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("%s = %.17g, want %.17g", name, got, want)
		}
	}
	near("rate effect", r.RateEffect, 0.099800477208460858)
	near("rate low", r.RateLow, 0.062498481218057567)
	near("rate high", r.RateHigh, 0.14117074324112466)
	near("naive rate effect", r.NaiveRateEffect, 1.0679294477260455)
	want := [][8]float64{
		{13.906714917571371, 5.5603484031522186, 8.3463665144191523, 9.1334463955145857, 4.8289719051390083, 0.34073978907846358, 1.5010509970359971, 0.52871300668173904},
		{0.35142742259750703, 0.26171712982165074, 0.089710292775856293, 0.3475535959920722, 0.0074300641386467747, 0.010955194799255727, 0.34277577794388203, 0.021378182312969816},
		{72.240601045576398, 71.985588925877124, 0.2550121196992734, 73.957636859192277, -2.3235719664934038, 1.6830810888975427, 0.0035425440495021436, -0.031417606959471212},
		{1075.755621100843, 416.86339426853181, 658.89222683231117, 698.61562547604694, 369.08994629622816, 45.29981607223943, 1.5805950723700894, 0.52831619110254635},
	}
	if len(r.Outcomes) != len(want) {
		t.Fatalf("%d outcomes, want %d", len(r.Outcomes), len(want))
	}
	for i, o := range r.Outcomes {
		got := [8]float64{o.Members, o.NonMembers, o.NaiveDiff, o.MatchedControls, o.MatchedDiff, o.MatchedSE, o.NaiveRelative, o.MatchedRelative}
		for j, name := range []string{"members", "non-members", "naive diff", "matched controls", "matched diff", "matched SE", "naive relative", "matched relative"} {
			near(o.Name+": "+name, got[j], want[i][j])
		}
	}
}

// BenchmarkCompare times the comparison (bootstrap included) on a 20 000-customer synthetic
// company; the store's streaming is not part of it.
func BenchmarkCompare(b *testing.B) {
	c, last, _ := synthComparer(b, 20000, 3)
	b.ResetTimer()
	for range b.N {
		if _, err := c.Compare(context.Background(), advocacy.CompareOptions{End: last}); err != nil {
			b.Fatal(err)
		}
	}
}
