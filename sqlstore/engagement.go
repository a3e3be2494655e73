package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"fidelis"
)

// Engagement counts interactions per segment, period and channel.
func (s *Shapes) Engagement(ctx context.Context, q fidelis.Query) ([]fidelis.EngagementCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	cond, targs := TimeBounds(q, `t."timestamp"`)
	src, args := s.source(q, "interactions", "customer_id", cond, s.D.Period(q.Grain, `t."timestamp"`)+` AS p`,
		`t.channel AS a_channel`, `t.customer_id AS a_customer`, `t.depth AS a_depth`)
	qs := `SELECT seg, p, a_channel, count(*), count(DISTINCT a_customer), coalesce(sum(a_depth), 0), count(a_depth)
		FROM ` + src + ` GROUP BY seg, p, a_channel ORDER BY seg, p, a_channel`
	return query(ctx, s.DB, "engagement", qs, append(args, targs...), func(r *sql.Rows, c *fidelis.EngagementCell) error {
		return r.Scan(&c.Segment, &c.Period, &c.Channel, &c.Interactions, &c.Customers, &c.Depth, &c.DepthN)
	})
}

// EngagementMix counts engaged customers per segment, period and number of channels used.
func (s *Shapes) EngagementMix(ctx context.Context, q fidelis.Query) ([]fidelis.ChannelMix, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	cond, targs := TimeBounds(q, `t."timestamp"`)
	src, args := s.source(q, "interactions", "customer_id", cond, s.D.Period(q.Grain, `t."timestamp"`)+` AS p`,
		`t.channel AS a_channel`, `t.customer_id AS a_customer`)
	qs := `SELECT seg, p, n, count(*) FROM (SELECT a_customer, seg, p, count(DISTINCT a_channel) AS n FROM ` + src + `
		GROUP BY a_customer, seg, p) GROUP BY seg, p, n ORDER BY seg, p, n`
	return query(ctx, s.DB, "engagement mix", qs, append(args, targs...), func(r *sql.Rows, c *fidelis.ChannelMix) error {
		return r.Scan(&c.Segment, &c.Period, &c.Channels, &c.Customers)
	})
}

// EngagementRetention counts, per segment and exact number of interactions in the period of
// purchase, the customer-periods with a purchase in the window and those followed by another
// purchase within q.ActivityWindow() periods; periods whose follow-up reaches the last purchase
// period are left out. "Bought again" needs the customer's next purchase period (DuckDB's lead(),
// no window functions on ClickHouse 18.16), so each customer's purchase periods with their
// interaction counts stream in order and are folded in Go, like Activity. Memory is one customer's
// periods plus the result, which has one cell per segment and distinct count.
func (s *Shapes) EngagementRetention(ctx context.Context, q fidelis.Query) ([]fidelis.EngagementRetentionCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	var n, last int64
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*), coalesce(max(`+s.D.Period(q.Grain, `"timestamp"`)+`), 0)
		FROM orders WHERE amount >= 0`).Scan(&n, &last); err != nil {
		return nil, fmt.Errorf("engagement retention: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	k := int64(q.ActivityWindow())
	from, to := WindowIndices(q)
	pp, args := s.purchasePeriods(q, "e")
	// Interactions per customer and period, joined by the same column names (USING, which the
	// cluster's distributed rewrite keeps).
	qs := `SELECT e_customer, e_seg, e_p, coalesce(e_n, 0) FROM ` + pp + ` b
		LEFT JOIN (SELECT customer_id AS e_customer, ` + s.D.Period(q.Grain, `"timestamp"`) + ` AS e_p, count(*) AS e_n
			FROM interactions GROUP BY e_customer, e_p) i USING (e_customer, e_p)
		ORDER BY e_customer, e_p`
	type key struct {
		seg string
		n   int64
	}
	cells := map[key]*fidelis.EngagementRetentionCell{}
	var cur string
	var prev *key
	var prevP int64
	// A period's outcome is known when the customer's next period arrives (or the customer ends).
	settle := func(next int64, more bool) {
		if prev == nil {
			return
		}
		if prevP+k < last && prevP >= from && prevP < to {
			c := cells[*prev]
			if c == nil {
				c = &fidelis.EngagementRetentionCell{Segment: prev.seg, Interactions: prev.n}
				cells[*prev] = c
			}
			c.Buyers++
			if more && next <= prevP+k {
				c.Returned++
			}
		}
		prev = nil
	}
	err := each(ctx, s.DB, "engagement retention", qs, args, func(r *sql.Rows) error {
		var c, seg string
		var p, n int64
		if err := r.Scan(&c, &seg, &p, &n); err != nil {
			return err
		}
		settle(p, c == cur)
		cur, prev, prevP = c, &key{seg, n}, p
		return nil
	})
	if err != nil {
		return nil, err
	}
	settle(0, false)
	out := make([]fidelis.EngagementRetentionCell, 0, len(cells))
	for _, c := range cells {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b fidelis.EngagementRetentionCell) int {
		return cmp.Or(strings.Compare(a.Segment, b.Segment), cmp.Compare(a.Interactions, b.Interactions))
	})
	return out, nil
}
