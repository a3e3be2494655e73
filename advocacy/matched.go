package advocacy

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"fidelis"
)

// The member/non-member comparison.
//
// Members of a loyalty programme self-select: frequent, satisfied customers join, so a naive
// member/non-member difference mixes the programme's effect with who joins (METRICS.md; Leenheer,
// van Heerde, Bijmolt & Smidts 2007, IJRM 24(1), who find most of the naive gap is selection).
// The matched comparison here sets each member against non-members who looked the same before the
// member enrolled — same profile (region and segment), same signup quarter, similar time from first
// order to enrolment, same number of orders in that time — and who were still customers then (an
// order on or after the reference date: a member is by construction alive when enrolling). It is
// exact stratification with ATT weights (every member stratum weighted by its members; controls
// reweighted to the members' strata) — coarsened exact matching in the sense of Iacus, King &
// Porro 2012 (Political Analysis 20(1)).
//
// The purchase-rate effect (the figure the matched comparison is judged on: a programme changes
// how often members buy) is a matched within-customer difference-in-differences:
//
//	rate ratio = θ_member ÷ θ_control,   effect = rate ratio − 1,
//
// where θ is a group's purchase rate after the reference day (enrolment; for controls the
// matched reference day) relative to its own rate before it, estimated by the conditional
// (fixed-effects) Poisson likelihood of Hausman, Hall & Griliches 1984 (Econometrica 52(4)) on
// each customer's known-alive span (see spanRatio). Two traps make simpler estimates wrong, and
// the design follows from them:
//
//   - Survivorship. A member is alive by construction when enrolling; a control is not known to
//     be. Under the BG/NBD (Fader, Hardie & Lee 2005, Marketing Science 24(2)) customers drop out
//     just after a purchase, so order counts in a fixed window after the reference day mix the
//     rate with dropout, and controls, less satisfied and so quicker to drop out, lose more
//     orders: counts overstate the effect (+22% for a planted +10% on the synthetic company).
//     Counting only orders strictly inside the span from the first order (or the span's start)
//     to the last order seen — a stretch in which the customer was certainly buying — removes
//     dropout altogether: given the number of orders inside it, where they fall depends only on
//     the rate's changes over time, not on the customer's own rate λ nor their dropout chance p.
//   - Matching on the outcome split. Weighting controls by their orders before the reference
//     day conditions on how each control's orders fall around it, which tilts θ_control
//     (downwards here). The fixed-effects likelihood already holds each customer's own rate
//     fixed, so the rate effect's strata are coarse: profile, signup quarter and time to the
//     reference day, which line members and controls up in calendar time (seasonality) and
//     tenure. θ_control carries the seasonal and ageing change the members would have seen
//     without enrolling.
//
// Controls come from the risk set (Li, Propert & Rosenbaum 2001, JASA 96(455)): any customer
// not yet enrolled at the reference day, a later enrolee counting only until enrolment. The
// interval is a percentile bootstrap over customers (a customer's member and control records
// drawn together, the ATT weights recomputed in each replicate). See Stuart 2010 (Statistical
// Science 25(1)) for matching as design and Rosenbaum & Rubin 1983 (Biometrika 70(1)) for the
// underlying ignorability assumption.
//
// The follow-up outcomes (orders, retention, order value, revenue over the horizon) are matched
// ATT means on the finer strata that include orders before the reference day. They measure the
// programme's effect on totals, which is smaller than the rate effect (a faster buyer also meets
// the per-purchase dropout sooner) and still carries the survivorship imbalance above; read
// them as descriptive.
//
// Remaining assumptions, stated with the result: no unobserved change coinciding with enrolment
// (joining because one was about to buy more anyway), and that members and matched controls
// share the same calendar and tenure trends.

// CompareOptions tune the comparison; zero values take the defaults.
type CompareOptions struct {
	End     time.Time     // end of the data (follow-up must fit before it)
	Horizon time.Duration // follow-up after the reference date; default 365 days
	Seed    uint64        // bootstrap seed; default 1
	Boot    int           // bootstrap replicates; default 200
}

// Outcome compares members with non-members on one outcome, naive and matched side by side.
type Outcome struct {
	Name    string  `json:"name"`
	Members float64 `json:"members"`
	// Naive: all non-members, followed over the same horizon from their first order plus the
	// members' median enrolment delay.
	NonMembers float64 `json:"non_members"`
	NaiveDiff  float64 `json:"naive_difference"`
	// Matched: members against their matched controls (ATT).
	MatchedControls float64 `json:"matched_controls"`
	MatchedDiff     float64 `json:"matched_difference"`
	MatchedSE       float64 `json:"matched_se"`
	// Relative differences: Diff ÷ the comparison group's mean.
	NaiveRelative   float64 `json:"naive_relative"`
	MatchedRelative float64 `json:"matched_relative"`
}

// Comparison is the member/non-member comparison.
type Comparison struct {
	HorizonDays int       `json:"horizon_days"`
	Members     int       `json:"members_followed"`
	NonMembers  int       `json:"non_members_followed"`
	Matched     int       `json:"members_matched"`
	Strata      int       `json:"strata"`
	Outcomes    []Outcome `json:"outcomes"`
	// RateEffect is the matched within-customer difference-in-differences purchase-rate effect
	// (rate ratio − 1), with its customer-bootstrap 95% interval; NaiveRateEffect the naive
	// post-enrolment rate ratio − 1. RateMembers and RateControls count the member and control
	// records with orders inside their known-alive span (the ones the rate effect uses).
	RateEffect      float64 `json:"rate_effect"`
	RateLow         float64 `json:"rate_effect_low"`
	RateHigh        float64 `json:"rate_effect_high"`
	NaiveRateEffect float64 `json:"naive_rate_effect"`
	RateMembers     int     `json:"rate_members"`
	RateControls    int     `json:"rate_controls"`
	Caveat          string  `json:"caveat"`
}

// SelfSelectionCaveat is the caveat printed with every comparison.
const SelfSelectionCaveat = "Members choose to join, and the customers who join already buy more often and are happier, " +
	"so the naive member/non-member gap overstates what the programme does. The matched figures compare members " +
	"with non-members who looked the same before enrolment (profile, signup quarter, time to enrolment, orders " +
	"until then, still a customer); the purchase-rate effect compares each customer with their own earlier rate, " +
	"counting only the time they were certainly still buying, so it is not inflated by who joins or by customers " +
	"who quietly stopped. Matching removes only the differences it can see: a reason for joining that also " +
	"changes how often one buys at the time of joining can still bias it."

// unit is one customer's compact history: days since its first order. At a million customers
// the units hold about 10M orders as two float32 each (~80 MB) besides 1M headers (~80 bytes).
type unit struct {
	profile int32 // index of the customer's profile (Comparer.profiles)
	first   time.Time
	enrol   float64 // days from first order to enrolment; NaN for non-members
	orders  []float32
	amounts []float32
}

// Comparer accumulates customers (streamed from the store) and compares members with non-members.
type Comparer struct {
	units []unit
	// profiles numbers the distinct profiles (a handful of region|segment values), so that a
	// unit and its strata carry an integer instead of a string per customer.
	profiles map[string]int32
}

// Grow makes room for n more customers (a hint; Add grows as needed).
func (c *Comparer) Grow(n int) { c.units = slices.Grow(c.units, n) }

// Add records one customer.
func (c *Comparer) Add(p fidelis.ProgramCustomer) {
	if len(p.Orders) == 0 {
		return
	}
	pr, ok := c.profiles[p.Profile]
	if !ok {
		if c.profiles == nil {
			c.profiles = map[string]int32{}
		}
		pr = int32(len(c.profiles))
		c.profiles[p.Profile] = pr
	}
	u := unit{profile: pr, first: p.Orders[0], enrol: math.NaN()}
	if !p.Enrolled.IsZero() {
		u.enrol = math.Max(0, p.Enrolled.Sub(u.first).Hours()/24)
	}
	u.orders = make([]float32, len(p.Orders))
	u.amounts = make([]float32, len(p.Orders))
	for i, t := range p.Orders {
		u.orders[i] = float32(t.Sub(u.first).Hours() / 24)
		u.amounts[i] = float32(p.Amounts[i])
	}
	c.units = append(c.units, u)
}

// atRisk says whether u can be a control at reference day d (days from its first order): not
// enrolled by then, and followed for horizon days after it before end.
func (u *unit) atRisk(d, horizon float64, end time.Time) bool {
	if !math.IsNaN(u.enrol) && u.enrol <= d {
		return false
	}
	return !u.first.Add(time.Duration((d + horizon) * 24 * float64(time.Hour))).After(end)
}

// follow holds one unit's outcomes relative to a reference day.
type follow struct {
	orders, value, retained, aov float64 // aov NaN when no orders in the follow-up
	preN, preX, postN, postX     float64 // known-active orders and days (the naive rates)
	alive                        bool    // an order on or after the reference day
	clean                        bool    // not enrolled during the whole follow-up (controls)
	preCount                     int     // orders before the reference day
	// The known-alive span around the reference day (see spanRatio): the orders strictly inside
	// it before and after the reference day, and its days before and after.
	spanPre, spanPost, spanXPre, spanXPost float64
}

// follow measures u around day ref; censor (days from the first order) ends the known-alive span
// early: a control who enrols later counts only until enrolment.
func (u *unit) follow(ref, horizon, censor float64) follow {
	f := follow{aov: math.NaN()}
	end := ref + horizon
	for i, t := range u.orders {
		d := float64(t)
		if d < ref {
			f.preCount++
		} else {
			f.alive = true
			if d < end {
				f.orders++
				f.value += float64(u.amounts[i])
				if d >= end-90 {
					f.retained = 1
				}
			}
		}
		if i+1 < len(u.orders) {
			a, b := d, float64(u.orders[i+1])
			// Known-active time [a, b): the part before ref is pre, the part in [ref, end) post.
			f.preX += math.Max(0, math.Min(b, ref)-a)
			f.postX += math.Max(0, math.Min(b, end)-math.Max(a, ref))
			if b < ref {
				f.preN++
			} else if b < end {
				f.postN++
			}
		}
	}
	if f.orders > 0 {
		f.aov = f.value / f.orders
	}
	// The known-alive span: from L (the first order, or SpanWindow days before ref: alive then,
	// as b > ref) to b, the last order up to R (SpanWindow days after ref, or the censoring).
	L, R := math.Max(0, ref-SpanWindow), math.Min(ref+SpanWindow, censor)
	b := math.NaN()
	for _, t := range u.orders {
		if d := float64(t); d >= L && d <= R {
			b = d
		}
	}
	if b > ref {
		for _, t := range u.orders {
			switch d := float64(t); {
			case d <= L || d >= b:
			case d < ref:
				f.spanPre++
			default:
				f.spanPost++
			}
		}
		f.spanXPre, f.spanXPost = ref-L, b-ref
	}
	return f
}

func quarter(t time.Time) int { return t.Year()*4 + (int(t.Month())-1)/3 }

// delayBucket groups days to enrolment: under 30, 30–59, 60–119, 120–239, 240 and more.
func delayBucket(d float64) int {
	switch {
	case d < 30:
		return 0
	case d < 60:
		return 1
	case d < 120:
		return 2
	case d < 240:
		return 3
	}
	return 4
}

// countClass groups pre-enrolment orders: 1, 2, 3, 4–5, 6–9, 10 or more.
func countClass(n int) int {
	switch {
	case n <= 3:
		return n
	case n <= 5:
		return 4
	case n <= 9:
		return 5
	}
	return 6
}

// stratum is a matching cell: profile, signup quarter, delay bucket and pre-period order class
// (class −1 in the rate effect's coarse strata). Integers only, so hashing it is cheap.
type stratum struct {
	profile, q int32
	db, class  int8
}

func coarse(s stratum) stratum { s.class = -1; return s }

// control is a risk-set control record reduced to what the follow-up outcomes read (its span
// goes straight to the rate set). At a million customers there are a few million (24 bytes each).
type control struct {
	value           float64
	orders          int32
	s               int32 // fine stratum id
	retained, clean bool
}

// meanSum accumulates a weighted mean in the order of its terms (NaN values skipped); wmean's
// first pass, for groups whose variance is not needed.
type meanSum struct{ w, x float64 }

func (m *meanSum) add(x, w float64) {
	if !math.IsNaN(x) {
		m.w += w
		m.x += w * x
	}
}

func (m meanSum) mean() float64 {
	if m.w == 0 {
		return math.NaN()
	}
	return m.x / m.w
}

// outcome is one follow-up outcome of the comparison.
type outcome struct {
	name string
	get  func(follow) float64
}

var outcomes = []outcome{
	{"orders in the follow-up (frequency)", func(f follow) float64 { return f.orders }},
	{"retained: an order in the last 90 days of the follow-up", func(f follow) float64 { return f.retained }},
	{"average order value in the follow-up", func(f follow) float64 { return f.aov }},
	{"revenue in the follow-up (CLV over the horizon)", func(f follow) float64 { return f.value }},
}

// follow returns the outcomes of a control record (aov recomputed as in unit.follow).
func (x control) follow() follow {
	f := follow{orders: float64(x.orders), value: x.value, aov: math.NaN()}
	if x.retained {
		f.retained = 1
	}
	if f.orders > 0 {
		f.aov = f.value / f.orders
	}
	return f
}

// Compare runs the naive and matched comparisons; it stops at ctx's end.
func (c *Comparer) Compare(ctx context.Context, o CompareOptions) (Comparison, error) {
	if o.Horizon == 0 {
		o.Horizon = 365 * 24 * time.Hour
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Boot == 0 {
		o.Boot = 200
	}
	H := o.Horizon.Hours() / 24
	res := Comparison{HorizonDays: int(math.Round(H)), Caveat: SelfSelectionCaveat}
	// Members whose follow-up fits; the representative delay of each delay bucket (median).
	delays := map[int][]float64{}
	var mem []int
	for i := range c.units {
		u := &c.units[i]
		if math.IsNaN(u.enrol) || u.first.Add(time.Duration((u.enrol+H)*24*float64(time.Hour))).After(o.End) {
			continue
		}
		mem = append(mem, i)
		delays[delayBucket(u.enrol)] = append(delays[delayBucket(u.enrol)], u.enrol)
	}
	rep := map[int]float64{}
	var all []float64
	for b, ds := range delays {
		sort.Float64s(ds)
		rep[b] = ds[len(ds)/2]
		all = append(all, ds...)
	}
	sort.Float64s(all)
	if len(mem) == 0 {
		return res, nil
	}
	median := all[len(all)/2]
	buckets := make([]int, 0, len(rep))
	for b := range rep {
		buckets = append(buckets, b)
	}
	sort.Ints(buckets) // deterministic order of the controls
	// Fine strata numbered in order of first appearance; nm and nc count their members and
	// controls.
	ids := map[stratum]int32{}
	var strata []stratum
	var nm, nc []float64
	id := func(s stratum) int32 {
		v, ok := ids[s]
		if !ok {
			v = int32(len(strata))
			ids[s] = v
			strata, nm, nc = append(strata, s), append(nm, 0), append(nc, 0)
		}
		return v
	}
	// The rate effect: its own ATT strata leave out the order count (see spanRatio); only records
	// with orders inside their known-alive span carry information.
	rb := newRateBuilder(len(c.units))
	rb.rs.memberU, rb.rs.memberS = make([]int32, 0, len(mem)), make([]int32, 0, len(mem))
	type member struct {
		f follow
		s int32
	}
	members := make([]member, 0, len(mem))
	for _, i := range mem {
		u := &c.units[i]
		f := u.follow(u.enrol, H, math.Inf(1))
		s := stratum{u.profile, int32(quarter(u.first)), int8(delayBucket(u.enrol)), int8(countClass(f.preCount))}
		members = append(members, member{f, id(s)})
		nm[members[len(members)-1].s]++
		rb.add(0, i, coarse(s), &f)
	}
	// The naive comparison: all non-members, followed from the members' median delay; only
	// their means are reported, so they are summed as they come.
	var naive [4]meanSum
	var naivePost, naivePostX float64
	// Controls are sized for every customer at risk at a delay bucket's reference day (~5M at 1M
	// customers, 24 bytes each), so that they are not copied as they grow.
	nctl := 0
	for i := range c.units {
		for _, b := range buckets {
			if c.units[i].atRisk(rep[b], H, o.End) {
				nctl++
			}
		}
	}
	controls := make([]control, 0, nctl)
	rb.rs.controlU, rb.rs.controlS = make([]int32, 0, nctl), make([]int32, 0, nctl)
	for i := range c.units {
		u := &c.units[i]
		if math.IsNaN(u.enrol) && !u.first.Add(time.Duration((median+H)*24*float64(time.Hour))).After(o.End) {
			f := u.follow(median, H, math.Inf(1))
			res.NonMembers++
			for j, oc := range outcomes {
				naive[j].add(oc.get(f), 1)
			}
			naivePost, naivePostX = naivePost+f.postN, naivePostX+f.postX
		}
		for _, b := range buckets {
			d := rep[b]
			// Risk-set matching (Li, Propert & Rosenbaum 2001, JASA 96(455)): a control is any
			// customer not yet enrolled at the reference day, whatever happens later; one who
			// enrols later is a control until then (censored at enrolment). Requiring "never
			// enrolled", or "not enrolled during the window", conditions on the future: it keeps
			// the would-be members who did not live to enrol, and biases the controls towards
			// customers about to lapse.
			if !u.atRisk(d, H, o.End) {
				continue
			}
			censor := math.Inf(1)
			if !math.IsNaN(u.enrol) {
				censor = u.enrol
			}
			f := u.follow(d, H, censor)
			if !f.alive {
				continue
			}
			s := stratum{u.profile, int32(quarter(u.first)), int8(b), int8(countClass(f.preCount))}
			x := control{value: f.value, orders: int32(f.orders), s: id(s), retained: f.retained == 1,
				clean: math.IsNaN(u.enrol) || u.enrol >= d+H}
			nc[x.s]++
			controls = append(controls, x)
			rb.add(1, i, coarse(s), &f)
		}
	}
	res.Members = len(members)
	// ATT weights: a control in stratum s weighs members(s) ÷ controls(s); members weigh 1. The
	// matched members are those alive in a stratum with controls.
	matched := func(m *member) bool { return nc[m.s] > 0 && m.f.alive }
	for i := range members {
		if matched(&members[i]) {
			res.Matched++
		}
	}
	for s := range strata {
		if nm[s] > 0 && nc[s] > 0 {
			res.Strata++
		}
	}
	// The follow-up outcomes use only the matched controls not enrolled during the whole
	// follow-up (a zero weight for the others, which leaves every sum unchanged). Records that do
	// not count give NaN, which wmean skips.
	for j, oc := range outcomes {
		out := Outcome{Name: oc.name}
		out.Members, _ = wmean(len(members), func(i int) (float64, float64) { return oc.get(members[i].f), 1 })
		out.NonMembers = naive[j].mean()
		out.NaiveDiff = out.Members - out.NonMembers
		out.NaiveRelative = out.NaiveDiff / out.NonMembers
		mm, mv := wmean(len(members), func(i int) (float64, float64) {
			if !matched(&members[i]) {
				return math.NaN(), 0
			}
			return oc.get(members[i].f), 1
		})
		cm, cv := wmean(len(controls), func(i int) (float64, float64) {
			x := controls[i]
			if !x.clean || nm[x.s] == 0 {
				return math.NaN(), 0
			}
			return oc.get(x.follow()), nm[x.s] / nc[x.s]
		})
		out.MatchedControls = cm
		out.MatchedDiff = mm - cm
		out.MatchedSE = math.Sqrt(mv + cv)
		out.MatchedRelative = out.MatchedDiff / cm
		res.Outcomes = append(res.Outcomes, out)
	}
	controls = nil
	// The naive post-enrolment rate of the members (Σ orders ÷ Σ known-active days after the
	// reference day) against the non-members'.
	var pn, px float64
	for _, m := range members {
		pn += m.f.postN
		px += m.f.postX
	}
	members = nil
	mPost := pn / px
	res.NaiveRateEffect = mPost/(naivePost/naivePostX) - 1

	rs := rb.rs
	rs.strata = len(rb.strata)
	var rm, rc int
	var start [2]float64
	res.RateEffect, start, rm, rc = rs.effect(rs.ones(), [2]float64{}, &rateScratch{})
	res.RateEffect--
	res.RateMembers, res.RateControls = rm, rc
	res.RateLow, res.RateHigh = math.NaN(), math.NaN()
	if rm == 0 || rc == 0 {
		return res, nil
	}
	boots, err := rs.bootstrap(ctx, o.Boot, o.Seed, start)
	if err != nil {
		return res, err
	}
	if len(boots) >= 20 {
		sort.Float64s(boots)
		res.RateLow = boots[int(0.025*float64(len(boots)))]
		res.RateHigh = boots[int(math.Ceil(0.975*float64(len(boots))))-1]
	}
	return res, nil
}

// SpanWindow bounds the known-alive span around the reference day: at most SpanWindow days
// before it (from the first order if that is later) and after it.
const SpanWindow = 180.0

// rateSet holds the rate effect's records in flat arrays for the bootstrap. Customers are
// numbered densely in order of first appearance (the bootstrap draws among them); strata too.
// At a million customers it holds about 1.2M members and risk-set controls with orders in their
// span (5 float64 and 2 int32 each, ~55 MB) and about 3M stratum entries (two int32, ~25 MB).
type rateSet struct {
	customers, strata int
	// Every record, for the strata's bootstrap weight sums.
	memberU, memberS, controlU, controlS []int32
	// The records with orders inside their span: the score's terms.
	mem, ctl spanTerms
}

// spanTerms are one group's records with orders inside their known-alive span.
type spanTerms struct {
	u, s          []int32
	post, n, x, y []float64 // orders after the reference day, orders in the span, X_post, X_pre
}

func (t *spanTerms) add(u, s int32, f *follow) {
	t.u, t.s = append(t.u, u), append(t.s, s)
	t.post, t.n = append(t.post, f.spanPost), append(t.n, f.spanPre+f.spanPost)
	t.x, t.y = append(t.x, f.spanXPost), append(t.y, f.spanXPre)
}

// rateBuilder fills a rateSet record by record, members first: customers are numbered in order
// of first appearance (cust, by unit; −1 before), coarse strata likewise.
type rateBuilder struct {
	rs     *rateSet
	cust   []int32
	strata map[stratum]int32
}

func newRateBuilder(units int) *rateBuilder {
	b := &rateBuilder{rs: &rateSet{}, cust: make([]int32, units), strata: map[stratum]int32{}}
	for i := range b.cust {
		b.cust[i] = -1
	}
	return b
}

// add records unit u's follow f in coarse stratum s, as a member (g = 0) or control (g = 1).
func (b *rateBuilder) add(g int, u int, s stratum, f *follow) {
	cu := b.cust[u]
	if cu < 0 {
		cu = int32(b.rs.customers)
		b.cust[u] = cu
		b.rs.customers++
	}
	cs, ok := b.strata[s]
	if !ok {
		cs = int32(len(b.strata))
		b.strata[s] = cs
	}
	rs := b.rs
	if g == 0 {
		rs.memberU, rs.memberS = append(rs.memberU, cu), append(rs.memberS, cs)
		if f.spanPre+f.spanPost > 0 {
			rs.mem.add(cu, cs, f)
		}
		return
	}
	rs.controlU, rs.controlS = append(rs.controlU, cu), append(rs.controlS, cs)
	if f.spanPre+f.spanPost > 0 {
		rs.ctl.add(cu, cs, f)
	}
}

func (rs *rateSet) ones() []float64 {
	k := make([]float64, rs.customers)
	for i := range k {
		k[i] = 1
	}
	return k
}

// rateScratch is one worker's reusable buffers.
type rateScratch struct {
	km, kc  []float64
	c, x, y []float64
}

// effect returns θ_member ÷ θ_control (see spanRatio) with customer u counted k[u] times,
// controls ATT-weighted to the members' coarse strata; the two log θ (starting points for the
// bootstrap's replicates, which start from start), and the numbers of members and controls with
// orders in their span.
func (rs *rateSet) effect(k []float64, start [2]float64, sc *rateScratch) (ratio float64, logs [2]float64, members, controls int) {
	sc.km = resize(sc.km, rs.strata)
	sc.kc = resize(sc.kc, rs.strata)
	for i, u := range rs.memberU {
		sc.km[rs.memberS[i]] += k[u]
	}
	for i, u := range rs.controlU {
		sc.kc[rs.controlS[i]] += k[u]
	}
	var th [2]float64
	for g, t := range []*spanTerms{&rs.mem, &rs.ctl} {
		sc.c, sc.x, sc.y = sc.c[:0], sc.x[:0], sc.y[:0]
		var a float64
		for i, u := range t.u {
			s := t.s[i]
			if k[u] == 0 || sc.km[s] == 0 || sc.kc[s] == 0 {
				continue
			}
			w := k[u]
			if g == 1 {
				w *= sc.km[s] / sc.kc[s]
			}
			a += w * t.post[i]
			sc.c, sc.x, sc.y = append(sc.c, w*t.n[i]), append(sc.x, t.x[i]), append(sc.y, t.y[i])
		}
		if g == 0 {
			members = len(sc.c)
		} else {
			controls = len(sc.c)
		}
		th[g], logs[g] = spanRatio(a, sc.c, sc.x, sc.y, start[g])
	}
	return th[0] / th[1], logs, members, controls
}

func resize(v []float64, n int) []float64 {
	if cap(v) < n {
		return make([]float64, n)
	}
	v = v[:n]
	clear(v)
	return v
}

// bootstrap returns the replicates of the rate effect (rate ratio − 1) over customers (a
// customer's member and control records drawn together, the ATT weights recomputed in each
// replicate). The draws are made in one sequence, replicate after replicate, whatever the number
// of workers, so the interval does not depend on the machine; the replicates are computed on
// every core.
func (rs *rateSet) bootstrap(ctx context.Context, boot int, seed uint64, start [2]float64) ([]float64, error) {
	workers := min(runtime.GOMAXPROCS(0), boot)
	type job struct {
		b int
		k []float64
	}
	jobs, free := make(chan job), make(chan []float64, workers+1)
	for range workers + 1 {
		free <- make([]float64, rs.customers)
	}
	out := make([]float64, boot)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sc rateScratch
			for j := range jobs {
				v, _, _, _ := rs.effect(j.k, start, &sc)
				out[j.b] = v - 1
				free <- j.k
			}
		}()
	}
	r := rand.New(rand.NewPCG(seed, 0x6d61746368))
	var err error
	for b := range boot {
		if err = ctx.Err(); err != nil {
			break
		}
		k := <-free
		clear(k)
		for range rs.customers {
			k[r.IntN(rs.customers)]++
		}
		jobs <- job{b, k}
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	boots := out[:0]
	for _, v := range out {
		if !math.IsNaN(v) {
			boots = append(boots, v)
		}
	}
	return boots, nil
}

// spanRatio estimates θ, the ratio of a group's purchase rate after the reference day to its rate
// before, from each customer's known-alive span [L, b]: L is the first order or SpanWindow days
// before the reference day, b the last order at most SpanWindow days after it (and before a
// control's own enrolment). Under the BG/NBD a customer buys as a Poisson process at their own
// rate λ·m(t) while alive and drops out, if at all, just after a purchase, with a probability p
// that does not depend on when the purchases fell. Given the n orders strictly inside (L, b),
// their times are therefore independent with density ∝ m(t) on (L, b) (the order-statistics
// property of the Poisson process; what happens after b — dropout or a long wait — depends only
// on the future), so the a of them after the reference day are Binomial(n, θX_post ÷ (θX_post +
// X_pre)), X_pre and X_post the span's days before and after it, whatever the customer's λ and
// p. This is the conditional (fixed-effects) Poisson likelihood of Hausman, Hall & Griliches 1984
// (Econometrica 52(4)) on the known-alive span; θ solves the weighted score
//
//	S(log θ) = Σ w·a − Σ w·n·θX_post ÷ (θX_post + X_pre) = 0,
//
// given here as a = Σ w·a and, per record, c = w·n, x = X_post, y = X_pre. S decreases in log θ,
// so Newton's method with the analytic derivative, kept inside a bracket that every evaluation
// narrows (bisection when a step would leave it), finds the root in a few evaluations from a
// nearby start; the search is confined to log θ in (−10, 10). The weights must not depend on how
// a customer's orders split around the reference day (matching on orders before it would tilt
// θ), hence the coarse strata. NaN when no customer has orders inside a span with days on both
// sides. It returns θ and log θ.
func spanRatio(a float64, c, x, y []float64, start float64) (float64, float64) {
	if len(c) == 0 {
		return math.NaN(), math.NaN()
	}
	score := func(lt float64) (s, ds float64) {
		th := math.Exp(lt)
		var g, dg float64
		for i, ci := range c {
			tx := th * x[i]
			d := tx + y[i]
			q := tx / d
			g += ci * q
			dg += ci * q * (y[i] / d)
		}
		return a - g, -dg
	}
	lo, hi := -10.0, 10.0
	var loOK, hiOK bool // an evaluation showed S(lo) > 0, S(hi) < 0
	t := math.Max(-9, math.Min(9, start))
	for range 200 {
		s, ds := score(t)
		switch {
		case s > 0:
			lo, loOK = t, true
		case s < 0:
			hi, hiOK = t, true
		default:
			lo, hi = t, t
		}
		next := t - s/ds
		if !(next > lo && next < hi) {
			next = (lo + hi) / 2
		}
		if math.Abs(next-t) <= 1e-14 || hi-lo <= 1e-14 {
			t = next
			break
		}
		t = next
	}
	// By monotonicity one evaluation on each side of the root shows that it lies inside.
	if !loOK {
		if s, _ := score(-10); s <= 0 {
			return math.NaN(), math.NaN()
		}
	}
	if !hiOK {
		if s, _ := score(10); s >= 0 {
			return math.NaN(), math.NaN()
		}
	}
	return math.Exp(t), t
}

// wmean returns the weighted mean of the n values at(i) gives with their weights (NaN values
// skipped) and the variance of that mean (Σw²(x − mean)² ÷ (Σw)², the usual weighted-mean
// sandwich). at is asked twice per value, so that nothing is held.
func wmean(n int, at func(i int) (x, w float64)) (mean, variance float64) {
	var sw, sx float64
	for i := range n {
		x, w := at(i)
		if math.IsNaN(x) {
			continue
		}
		sw += w
		sx += w * x
	}
	if sw == 0 {
		return math.NaN(), math.NaN()
	}
	mean = sx / sw
	var v float64
	for i := range n {
		if x, w := at(i); !math.IsNaN(x) {
			v += w * w * (x - mean) * (x - mean)
		}
	}
	return mean, v / (sw * sw)
}
