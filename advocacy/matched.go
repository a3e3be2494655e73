package advocacy

import (
	"math"
	"math/rand/v2"
	"sort"
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
// The purchase-rate effect is a matched difference-in-differences of purchase rates. A customer's
// purchase rate is measured only over time they are known to be customers: the gaps between
// consecutive orders (a customer who made another order was still a customer in between). Orders
// per day of known-active time before and after the reference date, for members and their matched
// controls, give
//
//	rate ratio = (R_member,post / R_member,pre) ÷ (R_control,post / R_control,pre)
//
// where each R is a pooled rate Σ orders ÷ Σ known-active days (controls ATT-weighted). Differencing
// each group's own pre-period removes the customer's baseline frequency, which matching on a short
// pre-period only partly balances; the control ratio removes seasonality and ageing. Its interval
// comes from a bootstrap over customers.
//
// Remaining assumptions, stated with the result: no unobserved change coinciding with enrolment
// (the parallel-trends assumption) and that members and matched controls would have aged alike.

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
	// RateEffect is the matched difference-in-differences purchase-rate effect (rate ratio − 1),
	// with its bootstrap 95% interval; NaiveRateEffect the naive post-enrolment rate ratio − 1.
	RateEffect      float64 `json:"rate_effect"`
	RateLow         float64 `json:"rate_effect_low"`
	RateHigh        float64 `json:"rate_effect_high"`
	NaiveRateEffect float64 `json:"naive_rate_effect"`
	Caveat          string  `json:"caveat"`
}

// SelfSelectionCaveat is the caveat printed with every comparison.
const SelfSelectionCaveat = "Members choose to join, and the customers who join already buy more often and are happier, " +
	"so the naive member/non-member gap overstates what the programme does. The matched figures compare members " +
	"with non-members who looked the same before enrolment (profile, signup quarter, time to enrolment, orders " +
	"until then, still a customer); the rate effect also nets out each group's own pre-enrolment rate. Matching " +
	"removes only the differences it can see: unobserved reasons for joining can still bias it."

// unit is one customer's compact history: days since its first order.
type unit struct {
	profile string
	first   time.Time
	enrol   float64 // days from first order to enrolment; NaN for non-members
	orders  []float32
	amounts []float32
}

// Comparer accumulates customers (streamed from the store) and compares members with non-members.
type Comparer struct {
	units []unit
}

// Add records one customer.
func (c *Comparer) Add(p fidelis.ProgramCustomer) {
	if len(p.Orders) == 0 {
		return
	}
	u := unit{profile: p.Profile, first: p.Orders[0], enrol: math.NaN()}
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

// follow holds one unit's outcomes relative to a reference day.
type follow struct {
	orders, value, retained, aov float64 // aov NaN when no orders in the follow-up
	preN, preX, postN, postX     float64 // rate DiD pieces
	alive                        bool    // an order on or after the reference day
	// The waits around the reference day: back (days since the last order after the first,
	// censored at the first order: backN 0) and fwd (days to the next order, fwdN 1).
	back, backN, fwd, fwdN float64
	// Orders in the RateWindow days before and after the reference day (ok: the window before
	// starts after the first order).
	winPre, winPost float64
	winPostX        float64 // days of the window after the reference day before any enrolment
	winOK           bool
	clean           bool // not enrolled during the whole follow-up (controls)
	preCount        int  // orders before the reference day
}

// follow measures u around day ref; censor (days from the first order) ends the rate window
// after ref early: a control who enrols during it counts only until enrolment.
func (u *unit) follow(ref, horizon, censor float64) follow {
	f := follow{aov: math.NaN(), back: ref, winOK: ref > RateWindow, winPostX: math.Min(RateWindow, censor-ref)}
	end := ref + horizon
	for i, t := range u.orders {
		d := float64(t)
		if i > 0 && d >= ref-RateWindow && d < ref {
			f.winPre++
		} else if d >= ref && d < ref+f.winPostX {
			f.winPost++
		}
		if d < ref {
			f.preCount++
			if i > 0 {
				f.back, f.backN = ref-d, 1
			}
		} else {
			if !f.alive {
				f.fwd, f.fwdN = d-ref, 1
			}
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

type stratum struct {
	profile      string
	q, db, class int
}

// Compare runs the naive and matched comparisons.
func (c *Comparer) Compare(o CompareOptions) Comparison {
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
		return res
	}
	median := all[len(all)/2]
	type rec struct {
		f follow
		s stratum
	}
	var members, controls, naive []rec
	for _, i := range mem {
		u := &c.units[i]
		f := u.follow(u.enrol, H, math.Inf(1))
		members = append(members, rec{f, stratum{u.profile, quarter(u.first), delayBucket(u.enrol), countClass(f.preCount)}})
	}
	for i := range c.units {
		u := &c.units[i]
		if math.IsNaN(u.enrol) && !u.first.Add(time.Duration((median+H)*24*float64(time.Hour))).After(o.End) {
			naive = append(naive, rec{f: u.follow(median, H, math.Inf(1))})
		}
		for b, d := range rep {
			// Risk-set matching (Li, Propert & Rosenbaum 2001, JASA 96(455)): a control is any
			// customer not yet enrolled at the reference day, whatever happens later; one who
			// enrols later is a control until then (censored at enrolment). Requiring "never
			// enrolled", or "not enrolled during the window", conditions on the future: it keeps
			// the would-be members who did not live to enrol, and biases the controls towards
			// customers about to lapse.
			if !math.IsNaN(u.enrol) && u.enrol <= d {
				continue
			}
			if u.first.Add(time.Duration((d + H) * 24 * float64(time.Hour))).After(o.End) {
				continue
			}
			censor := math.Inf(1)
			if !math.IsNaN(u.enrol) {
				censor = u.enrol
			}
			f := u.follow(d, H, censor)
			f.clean = math.IsNaN(u.enrol) || u.enrol >= d+H
			if !f.alive {
				continue
			}
			controls = append(controls, rec{f, stratum{u.profile, quarter(u.first), b, countClass(f.preCount)}})
		}
	}
	res.Members, res.NonMembers = len(members), len(naive)
	// ATT weights: a control in stratum s weighs members(s) ÷ controls(s); members weigh 1.
	nm, nc := map[stratum]float64{}, map[stratum]float64{}
	for _, m := range members {
		nm[m.s]++
	}
	for _, x := range controls {
		nc[x.s]++
	}
	var mw, cw []float64
	var mf, cf []follow
	for _, m := range members {
		if nc[m.s] > 0 && m.f.alive {
			mf, mw = append(mf, m.f), append(mw, 1)
		}
	}
	for _, x := range controls {
		if nm[x.s] > 0 {
			cf, cw = append(cf, x.f), append(cw, nm[x.s]/nc[x.s])
		}
	}
	for s := range nm {
		if nc[s] > 0 {
			res.Strata++
		}
	}
	res.Matched = len(mf)
	// The follow-up outcomes use only controls not enrolled during the whole follow-up.
	cleanW := make([]float64, len(cw))
	for i := range cf {
		if cf[i].clean {
			cleanW[i] = cw[i]
		}
	}
	var allM, allN []follow
	for _, m := range members {
		allM = append(allM, m.f)
	}
	for _, x := range naive {
		allN = append(allN, x.f)
	}
	outcomes := []struct {
		name string
		get  func(follow) float64
	}{
		{"orders in the follow-up (frequency)", func(f follow) float64 { return f.orders }},
		{"retained: an order in the last 90 days of the follow-up", func(f follow) float64 { return f.retained }},
		{"average order value in the follow-up", func(f follow) float64 { return f.aov }},
		{"revenue in the follow-up (CLV over the horizon)", func(f follow) float64 { return f.value }},
	}
	for _, oc := range outcomes {
		out := Outcome{Name: oc.name}
		out.Members, _ = wmean(allM, nil, oc.get)
		out.NonMembers, _ = wmean(allN, nil, oc.get)
		out.NaiveDiff = out.Members - out.NonMembers
		out.NaiveRelative = out.NaiveDiff / out.NonMembers
		mm, mv := wmean(mf, mw, oc.get)
		cm, cv := wmean(cf, cleanW, oc.get)
		out.MatchedControls = cm
		out.MatchedDiff = mm - cm
		out.MatchedSE = math.Sqrt(mv + cv)
		out.MatchedRelative = out.MatchedDiff / cm
		res.Outcomes = append(res.Outcomes, out)
	}
	res.RateEffect = rateDiD(mf, mw, cf, cw) - 1
	mPost, _ := pooledRate(allM, nil)
	nPost, _ := pooledRate(allN, nil)
	res.NaiveRateEffect = mPost/nPost - 1
	// Bootstrap: resample matched members and controls (with their weights).
	r := rand.New(rand.NewPCG(o.Seed, 0x6d61746368))
	var boots []float64
	bm, bmw := make([]follow, len(mf)), make([]float64, len(mf))
	bc, bcw := make([]follow, len(cf)), make([]float64, len(cf))
	for b := 0; b < o.Boot && len(mf) > 0 && len(cf) > 0; b++ {
		for i := range bm {
			j := r.IntN(len(mf))
			bm[i], bmw[i] = mf[j], mw[j]
		}
		for i := range bc {
			j := r.IntN(len(cf))
			bc[i], bcw[i] = cf[j], cw[j]
		}
		if v := rateDiD(bm, bmw, bc, bcw); !math.IsNaN(v) {
			boots = append(boots, v-1)
		}
	}
	res.RateLow, res.RateHigh = math.NaN(), math.NaN()
	if len(boots) >= 20 {
		sort.Float64s(boots)
		res.RateLow = boots[int(0.025*float64(len(boots)))]
		res.RateHigh = boots[int(math.Ceil(0.975*float64(len(boots))))-1]
	}
	return res
}

// RateWindow is the length in days of the windows just before and just after the reference day
// whose orders the rate effect compares.
const RateWindow = 60.0

// rateDiD is θ_member ÷ θ_control, each the within-customer post/pre rate ratio (see windowRatio).
func rateDiD(mf []follow, mw []float64, cf []follow, cw []float64) float64 {
	return windowRatio(mf, mw) / windowRatio(cf, cw)
}

// windowRatio estimates θ, the ratio of a group's purchase rate in the RateWindow days after the
// reference day to its rate in the RateWindow days before, with each customer's own rate as a
// fixed effect. With equal, fixed windows the conditional (fixed-effects) Poisson likelihood of
// Hausman, Hall & Griliches 1984 (Econometrica 52(4)) makes a customer's orders after the
// reference day Binomial(n, θ/(1+θ)) given their n orders in both windows, whatever the
// customer's own rate, and its maximum is the ratio of weighted totals Σw·after ÷ Σw·before.
// Only customers whose first order precedes the window before count (the first order is not
// part of the purchase process), and only customers still buying after the reference day.
func windowRatio(fs []follow, w []float64) float64 {
	score := func(lt float64) float64 {
		th := math.Exp(lt)
		var sc float64
		for i, f := range fs {
			n := f.winPre + f.winPost
			if !f.winOK || n == 0 || f.winPostX <= 0 {
				continue
			}
			wi := 1.0
			if w != nil {
				wi = w[i]
			}
			sc += wi * (f.winPost - n*th*f.winPostX/(th*f.winPostX+RateWindow))
		}
		return sc
	}
	lo, hi := -10.0, 10.0
	if score(lo) <= 0 || score(hi) >= 0 {
		return math.NaN()
	}
	for range 100 {
		mid := (lo + hi) / 2
		if score(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Exp((lo + hi) / 2)
}

// withinRatio estimates θ, the ratio of a group's purchase rate after the reference day to its
// rate before, with each customer's own rate as a fixed effect: the conditional (fixed-effects)
// Poisson likelihood of Hausman, Hall & Griliches 1984 (Econometrica 52(4)). Given a customer's
// n = a + b orders over known-active exposures X_post and X_pre, the a orders after the reference
// day are Binomial(n, θX_post ÷ (θX_post + X_pre)), whatever the customer's own rate, so
// customers who buy more often do not tilt θ — pooled rates would, because frequent buyers'
// known-active time ends sooner. θ solves the weighted score
//
//	Σ w·(a − n·θX_post ÷ (θX_post + X_pre)) = 0,
//
// which decreases in θ, by bisection on log θ. NaN when no customer has orders on both sides.
func withinRatio(fs []follow, w []float64) float64 {
	score := func(lt float64) float64 {
		th := math.Exp(lt)
		var s float64
		for i, f := range fs {
			n := f.backN + f.fwdN
			if n == 0 || f.back <= 0 || f.fwd <= 0 {
				continue
			}
			wi := 1.0
			if w != nil {
				wi = w[i]
			}
			s += wi * (f.fwdN - n*th*f.fwd/(th*f.fwd+f.back))
		}
		return s
	}
	lo, hi := -10.0, 10.0
	if score(lo) <= 0 || score(hi) >= 0 {
		return math.NaN()
	}
	for range 100 {
		mid := (lo + hi) / 2
		if score(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Exp((lo + hi) / 2)
}

// pooledRate returns Σw·orders ÷ Σw·known-active days after and before the reference day.
func pooledRate(fs []follow, w []float64) (post, pre float64) {
	var pn, px, qn, qx float64
	for i, f := range fs {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		pn += wi * f.postN
		px += wi * f.postX
		qn += wi * f.preN
		qx += wi * f.preX
	}
	return pn / px, qn / qx
}

// wmean returns the weighted mean of get over fs (NaN values skipped) and the variance of that
// mean (Σw²(x − mean)² ÷ (Σw)², the usual weighted-mean sandwich).
func wmean(fs []follow, w []float64, get func(follow) float64) (mean, variance float64) {
	var sw, sx float64
	for i, f := range fs {
		x := get(f)
		if math.IsNaN(x) {
			continue
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		sw += wi
		sx += wi * x
	}
	if sw == 0 {
		return math.NaN(), math.NaN()
	}
	mean = sx / sw
	var v float64
	for i, f := range fs {
		x := get(f)
		if math.IsNaN(x) {
			continue
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		v += wi * wi * (x - mean) * (x - mean)
	}
	return mean, v / (sw * sw)
}
