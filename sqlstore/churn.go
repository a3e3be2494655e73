package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"fidelis"
)

// ChurnRows streams one row per customer with a purchase day before asOf's day (see
// fidelis.ChurnRow), in customer order.
//
// Three queries, the first two read side by side in customer order:
//   - each customer with a purchase day before asOf, their orders ≥ 0 before until aggregated per
//     customer: the purchase days before asOf (count, first, last, and the sum of the squared gaps
//     between consecutive days, from which the spread of the gaps follows: Dialect.SortedSteps
//     stands in for the window function the common subset lacks and counts the distinct days)
//     and those from asOf on (the outcome);
//   - the facts of every customer with an order before asOf: orders, surveys, programme,
//     interactions, referrals, exits and subscriptions, each a per-customer aggregate joined on
//     its own SELECT level (one JOIN per SELECT);
//   - the per-channel interaction counts of the 90 days before asOf (only customers who
//     interacted), held in a map while the others stream.
//
// Memory: one row per customer in flight, plus the channel map. (Until this, the first query
// streamed one row per customer and purchase day, ~10M rows at a million customers per cut-off,
// and Go paired the days.)
func (s *Shapes) ChurnRows(ctx context.Context, asOf, until time.Time, fn func(fidelis.ChurnRow) error) error {
	a, u := asOf.UTC(), until.UTC()
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
		return err
	}

	d := s.D
	day := d.Period(fidelis.Day, `"timestamp"`)
	dc, fc, err := s.twoConns(ctx)
	if err != nil {
		return fmt.Errorf("churn rows: %w", err)
	}
	defer dc.Close()
	defer fc.Close()
	ad := fidelis.Day.Index(a)
	// The cut-off day is a number Go computed, written into the text: the conditions appear in
	// several aggregates, and placeholders would need binding once per copy.
	cut := strconv.FormatInt(ad, 10)
	before, after := `cd_day < `+cut, `cd_day >= `+cut
	// Every order ≥ 0 before until, not one row per customer and day: the steps count the days.
	from, distinct, squares := d.SortedSteps(`(SELECT customer_id AS cd_customer, `+day+` AS cd_day, amount AS cd_amt FROM orders
			WHERE amount >= 0 AND "timestamp" < ?)`, "cd_customer", "cd_day")
	days, err := dc.QueryContext(ctx, `SELECT cd_customer, `+distinct(before)+` AS cd_n, min(cd_day) AS cd_first,
		`+d.MaxIf("cd_day", before)+` AS cd_last, `+squares(before)+` AS cd_steps,
		`+distinct(after)+` AS cd_future, `+d.SumIf("cd_amt", after)+` AS cd_future_amt
		FROM `+from+` cd GROUP BY cd_customer HAVING `+d.CountIf(before)+` > 0 ORDER BY cd_customer`, u)
	if err != nil {
		return fmt.Errorf("churn rows: %w", err)
	}
	defer days.Close()
	facts, err := s.churnFacts(ctx, fc, a, d90, d180, d365)
	if err != nil {
		return err
	}
	defer facts.Close()

	var f churnFact
	haveFact := false
	prevCustomer := ""
	// Region, country, segment and channel take few values: one string each, not one per row.
	intern := map[string]string{}
	for days.Next() {
		var p purchaseDays
		var last sql.NullInt64
		if err := days.Scan(&p.customer, &p.before, &p.first, &last, &p.steps, &p.future, &p.futureRevenue); err != nil {
			return fmt.Errorf("churn rows: %w", err)
		}
		if p.customer < prevCustomer {
			return fmt.Errorf("churn rows: %s after %s: the store does not order ids bytewise", p.customer, prevCustomer)
		}
		prevCustomer = p.customer
		p.last = last.Int64
		r, ok := p.row(ad)
		if !ok {
			continue
		}
		for !haveFact || f.customer < r.Customer {
			if !facts.Next() {
				if err := facts.Err(); err != nil {
					return fmt.Errorf("churn rows: %w", err)
				}
				return fmt.Errorf("churn rows: no orders of %s before %s, yet purchase days", r.Customer, a.Format(time.DateOnly))
			}
			prev := f.customer
			if err := f.scan(facts); err != nil {
				return fmt.Errorf("churn rows: %w", err)
			}
			if haveFact && f.customer < prev {
				return fmt.Errorf("churn rows: %s after %s: the store does not order ids bytewise", f.customer, prev)
			}
			haveFact = true
		}
		if f.customer != r.Customer {
			return fmt.Errorf("churn rows: no orders of %s before %s, yet purchase days", r.Customer, a.Format(time.DateOnly))
		}
		f.fill(&r, a.Unix())
		for _, v := range []*string{&r.Region, &r.Country, &r.Segment, &r.Channel} {
			if w, ok := intern[*v]; ok {
				*v = w
			} else if len(intern) < 10_000 {
				intern[*v] = *v
			}
		}
		r.ByChannel90 = byChannel[r.Customer]
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := days.Err(); err != nil {
		return fmt.Errorf("churn rows: %w", err)
	}
	return nil
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
	region, country, segment, channel     sql.NullString
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
	return r.Scan(&f.customer, &f.region, &f.country, &f.segment, &f.channel,
		&f.orders, &f.refunds, &f.revenue, &f.rev90, &f.revPrev90, &f.rev365,
		&f.surveys, &f.hasNPS, &f.nps, &f.hasCSAT, &f.csat, &f.hasCES, &f.ces, &f.surveySec,
		&f.member, &f.earned, &f.redeemed, &f.events90, &f.programSec,
		&f.interactions, &f.int90, &f.interactSec,
		&f.referrals, &f.exits, &f.exitSec, &f.subscribed)
}

// fill copies the facts into r; ages are days before asOf (Unix seconds), NaN where the customer
// has no such record.
func (f *churnFact) fill(r *fidelis.ChurnRow, asOf int64) {
	r.Region, r.Country, r.Segment, r.Channel = f.region.String, f.country.String, f.segment.String, f.channel.String
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

// churnFacts queries, in customer order, the facts of every customer with an order before a:
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
		{"cu_id", `(SELECT customer_id AS cu_id, ` + d.AnyValue("region") + ` AS cu_region, ` + d.AnyValue("country") + ` AS cu_country,
			` + d.AnyValue("segment") + ` AS cu_segment, ` + d.AnyValue("acquisition_channel") + ` AS cu_channel FROM customers GROUP BY customer_id)`,
			nil, []string{"cu_region", "cu_country", "cu_segment", "cu_channel"}},
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
	rows, err := db.QueryContext(ctx, `SELECT c_id, cu_region, cu_country, cu_segment, cu_channel,
		o_n, o_nref, o_rev, o_r90, o_rp90, o_r365,
		`+n("sv_n")+`, `+n("sv_has_nps")+`, sv_nps, `+n("sv_has_csat")+`, sv_csat, `+n("sv_has_ces")+`, sv_ces, sv_sec,
		`+n("pg_has")+`, pg_earned, pg_redeemed, `+n("pg_ev90")+`, pg_sec,
		`+n("it_n")+`, `+n("it_n90")+`, it_sec, `+n("rf_n")+`, `+n("ex_n")+`, ex_sec, `+n("sb_has")+`
		FROM `+q+` f ORDER BY c_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("churn rows: %w", err)
	}
	return rows, nil
}
