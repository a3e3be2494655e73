package sqlstore

import (
	"context"
	"database/sql"

	"fidelis"
)

// sentiment is a mention's label as compared: lower case, trimmed, "" when absent.
func (s *Shapes) sentiment(col string) string {
	return `lower(` + s.D.Trim(`coalesce(`+col+`, '')`) + `)`
}

// SocialActivity sums mentions per segment, period, platform and sentiment label.
func (s *Shapes) SocialActivity(ctx context.Context, q fidelis.Query) ([]fidelis.SocialCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	cond, targs := TimeBounds(q, `t."timestamp"`)
	src, args := s.source(q, "social", "customer_id", cond, s.D.Period(q.Grain, `t."timestamp"`)+` AS p`,
		`t.platform AS a_platform`, s.sentiment("t.sentiment")+` AS a_sentiment`, `t.likes AS a_likes`, `t.shares AS a_shares`,
		`t.comments AS a_comments`, `t.reach AS a_reach`, `t.customer_id AS a_customer`)
	qs := `SELECT seg, p, a_platform, a_sentiment, count(*), coalesce(sum(a_likes), 0), coalesce(sum(a_shares), 0),
		coalesce(sum(a_comments), 0), coalesce(sum(a_reach), 0), coalesce(count(DISTINCT a_customer), 0)
		FROM ` + src + ` GROUP BY seg, p, a_platform, a_sentiment ORDER BY seg, p, a_platform, a_sentiment`
	return query(ctx, s.DB, "social", qs, append(args, targs...), func(r *sql.Rows, c *fidelis.SocialCell) error {
		return r.Scan(&c.Segment, &c.Period, &c.Platform, &c.Sentiment, &c.Mentions, &c.Likes, &c.Shares, &c.Comments, &c.Reach, &c.Authors)
	})
}

// SocialTexts streams the mentions with text, oldest first.
func (s *Shapes) SocialTexts(ctx context.Context, q fidelis.Query, fn func(fidelis.SocialText) error) error {
	if err := s.CheckDimension(ctx, q); err != nil {
		return err
	}
	cond, targs := TimeBounds(q, `t."timestamp"`)
	src, args := s.source(q, "social", "customer_id", cond+` AND coalesce(t.text, '') <> ''`, `t.mention_id AS a_id`,
		s.D.Period(q.Grain, `t."timestamp"`)+` AS p`, `t.platform AS a_platform`, s.sentiment("t.sentiment")+` AS a_sentiment`,
		`t.text AS a_text`, `t."timestamp" AS a_time`)
	qs := `SELECT a_id, seg, p, a_platform, a_sentiment, a_text FROM ` + src + ` ORDER BY a_time, a_id`
	return each(ctx, s.DB, "social texts", qs, append(args, targs...), func(r *sql.Rows) error {
		var t fidelis.SocialText
		if err := r.Scan(&t.ID, &t.Segment, &t.Period, &t.Platform, &t.Sentiment, &t.Text); err != nil {
			return err
		}
		return fn(t)
	})
}

// Amplifiers returns the customers whose mentions reached most people.
func (s *Shapes) Amplifiers(ctx context.Context, q fidelis.Query, limit int) ([]fidelis.Amplifier, error) {
	cond, targs := TimeBounds(q, `"timestamp"`)
	if len(q.Segment) > 0 {
		members, margs := Members(q)
		cond += ` AND customer_id IN (` + members + `)`
		targs = append(targs, margs...)
	}
	d := s.D
	qs := `SELECT customer_id, count(*), ` + d.CountIf(s.sentiment("sentiment")+` = 'positive'`) + `, ` + d.CountIf(s.sentiment("sentiment")+` = 'negative'`) + `,
		coalesce(sum(likes), 0), coalesce(sum(shares), 0) AS a_shares, coalesce(sum(reach), 0) AS a_reach
	FROM social WHERE coalesce(customer_id, '') <> '' AND ` + cond + `
	GROUP BY customer_id ORDER BY a_reach DESC, a_shares DESC, customer_id LIMIT ?`
	return query(ctx, s.DB, "amplifiers", qs, append(targs, limit), func(r *sql.Rows, a *fidelis.Amplifier) error {
		return r.Scan(&a.Customer, &a.Mentions, &a.Positive, &a.Negative, &a.Likes, &a.Shares, &a.Reach)
	})
}
