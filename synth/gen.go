package synth

import (
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/mathext"
)

// Indexes of the output files, in fidelis.Kinds order.
const (
	kCustomers = iota
	kOrders
	kSubscriptions
	kSurveys
	kReferrals
	kProgram
	kInteractions
	kSocial
	kExits
	nKinds
)

// gen holds everything derived once from the Config and the Truth; it is read-only while workers
// run.
type gen struct {
	cfg     Config
	t       *Truth
	n       int
	idWidth int
	h       float64   // horizon in days since Start
	dayMult []float64 // purchase seasonality by day index
	smax    float64   // max of dayMult
	signCum []float64 // cumulative signup intensity at the start of each day (len days+1)
	dayStr  [][]byte  // "2006-01-02T" by day index
	cells   [3][4]CellTruth
	meanLam [3][4]float64 // E[λ] per week of each cell

	segCum, regCum, chanCum, ageCum, genderCum, kindCum []float64
	countryCum                                          [4][]float64
	countryName                                         [4][]string
	countryLang                                         [4][]int
	orderChanCum                                        [3][]float64
	items                                               [7]SurveyScale
	subShare                                            [3]float64
	exitW                                               [3][3][6]float64 // [segment][sat low/mid/high][reason] cumulative
	interBase                                           [6]float64
	tx                                                  *texts

	seedLatent, seedMain uint64
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func newGen(cfg Config, t *Truth) *gen {
	g := &gen{cfg: cfg, t: t, n: cfg.Customers, tx: newTexts()}
	g.idWidth = max(7, len(strconv.Itoa(cfg.Customers)))
	g.seedLatent = splitmix(cfg.Seed ^ 0x6c6174656e74)
	g.seedMain = splitmix(cfg.Seed ^ 0x6d61696e)
	g.h = cfg.End.Sub(cfg.Start).Hours() / 24
	nd := int(math.Ceil(g.h))
	g.dayMult = make([]float64, nd+1)
	g.signCum = make([]float64, nd+1)
	g.dayStr = make([][]byte, nd+1)
	for d := 0; d <= nd; d++ {
		day := cfg.Start.AddDate(0, 0, d)
		m := day.Month() - 1
		g.dayMult[d] = t.Seasonality[m]
		g.smax = max(g.smax, g.dayMult[d])
		g.dayStr[d] = day.AppendFormat(nil, "2006-01-02T")
		if d < nd {
			w := math.Pow(t.SignupGrowth, float64(d)/365) * t.SignupSeasonality[m]
			if float64(d+1) > g.h { // a partial last day
				w *= g.h - float64(d)
			}
			g.signCum[d+1] = g.signCum[d] + w
		}
	}
	for _, c := range t.Cells {
		s, r := indexOf(segmentNames, c.Segment), indexOf(regionNames, c.Region)
		g.cells[s][r] = c
		g.meanLam[s][r] = c.R / c.Alpha
	}
	var segShares, regShares []Share
	for s, sg := range t.Segments {
		segShares = append(segShares, Share{sg.Name, sg.Share})
		g.subShare[s] = sg.SubscriptionShare
		g.orderChanCum[s] = cumulative(t.OrderChannel[sg.Name])
	}
	for r, rg := range t.Regions {
		regShares = append(regShares, Share{rg.Name, rg.Share})
		g.countryCum[r] = cumulative(rg.Countries)
		for _, c := range rg.Countries {
			g.countryName[r] = append(g.countryName[r], c.Name)
			g.countryLang[r] = append(g.countryLang[r], indexOf(langNames, t.Languages[c.Name]))
		}
	}
	g.segCum, g.regCum = cumulative(segShares), cumulative(regShares)
	g.chanCum, g.ageCum, g.genderCum = cumulative(t.Channels), cumulative(t.AgeBands), cumulative(t.Genders)
	g.kindCum = cumulative(t.Satisfaction.KindShares)
	for i, k := range surveyKinds {
		g.items[i] = t.Satisfaction.Items[k]
	}
	for s, seg := range segmentNames {
		for lvl := range 3 {
			sum := 0.0
			for r, reason := range exitReasons {
				w := t.Exits.Base[reason]
				if f, ok := t.Exits.Segment[seg][reason]; ok {
					w *= f
				}
				if f, ok := t.Exits.Low[reason]; ok && lvl == 0 {
					w *= f
				}
				if f, ok := t.Exits.High[reason]; ok && lvl == 2 {
					w *= f
				}
				sum += w
				g.exitW[s][lvl][r] = sum
			}
		}
	}
	for i, c := range t.Interactions.Channels {
		g.interBase[i] = c.Share
	}
	return g
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	panic("synth: unknown category " + s)
}

// attrs are a customer's static attributes, drawn from the customer's own latent stream so that
// any worker can recompute them (referrals look up their referrer's satisfaction).
type attrs struct {
	t0                                                   float64 // signup, days since Start
	segment, region, country, lang, channel, age, gender int
	zp, sat                                              float64
}

// worker holds one goroutine's random streams and scratch state.
type worker struct {
	g               *gen
	pcgLat, pcgMain rand.PCG
	lat, main       *rand.Rand
}

func newWorker(g *gen) *worker {
	w := &worker{g: g}
	w.lat = rand.New(&w.pcgLat)
	w.main = rand.New(&w.pcgMain)
	return w
}

func (w *worker) attrs(i int) attrs {
	g, r := w.g, w.lat
	w.pcgLat.Seed(g.seedLatent, uint64(i))
	var a attrs
	// Signup: the customer's quantile (i+U)/n of the signup intensity, so ids follow signup order.
	target := (float64(i) + r.Float64()) / float64(g.n) * g.signCum[len(g.signCum)-1]
	lo, hi := 0, len(g.signCum)-1
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if g.signCum[mid] <= target {
			lo = mid
		} else {
			hi = mid
		}
	}
	a.t0 = float64(lo) + (target-g.signCum[lo])/(g.signCum[hi]-g.signCum[lo])
	a.t0 = min(a.t0, g.h-1e-6)
	a.region = pick(r, g.regCum)
	c := pick(r, g.countryCum[a.region])
	a.country, a.lang = c, g.countryLang[a.region][c]
	a.segment = pick(r, g.segCum)
	a.channel = pick(r, g.chanCum)
	if a.channel == 2 && i < 100 { // the first customers cannot have been referred
		a.channel = 0
	}
	a.age = pick(r, g.ageCum)
	a.gender = pick(r, g.genderCum)
	a.zp = r.NormFloat64()
	rho := g.t.Satisfaction.Rho
	a.sat = -rho*a.zp + math.Sqrt(1-rho*rho)*r.NormFloat64() +
		g.t.Segments[a.segment].SatisfactionShift + g.t.Regions[a.region].SatisfactionShift
	return a
}

// chunk is the output of a run of customers.
type chunk struct {
	from, to int
	buf      [nKinds][]byte
	rows     [nKinds]int64
	real     Realized
}

func (c *chunk) reset(from, to int) {
	c.from, c.to = from, to
	for k := range c.buf {
		c.buf[k] = c.buf[k][:0]
		c.rows[k] = 0
	}
	c.real = Realized{}
}

// customer generates every record of customer i into c.
func (w *worker) customer(c *chunk, i int) {
	g, t := w.g, w.g.t
	a := w.attrs(i)
	// The referrer of a referred customer: an earlier customer drawn with weight exp(κ·s), by
	// rejection (weights capped at s = 2.5).
	refJ, refT0 := -1, 0.0
	if a.channel == 2 {
		w.pcgMain.Seed(g.seedMain^0x7265666572, uint64(i))
		kappa := t.Referrals.SatisfactionCoef
		for try := 0; ; try++ {
			j := w.main.IntN(i)
			b := w.attrs(j)
			if try == 200 || w.main.Float64() < math.Exp(kappa*(min(b.sat, 2.5)-2.5)) {
				refJ, refT0 = j, b.t0
				break
			}
		}
	}
	w.pcgMain.Seed(g.seedMain, uint64(i))
	r := w.main
	h := g.h
	lang := a.lang

	// Customers row.
	b := c.buf[kCustomers]
	b = g.appendID(b, 'C', i)
	b = append(b, ',')
	b = g.appendTS(b, a.t0)
	b = append(b, ',')
	b = append(b, regionNames[a.region]...)
	b = append(b, ',')
	b = append(b, g.countryName[a.region][a.country]...)
	b = append(b, ',')
	b = append(b, segmentNames[a.segment]...)
	b = append(b, ',')
	b = append(b, t.Channels[a.channel].Name...)
	b = append(b, ',')
	b = append(b, t.AgeBands[a.age].Name...)
	b = append(b, ',')
	b = append(b, t.Genders[a.gender].Name...)
	b = append(b, '\n')
	c.buf[kCustomers] = b
	c.rows[kCustomers]++

	// Latent purchase model.
	cell := &g.cells[a.segment][a.region]
	lamW := gammaRand(r, cell.R, cell.Alpha)
	lam := lamW / 7
	p := mathext.InvRegIncBeta(cell.A, cell.B, normCDF(a.zp))
	nu := gammaRand(r, cell.Q, cell.Gamma)
	pr := &t.Program
	intend := r.Float64() < logistic(pr.Intercept+pr.FrequencyCoef*math.Log(lamW/g.meanLam[a.segment][a.region])+pr.SatisfactionCoef*a.sat)
	enrolAt := math.Inf(1)
	boost := 1.0
	if intend {
		enrolAt = a.t0 + r.ExpFloat64()*pr.EnrolDelayDays
		boost = 1 + pr.RateEffect
	}
	prefChan := pick(r, g.orderChanCum[a.segment])

	// Programme state.
	enrolled := false
	var balance, lifetime int64
	lastEarn := 0.0
	tier := 0
	nProg := 0
	progRow := func(at float64, typ string, points int64, tierName string) {
		nProg++
		b := c.buf[kProgram]
		b = g.appendID(b, 'L', i)
		b = appendSub(b, nProg)
		b = append(b, ',')
		b = g.appendID(b, 'C', i)
		b = append(b, ',')
		b = g.appendTS(b, at)
		b = append(b, ',')
		b = append(b, typ...)
		b = append(b, ',')
		b = strconv.AppendInt(b, points, 10)
		b = append(b, ',')
		b = appendCents(b, int64(math.Round(float64(points)*pr.PointValueEUR*100)))
		b = append(b, ',')
		b = append(b, tierName...)
		b = append(b, '\n')
		c.buf[kProgram] = b
		c.rows[kProgram]++
	}
	enrol := func(at float64) {
		enrolled = true
		lastEarn = at
		c.real.Members++
		progRow(at, "enroll", 0, tierNames[0])
	}

	nOrder, nSurvey := 0, 0
	firstRevenue := int64(0)
	order := func(at float64) {
		nOrder++
		c.real.Purchases++
		amount := max(int64(math.Round(gammaRand(r, cell.P, nu)*100)), 1)
		if nOrder == 1 {
			firstRevenue = amount
		}
		ch := prefChan
		if r.Float64() > 0.7 {
			ch = pick(r, g.orderChanCum[a.segment])
		}
		qty := 1 + poisson(r, float64(amount)/8000)
		b := c.buf[kOrders]
		b = g.appendID(b, 'O', i)
		b = appendSub(b, nOrder)
		b = append(b, ',')
		b = g.appendID(b, 'C', i)
		b = append(b, ',')
		b = g.appendTS(b, at)
		b = append(b, ',')
		b = appendCents(b, amount)
		b = append(b, ",EUR,"...)
		b = append(b, orderChannels[ch]...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(qty), 10)
		b = append(b, '\n')
		c.rows[kOrders]++
		c.real.RevenueCents += amount
		if r.Float64() < t.RefundShare {
			if rt := at + 1 + 13*r.Float64(); rt < h {
				b = g.appendID(b, 'R', i)
				b = appendSub(b, nOrder)
				b = append(b, ',')
				b = g.appendID(b, 'C', i)
				b = append(b, ',')
				b = g.appendTS(b, rt)
				b = append(b, ',')
				b = appendCents(b, -amount)
				b = append(b, ",EUR,"...)
				b = append(b, orderChannels[ch]...)
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(-qty), 10)
				b = append(b, '\n')
				c.rows[kOrders]++
				c.real.Refunds++
				c.real.RevenueCents -= amount
			}
		}
		c.buf[kOrders] = b

		if enrolled {
			if balance > 0 && at-lastEarn > pr.ExpiryDays {
				progRow(lastEarn+pr.ExpiryDays, "expire", -balance, "")
				balance = 0
			}
			pts := int64(math.Floor(float64(amount) / 100 * pr.PointsPerEUR))
			balance += pts
			lifetime += pts
			lastEarn = at
			progRow(at, "earn", pts, "")
			for tier < len(pr.TierThresholds) && lifetime >= pr.TierThresholds[tier] {
				tier++
				progRow(at, "tier", 0, tierNames[tier])
			}
			if balance >= pr.RedeemBlock && r.Float64() < pr.RedeemProb {
				balance -= pr.RedeemBlock
				progRow(at+1.0/1440, "redeem", -pr.RedeemBlock, "")
			}
		}

		if r.Float64() < t.Satisfaction.SurveyPerOrder {
			if st := at + 1 + 9*r.Float64(); st < h {
				nSurvey++
				w.survey(c, i, &a, st, nSurvey)
			}
		}
	}

	// Orders: the first at signup, then a Poisson process thinned by seasonality and the
	// programme effect, with a dropout chance p after every repeat purchase (BG/NBD).
	order(a.t0)
	death := math.Inf(1)
	cand := lam * g.smax * boost
	at := a.t0
	for {
		at += r.ExpFloat64() / cand
		if intend && !enrolled && at >= enrolAt && enrolAt < h {
			enrol(enrolAt)
		}
		if at >= h {
			break
		}
		m := g.dayMult[int(at)]
		if enrolled {
			m *= boost
		}
		if r.Float64()*g.smax*boost >= m {
			continue
		}
		order(at)
		if r.Float64() < p {
			death = at
			break
		}
	}
	if enrolled && balance > 0 && lastEarn+pr.ExpiryDays < h {
		progRow(lastEarn+pr.ExpiryDays, "expire", -balance, "")
	}
	aliveEnd := math.Min(death, h)
	if death < h {
		c.real.DroppedOut++
	}

	w.subscriptions(c, i, &a)
	w.referrals(c, i, &a, aliveEnd, refJ, refT0, firstRevenue)
	w.interactions(c, i, &a, aliveEnd)
	w.social(c, i, &a, aliveEnd)

	// Exit record.
	if death < h && r.Float64() < t.Exits.Share {
		if et := death + r.ExpFloat64()*t.Exits.DelayDays; et < h {
			lvl := 1
			if a.sat < -0.5 {
				lvl = 0
			} else if a.sat > 0.5 {
				lvl = 2
			}
			wts := g.exitW[a.segment][lvl][:]
			reason := pick(r, wts)
			b := c.buf[kExits]
			b = g.appendID(b, 'X', i)
			b = append(b, ',')
			b = g.appendID(b, 'C', i)
			b = append(b, ',')
			b = g.appendTS(b, et)
			b = append(b, ',')
			b = append(b, exitReasons[reason]...)
			b = append(b, ',')
			if r.Float64() < 0.7 {
				cs := g.tx.exit[lang][reason]
				b = append(b, cs[r.IntN(len(cs))]...)
			}
			b = append(b, '\n')
			c.buf[kExits] = b
			c.rows[kExits]++
		}
	}
}

// survey writes one survey answer of customer i at time at.
func (w *worker) survey(c *chunk, i int, a *attrs, at float64, k int) {
	g, r := w.g, w.main
	s := &g.t.Satisfaction
	kind := pick(r, g.kindCum)
	it := &g.items[kind]
	y := a.sat + s.Noise*r.NormFloat64()
	score := int(math.Round(it.Center + it.Slope*y))
	score = min(max(score, it.Min), it.Max)
	b := c.buf[kSurveys]
	b = g.appendID(b, 'V', i)
	b = appendSub(b, k)
	b = append(b, ',')
	b = g.appendID(b, 'C', i)
	b = append(b, ',')
	b = g.appendTS(b, at)
	b = append(b, ',')
	b = append(b, surveyKinds[kind]...)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(score), 10)
	b = append(b, ',')
	b = append(b, it.Scale...)
	b = append(b, ',')
	if r.Float64() < it.CommentShare {
		grp := 1
		switch surveyKinds[kind] {
		case "nps":
			if score <= 6 {
				grp = 0
			} else if score >= 9 {
				grp = 2
			}
		case "csat":
			if score <= 2 {
				grp = 0
			} else if score >= 4 {
				grp = 2
			}
		case "ces":
			if score <= 3 {
				grp = 0
			} else if score >= 5 {
				grp = 2
			}
		}
		if r.Float64() < s.DriverNoise {
			grp = r.IntN(3)
		}
		cs := g.tx.comment[a.lang][grp]
		b = append(b, cs[r.IntN(len(cs))]...)
	}
	b = append(b, ',')
	b = append(b, langNames[a.lang]...)
	b = append(b, ',')
	switch u := r.Float64(); {
	case u < 0.6:
		b = append(b, "email"...)
	case u < 0.85:
		b = append(b, "app"...)
	default:
		b = append(b, "web"...)
	}
	b = append(b, '\n')
	c.buf[kSurveys] = b
	c.rows[kSurveys]++
}

const monthDays = 30.44

func (w *worker) subscriptions(c *chunk, i int, a *attrs) {
	g, r, st := w.g, w.main, &w.g.t.Subscriptions
	if r.Float64() >= g.subShare[a.segment] {
		return
	}
	start := a.t0 + r.ExpFloat64()*st.StartDelayDays
	if start >= g.h {
		return
	}
	c.real.Subscribers++
	plan := 0
	if r.Float64() < st.PlusShare {
		plan = 1
	}
	theta := betaRand(r, st.Plans[plan].Alpha, st.Plans[plan].Beta)
	k := 1
	row := func(from, to float64) {
		b := c.buf[kSubscriptions]
		b = g.appendID(b, 'S', i)
		b = appendSub(b, k)
		b = append(b, ',')
		b = g.appendID(b, 'C', i)
		b = append(b, ',')
		b = append(b, planNames[plan]...)
		b = append(b, ',')
		b = g.appendTS(b, from)
		b = append(b, ',')
		if to < g.h {
			b = g.appendTS(b, to)
		}
		b = append(b, ',')
		b = appendCents(b, int64(math.Round(st.Plans[plan].MRR*100)))
		b = append(b, '\n')
		c.buf[kSubscriptions] = b
		c.rows[kSubscriptions]++
	}
	from, cur := start, start
	for {
		cur += monthDays
		if cur >= g.h {
			row(from, math.Inf(1))
			return
		}
		if r.Float64() < theta {
			row(from, cur)
			return
		}
		if plan == 0 && r.Float64() < st.UpgradeProb {
			row(from, cur)
			plan, k, from = 1, k+1, cur
			theta = betaRand(r, st.Plans[1].Alpha, st.Plans[1].Beta)
		}
	}
}

func (w *worker) referrals(c *chunk, i int, a *attrs, aliveEnd float64, refJ int, refT0 float64, firstRevenue int64) {
	g, r, rt := w.g, w.main, &w.g.t.Referrals
	row := func(id int, k int, referrer int, invited, converted float64, revenue int64) {
		b := c.buf[kReferrals]
		b = g.appendID(b, 'F', id)
		if k > 0 {
			b = appendSub(b, k)
		}
		b = append(b, ',')
		b = g.appendID(b, 'C', referrer)
		b = append(b, ',')
		b = g.appendID(b, 'P', id)
		if k > 0 {
			b = appendSub(b, k)
		}
		b = append(b, ',')
		b = g.appendTS(b, invited)
		b = append(b, ',')
		if converted >= 0 {
			b = g.appendTS(b, converted)
			b = append(b, ',')
			b = g.appendID(b, 'C', i)
			b = append(b, ',')
			b = appendCents(b, revenue)
		} else {
			b = append(b, ",,"...)
		}
		b = append(b, '\n')
		c.buf[kReferrals] = b
		c.rows[kReferrals]++
	}
	if refJ >= 0 {
		c.real.Referred++
		invited := math.Max(a.t0-r.Float64()*20, refT0)
		row(i, 0, refJ, invited, a.t0, firstRevenue)
	}
	k := rt.SatisfactionCoef
	mean := rt.InvitesPerYear * (aliveEnd - a.t0) / 365.25 * math.Exp(k*a.sat-k*k/2)
	n := poisson(r, mean)
	for j := 1; j <= n; j++ {
		row(i, j, i, a.t0+r.Float64()*(aliveEnd-a.t0), -1, 0)
	}
}

var interKinds = [6][2]string{{"open", "click"}, {"visit", "visit"}, {"session", "session"},
	{"visit", "visit"}, {"ticket", "call"}, {"chat", "chat"}}

func (w *worker) interactions(c *chunk, i int, a *attrs, aliveEnd float64) {
	g, r, it := w.g, w.main, &w.g.t.Interactions
	var cum [6]float64
	s := 0.0
	for ch, base := range g.interBase {
		if ch >= 4 { // support, chat
			base *= math.Exp(-it.SupportSatCoef * a.sat)
		}
		s += base
		cum[ch] = s
	}
	rate := it.PerWeek * math.Exp(it.SatisfactionCoef*a.sat) / 7
	at, k := a.t0, 0
	for {
		if at < aliveEnd {
			next := at + r.ExpFloat64()/rate
			if next >= aliveEnd { // into the post-dropout regime: restart there (memoryless)
				at = aliveEnd
				continue
			}
			at = next
		} else {
			at += r.ExpFloat64() / (rate * it.AfterDropout)
		}
		if at >= g.h {
			return
		}
		k++
		ch := pick(r, cum[:])
		kind := interKinds[ch][0]
		var depth int64
		switch ch {
		case 0: // email: pages visited after a click
			if r.Float64() < 0.3 {
				kind = interKinds[0][1]
				depth = 1 + int64(poisson(r, 1.5))
			}
		case 1: // web visit: pages
			depth = 1 + int64(poisson(r, 3*math.Exp(0.2*a.sat)))
		case 2: // app session: seconds
			depth = 10 + int64(r.ExpFloat64()*180)
		case 3: // store visit: seconds
			depth = 60 + int64(r.ExpFloat64()*900)
		case 4: // support: handling seconds
			if r.Float64() < 0.4 {
				kind = interKinds[4][1]
			}
			depth = 30 + int64(r.ExpFloat64()*600*math.Exp(-0.3*a.sat))
		case 5: // chat: seconds
			depth = 20 + int64(r.ExpFloat64()*300)
		}
		b := c.buf[kInteractions]
		b = g.appendID(b, 'I', i)
		b = appendSub(b, k)
		b = append(b, ',')
		b = g.appendID(b, 'C', i)
		b = append(b, ',')
		b = g.appendTS(b, at)
		b = append(b, ',')
		b = append(b, interChannels[ch]...)
		b = append(b, ',')
		b = append(b, kind...)
		b = append(b, ',')
		b = strconv.AppendInt(b, depth, 10)
		b = append(b, '\n')
		c.buf[kInteractions] = b
		c.rows[kInteractions]++
	}
}

// meanAbsBoost is E[exp(|Z|/2)] for Z ~ N(0,1) = 2·e^(1/8)·Φ(1/2).
var meanAbsBoost = 2 * math.Exp(0.125) * normCDF(0.5)

func (w *worker) social(c *chunk, i int, a *attrs, aliveEnd float64) {
	g, r, so := w.g, w.main, &w.g.t.Social
	row := func(k int, at float64, tied bool, sent int) {
		reach := int64(math.Exp(5 + 1.2*r.NormFloat64()))
		likes := int64(poisson(r, float64(reach)*0.03))
		shares := int64(poisson(r, float64(likes)*0.1))
		comments := int64(poisson(r, float64(likes)*0.05))
		b := c.buf[kSocial]
		b = g.appendID(b, 'M', i)
		if k > 0 {
			b = appendSub(b, k)
		} else {
			b = append(b, "-a"...)
		}
		b = append(b, ',')
		b = g.appendTS(b, at)
		b = append(b, ',')
		b = append(b, platforms[r.IntN(len(platforms))]...)
		b = append(b, ',')
		if tied {
			b = g.appendID(b, 'C', i)
		}
		b = append(b, ',')
		for _, v := range [4]int64{likes, shares, comments, reach} {
			b = strconv.AppendInt(b, v, 10)
			b = append(b, ',')
		}
		b = append(b, sentiments[sent]...)
		b = append(b, ',')
		ts := g.tx.social[a.lang][sent]
		b = append(b, ts[r.IntN(len(ts))]...)
		b = append(b, '\n')
		c.buf[kSocial] = b
		c.rows[kSocial]++
	}
	if r.Float64() < so.AmplifierShare*math.Exp(math.Abs(a.sat)/2)/meanAbsBoost {
		n := 1 + poisson(r, 1)
		span := math.Min(aliveEnd+30, g.h) - a.t0
		for k := 1; k <= n; k++ {
			sent := 1
			if r.Float64() < logistic(2*a.sat-0.5) {
				sent = 2
			} else if r.Float64() < logistic(-2*a.sat-1) {
				sent = 0
			}
			row(k, a.t0+r.Float64()*span, true, sent)
		}
	}
	if r.Float64() < so.AnonymousShare {
		if at := a.t0 + r.Float64()*60; at < g.h {
			sent := 2
			if u := r.Float64(); u < 0.2 {
				sent = 0
			} else if u < 0.55 {
				sent = 1
			}
			c.real.AnonymousMention++
			row(0, at, false, sent)
		}
	}
}
