package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"fidelis"
)

// ChurnRows streams one row per customer with a purchase day before asOf's day (see
// fidelis.ChurnRow), in customer order: the rows of a series of that one cut-off (see ChurnSeries).
func (s *Shapes) ChurnRows(ctx context.Context, asOf, until time.Time, fn func(fidelis.ChurnRow) error) error {
	cs, err := s.ChurnSeries(ctx, []fidelis.ChurnCut{{AsOf: asOf, Until: until}})
	if err != nil {
		return err
	}
	rows, err := cs.Rows(ctx, 0)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// ChurnSeries reads the purchase days of every cut-off in one query and the customers'
// attributes in another, and holds them (see churnDays); each Rows(k) then reads that cut-off's
// other facts and returns its rows.
//
// The queries:
//   - (once for all cut-offs) each customer with a purchase day before the latest cut-off, their
//     orders ≥ 0 before the latest until aggregated per customer, for each cut-off: the purchase
//     days before it (count, first, last, and the sum of the squared gaps between consecutive
//     days, from which the spread of the gaps follows: Dialect.SortedSteps stands in for the
//     window function the common subset lacks and counts the distinct days) and those from it
//     to its until (the outcome). The days and their steps do not depend on the cut-off, only
//     which of them count does: conditional aggregates, one pass;
//   - (once) the customers' region, country, segment and acquisition channel;
//   - (per cut-off) the facts of every customer with an order before the cut-off: orders,
//     surveys, programme, interactions, referrals, exits and subscriptions, each a per-customer
//     aggregate joined on its own SELECT level (one JOIN per SELECT);
//   - (per cut-off) the per-channel interaction counts of the 90 days before the cut-off (only
//     customers who interacted), held in a map while the rows are built.
//
// Memory: the held days (about 30 bytes per customer and cut-off, 120 MB for four cut-offs of a
// million customers) and attributes (16 bytes per customer), the rows of the cut-off read, and
// the channel map. Until session 8 every cut-off read its days and attributes anew: the window
// over every order cost as much as the facts query.
func (s *Shapes) ChurnSeries(ctx context.Context, cuts []fidelis.ChurnCut) (fidelis.ChurnSeries, error) {
	if len(cuts) == 0 {
		return nil, fmt.Errorf("churn rows: no cut-off")
	}
	days, err := s.churnDays(ctx, cuts)
	if err != nil {
		return nil, err
	}
	if err := s.churnAttributes(ctx, days); err != nil {
		return nil, err
	}
	return &churnSeries{s: s, cuts: cuts, days: days}, nil
}

// churnDays are the purchase days of every customer with one before the latest cut-off's day, in
// customer order, for each cut-off (see purchaseDays): compact columns, no pointer per customer.
type churnDays struct {
	ids   []byte   // the customers' ids end to end
	ends  []uint32 // customer i is ids[ends[i-1]:ends[i]]
	first []int32  // first purchase day (day numbers since 1970-01-01)
	// attrs[4i+f] is customer i's region, country, segment and acquisition channel (f = 0…3)
	// as an index into values: they take few values.
	attrs  []uint32
	values []string
	cuts   []dayCut
}

func (d *churnDays) attr(i, f int) string { return d.values[d.attrs[4*i+f]] }

// find returns the index of the customer with id c.
func (d *churnDays) find(c string) (int, bool) {
	lo, hi := 0, len(d.ends)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if d.key(m) < c {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(d.ends) && d.key(lo) == c
}

// key is customer i's id without a copy, for comparisons.
func (d *churnDays) key(i int) string {
	lo := uint32(0)
	if i > 0 {
		lo = d.ends[i-1]
	}
	if lo == d.ends[i] {
		return ""
	}
	return unsafe.String(&d.ids[lo], int(d.ends[i]-lo))
}

// dayCut is the days of every customer for one cut-off (day number ad): before it their count
// (0: no row), last day and squared steps; from it to the cut-off's until, their count and value.
type dayCut struct {
	ad      int64
	rows    int // customers with before > 0
	before  []int32
	last    []int32
	steps   []int64
	future  []int32
	revenue []float64
}

func (d *churnDays) id(i int) string {
	lo := uint32(0)
	if i > 0 {
		lo = d.ends[i-1]
	}
	return string(d.ids[lo:d.ends[i]])
}

// days returns customer i's purchase days at cut-off k.
func (d *churnDays) days(i, k int) purchaseDays {
	c := &d.cuts[k]
	return purchaseDays{before: int64(c.before[i]), first: int64(d.first[i]), last: int64(c.last[i]), steps: c.steps[i],
		future: int64(c.future[i]), futureRevenue: c.revenue[i]}
}

func (s *Shapes) churnDays(ctx context.Context, cuts []fidelis.ChurnCut) (*churnDays, error) {
	d := s.D
	day := d.Period(fidelis.Day, `"timestamp"`)
	out := &churnDays{cuts: make([]dayCut, len(cuts))}
	var maxA, maxU int64
	// Each cut-off's day numbers are numbers Go computed, written into the text: the conditions
	// appear in several aggregates each, and placeholders would need binding once per copy.
	// Every order ≥ 0 before the latest until's day, not one row per customer and day: the steps
	// count the days.
	from, distinct, squares := d.SortedSteps(`(SELECT customer_id AS cd_customer, `+day+` AS cd_day, amount AS cd_amt FROM orders
			WHERE amount >= 0 AND "timestamp" < ?)`, "cd_customer", "cd_day")
	var sel strings.Builder
	for k, c := range cuts {
		ad, ud := fidelis.Day.Index(c.AsOf.UTC()), fidelis.Day.Index(c.Until.UTC())
		out.cuts[k].ad = ad
		if k == 0 || ad > maxA {
			maxA = ad
		}
		if k == 0 || ud > maxU {
			maxU = ud
		}
		a, u := strconv.FormatInt(ad, 10), strconv.FormatInt(ud, 10)
		before, after := `cd_day < `+a, `cd_day >= `+a+` AND cd_day < `+u
		sel.WriteString(fmt.Sprintf(`, %s AS cd_n%d, %s AS cd_last%d, %s AS cd_steps%d, %s AS cd_future%d, %s AS cd_amt%d`,
			distinct(before), k, d.MaxIf("cd_day", before), k, squares(before), k, distinct(after), k, d.SumIf("cd_amt", after), k))
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT cd_customer, min(cd_day) AS cd_first`+sel.String()+`
		FROM `+from+` cd GROUP BY cd_customer HAVING `+d.CountIf(`cd_day < `+strconv.FormatInt(maxA, 10))+` > 0 ORDER BY cd_customer`,
		time.Unix(maxU*86400, 0).UTC())
	if err != nil {
		return nil, fmt.Errorf("churn rows: %w", err)
	}
	defer rows.Close()
	k := len(cuts)
	var (
		id    string
		first int64
		vals  = make([]any, 2+5*k)
		n     = make([]int64, k)
		last  = make([]sql.NullInt64, k)
		steps = make([]int64, k)
		fut   = make([]int64, k)
		amt   = make([]sql.NullFloat64, k)
	)
	vals[0], vals[1] = &id, &first
	for j := range k {
		vals[2+5*j], vals[3+5*j], vals[4+5*j], vals[5+5*j], vals[6+5*j] = &n[j], &last[j], &steps[j], &fut[j], &amt[j]
	}
	prev := ""
	for rows.Next() {
		if err := rows.Scan(vals...); err != nil {
			return nil, fmt.Errorf("churn rows: %w", err)
		}
		if id < prev {
			return nil, fmt.Errorf("churn rows: %s after %s: the store does not order ids bytewise", id, prev)
		}
		prev = id
		out.ids = append(out.ids, id...)
		if len(out.ids) > math.MaxUint32 {
			return nil, fmt.Errorf("churn rows: customer ids past 4 GB")
		}
		out.ends = append(out.ends, uint32(len(out.ids)))
		out.first = append(out.first, int32(first))
		for j := range k {
			c := &out.cuts[j]
			if n[j] > 0 {
				c.rows++
			}
			c.before = append(c.before, int32(n[j]))
			c.last = append(c.last, int32(last[j].Int64))
			c.steps = append(c.steps, steps[j])
			c.future = append(c.future, int32(fut[j]))
			c.revenue = append(c.revenue, amt[j].Float64)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("churn rows: %w", err)
	}
	return out, nil
}

// churnAttributes reads the customers' fixed attributes into days, once for every cut-off (they
// were a join of every cut-off's facts query).
func (s *Shapes) churnAttributes(ctx context.Context, days *churnDays) error {
	d := s.D
	days.attrs = make([]uint32, 4*len(days.ends))
	days.values = []string{""}
	index := map[string]uint32{"": 0}
	var id string
	var v [4]sql.NullString
	return each(ctx, s.DB, "churn rows", `SELECT customer_id, `+d.AnyValue("region")+`, `+d.AnyValue("country")+`, `+d.AnyValue("segment")+`,
		`+d.AnyValue("acquisition_channel")+` FROM customers GROUP BY customer_id`, nil, func(r *sql.Rows) error {
		if err := r.Scan(&id, &v[0], &v[1], &v[2], &v[3]); err != nil {
			return fmt.Errorf("churn rows: %w", err)
		}
		i, ok := days.find(id)
		if !ok {
			return nil
		}
		for f, x := range v {
			n, ok := index[x.String]
			if !ok {
				n = uint32(len(days.values))
				index[x.String] = n
				days.values = append(days.values, x.String)
			}
			days.attrs[4*i+f] = n
		}
		return nil
	})
}

// churnSeries is ChurnSeries' result.
type churnSeries struct {
	s    *Shapes
	cuts []fidelis.ChurnCut
	days *churnDays
}

// Rows builds the rows of cut-off k from the held days and attributes, then fills in the facts
// as they stream in the engine's order (placed by the customer's index: no ORDER BY of the wide
// joined rows, which took 2 CPU-s and the rows' size in the engine at a million customers).
func (cs *churnSeries) Rows(ctx context.Context, k int) ([]fidelis.ChurnRow, error) {
	s, days := cs.s, cs.days
	a := cs.cuts[k].AsOf.UTC()
	d90, d180, d365 := a.AddDate(0, 0, -90), a.AddDate(0, 0, -180), a.AddDate(0, 0, -365)
	byChannel := map[string]map[string]int64{}
	err := each(ctx, s.DB, "churn rows", `SELECT customer_id, channel, count(*) FROM interactions
		WHERE "timestamp" >= ? AND "timestamp" < ? GROUP BY customer_id, channel`, []any{d90, a}, func(r *sql.Rows) error {
		var c, ch string
		var n int64
		if err := r.Scan(&c, &ch, &n); err != nil {
			return fmt.Errorf("churn rows: %w", err)
		}
		if byChannel[c] == nil {
			byChannel[c] = map[string]int64{}
		}
		byChannel[c][ch] = n
		return nil
	})
	if err != nil {
		return nil, err
	}

	c := &days.cuts[k]
	rows := make([]fidelis.ChurnRow, c.rows)
	// pos[i] is customer i's row at this cut-off, -1 without a purchase day before it.
	pos := make([]int32, len(days.first))
	j := 0
	for i, before := range c.before {
		if before == 0 {
			pos[i] = -1
			continue
		}
		p := days.days(i, k)
		p.customer = days.id(i)
		r, _ := p.row(c.ad)
		r.Region, r.Country, r.Segment, r.Channel = days.attr(i, 0), days.attr(i, 1), days.attr(i, 2), days.attr(i, 3)
		r.ByChannel90 = byChannel[r.Customer]
		rows[j], pos[i] = r, int32(j)
		j++
	}
	facts, err := s.churnFacts(ctx, s.DB, a, d90, d180, d365)
	if err != nil {
		return nil, err
	}
	defer facts.Close()
	var f churnFact
	for facts.Next() {
		if err := f.scan(facts); err != nil {
			return nil, fmt.Errorf("churn rows: %w", err)
		}
		// Customers with orders before the cut-off but no purchase day (refunds only) have no row.
		if i, ok := days.find(f.customer); ok && pos[i] >= 0 {
			f.fill(&rows[pos[i]], a.Unix())
		}
	}
	if err := facts.Err(); err != nil {
		return nil, fmt.Errorf("churn rows: %w", err)
	}
	for i := range rows {
		// A purchase day before the cut-off is an order ≥ 0 before it: every row has its facts.
		if rows[i].Orders == 0 {
			return nil, fmt.Errorf("churn rows: no orders of %s before %s, yet purchase days", rows[i].Customer, a.Format(time.DateOnly))
		}
	}
	return rows, nil
}

// purchaseDays is one customer's purchase days (calendar days with a non-negative order) as
// the store aggregates them: before the cut-off day, their count, first and last day numbers
// and Σ of the squared gaps between consecutive days; from the cut-off on, their count and value.
type purchaseDays struct {
	customer            string
	before, first, last int64
	steps               int64
	future              int64
	futureRevenue       float64
}

// row summarises the days before day ad (as the customer-base models do: repeat days, first to
// last, first to the cut-off; the sample standard deviation of the gaps, NaN under two gaps) and
// those from ad on (the outcome). ok is false without a purchase day before ad.
func (p purchaseDays) row(ad int64) (r fidelis.ChurnRow, ok bool) {
	n := p.before
	if n == 0 {
		return r, false
	}
	r.Customer = p.customer
	first, last := p.first, p.last
	r.X, r.Tx, r.T = float64(n-1), float64(last-first), float64(ad-first)
	r.GapSD = math.NaN()
	if gaps := n - 1; gaps >= 2 {
		// Σ (g − mean)² = (gaps·Σg² − (Σg)²) ÷ gaps, with Σg = last − first: the numerator is an
		// exact integer, so the only rounding is the division.
		span := last - first
		ss := float64(gaps*p.steps-span*span) / float64(gaps)
		r.GapSD = math.Sqrt(max(ss, 0) / float64(gaps-1))
	}
	r.Future, r.FutureRevenue = p.future, p.futureRevenue
	return r, true
}

// churnFact is one row of churnFacts.
type churnFact struct {
	customer                              string
	orders, refunds                       int64
	revenue, rev90, revPrev90, rev365     float64
	surveys, hasNPS, hasCSAT, hasCES      sql.NullInt64
	nps, csat, ces                        sql.NullFloat64
	surveySec, programSec, interactSec    sql.NullInt64
	member, events90, interactions, int90 sql.NullInt64
	earned, redeemed                      sql.NullFloat64
	referrals, exits, exitSec, subscribed sql.NullInt64
}

func (f *churnFact) scan(r *sql.Rows) error {
	return r.Scan(&f.customer,
		&f.orders, &f.refunds, &f.revenue, &f.rev90, &f.revPrev90, &f.rev365,
		&f.surveys, &f.hasNPS, &f.nps, &f.hasCSAT, &f.csat, &f.hasCES, &f.ces, &f.surveySec,
		&f.member, &f.earned, &f.redeemed, &f.events90, &f.programSec,
		&f.interactions, &f.int90, &f.interactSec,
		&f.referrals, &f.exits, &f.exitSec, &f.subscribed)
}

// fill copies the facts into r; ages are days before asOf (Unix seconds), NaN where the customer
// has no such record.
func (f *churnFact) fill(r *fidelis.ChurnRow, asOf int64) {
	r.Orders, r.Refunds, r.Revenue, r.Revenue90, r.RevenuePrev90, r.Revenue365 = f.orders, f.refunds, f.revenue, f.rev90, f.revPrev90, f.rev365
	latest := func(has sql.NullInt64, v sql.NullFloat64) float64 {
		if has.Int64 > 0 && v.Valid {
			return v.Float64
		}
		return math.NaN()
	}
	age := func(has bool, sec sql.NullInt64) float64 {
		if !has || !sec.Valid {
			return math.NaN()
		}
		return float64(asOf-sec.Int64) / 86400.0
	}
	r.NPS, r.CSAT, r.CES = latest(f.hasNPS, f.nps), latest(f.hasCSAT, f.csat), latest(f.hasCES, f.ces)
	r.Surveys, r.SurveyAge = f.surveys.Int64, age(f.surveys.Int64 > 0, f.surveySec)
	r.Member = f.member.Int64 > 0
	r.Earned, r.Redeemed, r.ProgramEvents90, r.ProgramAge = f.earned.Float64, f.redeemed.Float64, f.events90.Int64, age(r.Member, f.programSec)
	r.Interactions90, r.InteractionAge = f.int90.Int64, age(f.interactions.Int64 > 0, f.interactSec)
	r.Referrals, r.Exits, r.ExitAge = f.referrals.Int64, f.exits.Int64, age(f.exits.Int64 > 0, f.exitSec)
	r.Subscribed = f.subscribed.Int64 > 0
}

// churnFacts queries, in no order, the facts of every customer with an order before a:
// their orders' aggregate, on which the other record kinds' per-customer aggregates are left
// joined one level at a time. Every joined column is read through its presence (NULL or a
// default where the customer has no such record, depending on the engine).
func (s *Shapes) churnFacts(ctx context.Context, db Querier, a, d90, d180, d365 time.Time) (*sql.Rows, error) {
	d := s.D
	sec := d.Seconds(`"timestamp"`)
	q := `(SELECT customer_id AS c_id, ` + d.CountIf("amount >= 0") + ` AS o_n, ` + d.CountIf("amount < 0") + ` AS o_nref,
		sum(amount) AS o_rev, ` + d.SumIf("amount", `"timestamp" >= ?`) + ` AS o_r90,
		` + d.SumIf("amount", `"timestamp" >= ? AND "timestamp" < ?`) + ` AS o_rp90, ` + d.SumIf("amount", `"timestamp" >= ?`) + ` AS o_r365
		FROM orders WHERE "timestamp" < ? GROUP BY customer_id)`
	args := []any{d90, d180, d90, d365, a}
	cols := []string{"c_id", "o_n", "o_nref", "o_rev", "o_r90", "o_rp90", "o_r365"}
	// Latest answer of each kind (ties by response id), then one row per customer.
	latest := `(SELECT customer_id AS s1_id, lower(kind) AS s1_kind, ` + d.ArgMax("score", `("timestamp", response_id)`) + ` AS s1_score,
		count(*) AS s1_n, max(` + sec + `) AS s1_sec FROM surveys WHERE customer_id IS NOT NULL AND "timestamp" < ? GROUP BY customer_id, s1_kind)`
	kind := func(k string) string {
		return d.CountIf(`s1_kind = '`+k+`'`) + ` AS sv_has_` + k + `, ` + d.MaxIf("s1_score", `s1_kind = '`+k+`'`) + ` AS sv_` + k
	}
	// Each part: its per-customer aggregate, keyed by key, and the columns it adds.
	parts := []struct {
		key, table string
		args       []any
		cols       []string
	}{
		{"sv_id", `(SELECT s1_id AS sv_id, sum(s1_n) AS sv_n, ` + kind("nps") + `, ` + kind("csat") + `, ` + kind("ces") + `, max(s1_sec) AS sv_sec
			FROM ` + latest + ` GROUP BY s1_id)`, []any{a},
			[]string{"sv_n", "sv_has_nps", "sv_nps", "sv_has_csat", "sv_csat", "sv_has_ces", "sv_ces", "sv_sec"}},
		{"pg_id", `(SELECT customer_id AS pg_id, 1 AS pg_has, ` + d.SumIf("abs(points)", "lower(type) = 'earn'") + ` AS pg_earned,
			` + d.SumIf("abs(points)", "lower(type) = 'redeem'") + ` AS pg_redeemed, ` + d.CountIf(`"timestamp" >= ?`) + ` AS pg_ev90,
			max(` + sec + `) AS pg_sec FROM program WHERE "timestamp" < ? GROUP BY customer_id)`, []any{d90, a},
			[]string{"pg_has", "pg_earned", "pg_redeemed", "pg_ev90", "pg_sec"}},
		{"it_id", `(SELECT customer_id AS it_id, count(*) AS it_n, ` + d.CountIf(`"timestamp" >= ?`) + ` AS it_n90, max(` + sec + `) AS it_sec
			FROM interactions WHERE "timestamp" < ? GROUP BY customer_id)`, []any{d90, a}, []string{"it_n", "it_n90", "it_sec"}},
		{"rf_id", `(SELECT referrer_id AS rf_id, count(*) AS rf_n FROM referrals WHERE invited_at < ? GROUP BY referrer_id)`, []any{a}, []string{"rf_n"}},
		{"ex_id", `(SELECT customer_id AS ex_id, count(*) AS ex_n, max(` + sec + `) AS ex_sec FROM exits WHERE "timestamp" < ? GROUP BY customer_id)`,
			[]any{a}, []string{"ex_n", "ex_sec"}},
		{"sb_id", `(SELECT customer_id AS sb_id, 1 AS sb_has FROM subscriptions WHERE started_at < ? AND (ended_at IS NULL OR ended_at >= ?)
			GROUP BY customer_id)`, []any{a, a}, []string{"sb_has"}},
	}
	for i, p := range parts {
		l, r := fmt.Sprintf("l%d", i), fmt.Sprintf("r%d", i)
		q = `(SELECT ` + strings.Join(cols, ", ") + `, ` + strings.Join(p.cols, ", ") + ` FROM ` + q + ` ` + l + `
			LEFT JOIN ` + p.table + ` ` + r + ` ON ` + r + `.` + p.key + ` = ` + l + `.c_id)`
		cols = append(cols, p.cols...)
		args = append(args, p.args...)
	}
	n := func(c string) string { return `coalesce(` + c + `, 0)` }
	rows, err := db.QueryContext(ctx, `SELECT c_id, o_n, o_nref, o_rev, o_r90, o_rp90, o_r365,
		`+n("sv_n")+`, `+n("sv_has_nps")+`, sv_nps, `+n("sv_has_csat")+`, sv_csat, `+n("sv_has_ces")+`, sv_ces, sv_sec,
		`+n("pg_has")+`, pg_earned, pg_redeemed, `+n("pg_ev90")+`, pg_sec,
		`+n("it_n")+`, `+n("it_n90")+`, it_sec, `+n("rf_n")+`, `+n("ex_n")+`, ex_sec, `+n("sb_has")+`
		FROM `+q+` f`, args...)
	if err != nil {
		return nil, fmt.Errorf("churn rows: %w", err)
	}
	return rows, nil
}
