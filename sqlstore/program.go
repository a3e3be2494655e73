package sqlstore

import (
	"context"
	"database/sql"
	"math"
	"slices"

	"fidelis"
)

// ProgramActivity sums the programme events per segment and period; running totals are
// accumulated in Go over every period of the data before the window is cut.
func (s *Shapes) ProgramActivity(ctx context.Context, q fidelis.Query) ([]fidelis.ProgramCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	d := s.D
	src, args := s.source(q, "program", "customer_id", "", `t.customer_id AS a_customer`, d.Period(q.Grain, `t."timestamp"`)+` AS p`,
		`lower(t.type) AS a_type`, `t.points AS a_points`, `t.value AS a_value`)
	valued := `a_points IS NOT NULL AND a_points <> 0 AND a_value IS NOT NULL`
	type key struct {
		seg string
		p   int64
	}
	cells := map[key]*fidelis.ProgramCell{}
	cell := func(k key) *fidelis.ProgramCell {
		if cells[k] == nil {
			cells[k] = &fidelis.ProgramCell{Segment: k.seg, Period: k.p}
		}
		return cells[k]
	}
	err := each(ctx, s.DB, "programme", `SELECT seg, p, count(DISTINCT a_customer),
		`+d.SumIf("a_points", "a_type = 'earn'")+`, `+d.SumIf("abs(a_points)", "a_type = 'redeem'")+`,
		`+d.SumIf("abs(a_points)", "a_type = 'expire'")+`, `+d.SumIf("a_points", "a_type = 'adjust'")+`,
		`+d.SumIf("abs(a_points)", valued)+`, `+d.SumIf("abs(a_value)", valued)+`
		FROM `+src+` GROUP BY seg, p`, args, func(r *sql.Rows) error {
		var k key
		var v fidelis.ProgramCell
		if err := r.Scan(&k.seg, &k.p, &v.Active, &v.Earned, &v.Redeemed, &v.Expired, &v.Adjusted, &v.ValuedPoints, &v.Value); err != nil {
			return err
		}
		c := cell(k)
		c.Active, c.Earned, c.Redeemed, c.Expired, c.Adjusted, c.ValuedPoints, c.Value =
			v.Active, v.Earned, v.Redeemed, v.Expired, v.Adjusted, v.ValuedPoints, v.Value
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A customer is a member from their first programme event.
	err = each(ctx, s.DB, "programme", `SELECT seg, f_p, count(*) FROM (SELECT a_customer, seg, min(p) AS f_p FROM `+src+`
		GROUP BY a_customer, seg) GROUP BY seg, f_p`, args, func(r *sql.Rows) error {
		var k key
		var n int64
		if err := r.Scan(&k.seg, &k.p, &n); err != nil {
			return err
		}
		cell(k).Enrolled += n
		return nil
	})
	if err != nil {
		return nil, err
	}
	segs := map[string]bool{}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for k := range cells {
		segs[k.seg] = true
		lo, hi = min(lo, k.p), max(hi, k.p)
	}
	from, to := WindowIndices(q)
	var out []fidelis.ProgramCell
	for _, sg := range sortedKeys(segs) {
		var run fidelis.ProgramCell
		for i := lo; i <= hi; i++ {
			c := fidelis.ProgramCell{Segment: sg, Period: i}
			if d := cells[key{sg, i}]; d != nil {
				c = *d
			}
			run.Members += c.Enrolled
			run.EarnedToDate += c.Earned
			run.RedeemedToDate += c.Redeemed
			run.ExpiredToDate += c.Expired
			run.AdjustedToDate += c.Adjusted
			c.Members, c.EarnedToDate, c.RedeemedToDate, c.ExpiredToDate, c.AdjustedToDate =
				run.Members, run.EarnedToDate, run.RedeemedToDate, run.ExpiredToDate, run.AdjustedToDate
			if i >= from && i < to {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
