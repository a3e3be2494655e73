package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"fidelis"
)

// purchasePeriods is a FROM item of the distinct (customer, segment, period) with a purchase
// (refunds are not purchases): columns <pre>_customer, <pre>_seg, <pre>_p.
func (s *Shapes) purchasePeriods(q fidelis.Query, pre string) (string, []any) {
	src, args := s.source(q, "orders", "customer_id", "t.amount >= 0", `t.customer_id AS a_customer`,
		s.D.Period(q.Grain, `t."timestamp"`)+` AS a_p`)
	return `(SELECT a_customer AS ` + pre + `_customer, seg AS ` + pre + `_seg, a_p AS ` + pre + `_p FROM ` + src + `
		GROUP BY a_customer, seg, a_p)`, args
}

// Cohorts returns per (segment, cohort, offset) the customers who bought in cohort+offset and
// those whose last purchase is in it. Cohorts outside q's window are left out.
func (s *Shapes) Cohorts(ctx context.Context, q fidelis.Query) ([]fidelis.CohortCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	pp, pargs := s.purchasePeriods(q, "b")
	// Each customer's first and last purchase periods straight from the orders: the least and
	// greatest period are the same over distinct periods, without grouping into them first.
	src, fargs := s.source(q, "orders", "customer_id", "t.amount >= 0", `t.customer_id AS a_customer`,
		s.D.Period(q.Grain, `t."timestamp"`)+` AS a_p`)
	first := `(SELECT a_customer AS f_customer, seg AS f_seg, min(a_p) AS f_c, max(a_p) AS f_l FROM ` + src + ` GROUP BY a_customer, seg)`
	type key struct {
		seg  string
		c, k int64
	}
	cells := map[key]*fidelis.CohortCell{}
	from, to := WindowIndices(q)
	add := func(qs string, args []any, last bool) error {
		return each(ctx, s.DB, "cohorts", qs, args, func(r *sql.Rows) error {
			var kk key
			var n int64
			if err := r.Scan(&kk.seg, &kk.c, &kk.k, &n); err != nil {
				return err
			}
			if kk.c < from || kk.c >= to {
				return nil
			}
			c := cells[kk]
			if c == nil {
				c = &fidelis.CohortCell{Segment: kk.seg, Cohort: kk.c, Offset: kk.k}
				cells[kk] = c
			}
			if last {
				c.LastAt += n
			} else {
				c.Returned += n
			}
			return nil
		})
	}
	if err := add(`SELECT f_seg, f_c, b_p - f_c AS k, count(*) FROM `+pp+` b JOIN `+first+` f ON f.f_customer = b.b_customer
		GROUP BY f_seg, f_c, k`, append(pargs, fargs...), false); err != nil {
		return nil, err
	}
	if err := add(`SELECT f_seg, f_c, f_l - f_c AS k, count(*) FROM `+first+` GROUP BY f_seg, f_c, k`, fargs, true); err != nil {
		return nil, err
	}
	out := make([]fidelis.CohortCell, 0, len(cells))
	for _, c := range cells {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b fidelis.CohortCell) int {
		if a.Segment != b.Segment {
			return strings.Compare(a.Segment, b.Segment)
		}
		if a.Cohort != b.Cohort {
			return int(a.Cohort - b.Cohort)
		}
		return int(a.Offset - b.Offset)
	})
	return out, nil
}
