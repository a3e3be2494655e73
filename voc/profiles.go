package voc

import (
	"math"
	"sort"
	"strings"

	"fidelis"
)

// TwoProportionZ tests H0: p1 = p2 for k1/n1 against k2/n2 with the pooled two-proportion z-test
//
//	p̂ = (k1 + k2)/(n1 + n2),  z = (k1/n1 − k2/n2) / sqrt(p̂(1 − p̂)(1/n1 + 1/n2)),
//
// and returns z and the two-sided p-value (e.g. Agresti, Categorical Data Analysis, 3rd ed.,
// §2.2 and §3.1). When p̂ is 0 or 1 the samples cannot differ: z = 0, p = 1. n1 or n2 = 0 gives NaN.
func TwoProportionZ(k1, n1, k2, n2 int64) (z, p float64) {
	if n1 <= 0 || n2 <= 0 {
		return math.NaN(), math.NaN()
	}
	a, b := float64(n1), float64(n2)
	pool := float64(k1+k2) / (a + b)
	se := math.Sqrt(pool * (1 - pool) * (1/a + 1/b))
	if se == 0 {
		return 0, 1
	}
	z = (float64(k1)/a - float64(k2)/b) / se
	return z, TwoSidedP(z)
}

// FisherExact returns the two-sided p-value of Fisher's exact test for the 2×2 table
//
//	a b
//	c d
//
// conditional on its margins: the sum of the hypergeometric probabilities of all tables with the
// same margins that are no more likely than the observed one (Fisher 1935; the "minimum
// likelihood" two-sided rule used by R's fisher.test, with a relative tolerance of 1e-7).
// Probabilities are computed in log space with math.Lgamma. Negative cells are an error.
func FisherExact(a, b, c, d int64) (float64, error) {
	if a < 0 || b < 0 || c < 0 || d < 0 {
		return math.NaN(), fidelis.Errorf(fidelis.EInvalid, "Fisher exact test: negative cell in %d %d %d %d", a, b, c, d)
	}
	r1, r2, c1 := a+b, c+d, a+c
	n := r1 + r2
	lf := func(x int64) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	base := lf(r1) + lf(r2) + lf(c1) + lf(n-c1) - lf(n)
	logP := func(x int64) float64 { return base - lf(x) - lf(r1-x) - lf(c1-x) - lf(r2-c1+x) }
	lo, hi := max(0, c1-r2), min(r1, c1)
	obs := logP(a)
	var p float64
	for x := lo; x <= hi; x++ {
		if lp := logP(x); lp <= obs+1e-7 {
			p += math.Exp(lp)
		}
	}
	return math.Min(1, p), nil
}

// BenjaminiHochberg returns the Benjamini–Hochberg adjusted p-values (q-values) of p, in input
// order (Benjamini & Hochberg 1995, JRSS B 57(1)): with p sorted ascending, p_(1) ≤ … ≤ p_(m),
//
//	q_(i) = min_{j ≥ i} min(1, m·p_(j)/j).
//
// Rejecting every hypothesis with q ≤ α controls the false discovery rate at α for independent or
// positively dependent tests. NaN p-values are left NaN and do not count in m.
func BenjaminiHochberg(p []float64) []float64 {
	q := make([]float64, len(p))
	idx := make([]int, 0, len(p))
	for i, v := range p {
		q[i] = math.NaN()
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	m := float64(len(idx))
	run := 1.0
	for r := len(idx) - 1; r >= 0; r-- {
		run = math.Min(run, m*p[idx[r]]/float64(r+1))
		q[idx[r]] = run
	}
	return q
}

// Profile is one customer's categorical attributes (name → value, e.g. "channel" → "web") and
// whether they defected.
type Profile struct {
	Customer string            `json:"customer"`
	Defector bool              `json:"defector"`
	Attrs    map[string]string `json:"attrs"`
}

// Missing is the value recorded for a customer without a value for an attribute: missing values are
// compared like any other, never dropped.
const Missing = "(missing)"

// AttrEffect compares how common one attribute value is among defectors and among loyal
// customers. Defectors and Loyal are the shares with the value (Wilson intervals; N = all
// defectors / all loyal customers); Diff = Defectors − Loyal in percentage points; RiskRatio =
// Defectors.Value/Loyal.Value. Test is "z" (two-proportion z-test) or "fisher" (Fisher's exact
// test, used when any expected cell count of the 2×2 table is below 5, Cochran's rule); P is its
// two-sided p-value and Q the Benjamini–Hochberg adjusted p-value across every comparison in the
// call. Direction is "over" when the value is more common among defectors, else "under";
// Significant is Q ≤ the FDR level.
type AttrEffect struct {
	Attribute   string  `json:"attribute"`
	Value       string  `json:"value"`
	Defectors   Share   `json:"defectors"`
	Loyal       Share   `json:"loyal"`
	Diff        float64 `json:"diff"`
	RiskRatio   float64 `json:"risk_ratio"`
	Test        string  `json:"test"`
	Z           float64 `json:"z"`
	P           float64 `json:"p"`
	Q           float64 `json:"q"`
	Direction   string  `json:"direction"`
	Significant bool    `json:"significant"`
}

// MarshalJSON writes NaN or infinite values as null.
func (e AttrEffect) MarshalJSON() ([]byte, error) {
	type plain AttrEffect
	return marshalNaN(plain(e))
}

// CompareProfiles finds the attribute values over- or under-represented among defectors compared
// with loyal customers. For each attribute and each of its values (Missing included), it tests the
// share of defectors having the value against the share of loyal customers having it (see
// AttrEffect), then adjusts all p-values together with BenjaminiHochberg. fdr is the false
// discovery rate for Significant (≤ 0 means 0.05). Results are sorted by Q, then |Diff|. An
// attribute with a single value (including all missing) carries no contrast and is skipped.
// Fewer than one defector or one loyal customer is an error.
func CompareProfiles(profiles []Profile, fdr float64) ([]AttrEffect, error) {
	if fdr <= 0 {
		fdr = 0.05
	}
	var nd, nl int64
	attrs := map[string]bool{}
	for _, p := range profiles {
		if p.Defector {
			nd++
		} else {
			nl++
		}
		for a := range p.Attrs {
			attrs[a] = true
		}
	}
	if nd == 0 || nl == 0 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "need both defectors and loyal customers (got %d and %d)", nd, nl)
	}
	names := make([]string, 0, len(attrs))
	for a := range attrs {
		names = append(names, a)
	}
	sort.Strings(names)
	var out []AttrEffect
	for _, a := range names {
		cnt := map[string][2]int64{} // value → [defectors, loyal]
		for _, p := range profiles {
			v := strings.TrimSpace(p.Attrs[a])
			if v == "" {
				v = Missing
			}
			c := cnt[v]
			if p.Defector {
				c[0]++
			} else {
				c[1]++
			}
			cnt[v] = c
		}
		if len(cnt) < 2 {
			continue
		}
		vals := make([]string, 0, len(cnt))
		for v := range cnt {
			vals = append(vals, v)
		}
		sort.Strings(vals)
		for _, v := range vals {
			k1, k2 := cnt[v][0], cnt[v][1]
			e := AttrEffect{Attribute: a, Value: v, Defectors: NewShare(k1, nd), Loyal: NewShare(k2, nl)}
			e.Diff = 100 * (e.Defectors.Value - e.Loyal.Value)
			e.RiskRatio = e.Defectors.Value / e.Loyal.Value
			e.Z, e.P = TwoProportionZ(k1, nd, k2, nl)
			e.Test = "z"
			// Expected counts of the 2×2 table [k1, nd−k1; k2, nl−k2] under independence.
			n, col := float64(nd+nl), float64(k1+k2)
			minExp := math.Min(math.Min(float64(nd)*col/n, float64(nd)*(n-col)/n),
				math.Min(float64(nl)*col/n, float64(nl)*(n-col)/n))
			if minExp < 5 {
				e.Test = "fisher"
				e.P, _ = FisherExact(k1, nd-k1, k2, nl-k2)
			}
			e.Direction = "under"
			if e.Diff > 0 {
				e.Direction = "over"
			}
			out = append(out, e)
		}
	}
	ps := make([]float64, len(out))
	for i := range out {
		ps[i] = out[i].P
	}
	for i, q := range BenjaminiHochberg(ps) {
		out[i].Q = q
		out[i].Significant = q <= fdr
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Q != out[j].Q {
			return out[i].Q < out[j].Q
		}
		return math.Abs(out[i].Diff) > math.Abs(out[j].Diff)
	})
	return out, nil
}

// The behaviour bands of the defector profile: the one definition of them (stores return exact
// counts, fidelis.BehaviourCell). Fidelis' choice, not a published standard: order counts in bands
// that separate one-time buyers (0, 1), repeaters (2-3), regulars (4-9) and the most loyal
// (10+); support contacts as none, occasional (1-2) and frequent (3+), since repeated contacts
// are the signal of unresolved problems that exit surveys name.
var (
	OrderBands   = fidelis.Buckets{{Min: 0, Name: "0"}, {Min: 1, Name: "1"}, {Min: 2, Name: "2-3"}, {Min: 4, Name: "4-9"}, {Min: 10, Name: "10+"}}
	SupportBands = fidelis.Buckets{{Min: 0, Name: "0"}, {Min: 1, Name: "1-2"}, {Min: 3, Name: "3+"}}
)

// BehaviourCells turns the store's behaviour counts into profile cells with the attributes
// "subscriber" (yes/no: any subscription started), "programme_member" (yes/no: an enroll
// event), "orders" (OrderBands) and "support_contacts" (SupportBands), ordered by attribute, value
// and group (loyal first).
func BehaviourCells(bs []fidelis.BehaviourCell) []fidelis.ProfileCell {
	return BandCells(bs, OrderBands, SupportBands)
}

// BandCells is BehaviourCells with the given order and support bands.
func BandCells(bs []fidelis.BehaviourCell, orders, support fidelis.Buckets) []fidelis.ProfileCell {
	yes := func(n int64) string {
		if n > 0 {
			return "yes"
		}
		return "no"
	}
	sum := map[fidelis.ProfileCell]int64{}
	for _, b := range bs {
		for _, c := range []fidelis.ProfileCell{
			{Attribute: "subscriber", Value: yes(b.Subscriptions)},
			{Attribute: "programme_member", Value: yes(b.Enrolments)},
			{Attribute: "orders", Value: orders[orders.Of(b.Orders)].Name},
			{Attribute: "support_contacts", Value: support[support.Of(b.Support)].Name},
		} {
			c.Defector = b.Defector
			sum[c] += b.Customers
		}
	}
	out := make([]fidelis.ProfileCell, 0, len(sum))
	for c, n := range sum {
		c.Customers = n
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Attribute != b.Attribute {
			return a.Attribute < b.Attribute
		}
		if a.Value != b.Value {
			return a.Value < b.Value
		}
		return !a.Defector && b.Defector
	})
	return out
}
