package sqlstore

import (
	"context"
	"database/sql"

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
