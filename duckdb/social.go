package duckdb

import (
	"context"
	"fmt"

	"fidelis"
	"fidelis/sqlstore"
)

var _ fidelis.SocialStore = (*Store)(nil)

// SocialActivity sums mentions per segment, period, platform and sentiment label.
func (s *Store) SocialActivity(ctx context.Context, q fidelis.Query) ([]fidelis.SocialCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	seg, join, args := segment(q, "x")
	cond, targs := sqlstore.TimeBounds(q, `x."timestamp"`)
	query := `SELECT ` + seg + `, ` + periodIndex(q.Grain, `x."timestamp"`) + `, x.platform, coalesce(lower(trim(x.sentiment)), ''),
		count(*), coalesce(sum(x.likes), 0), coalesce(sum(x.shares), 0), coalesce(sum(x.comments), 0), coalesce(sum(x.reach), 0),
		count(DISTINCT x.customer_id)
	FROM social x` + join + ` WHERE ` + cond + ` GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`
	rows, err := s.db.QueryContext(ctx, query, append(args, targs...)...)
	if err != nil {
		return nil, fmt.Errorf("social: %w", err)
	}
	defer rows.Close()
	var out []fidelis.SocialCell
	for rows.Next() {
		var c fidelis.SocialCell
		if err := rows.Scan(&c.Segment, &c.Period, &c.Platform, &c.Sentiment, &c.Mentions, &c.Likes, &c.Shares, &c.Comments, &c.Reach, &c.Authors); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SocialTexts streams the mentions with text, oldest first.
func (s *Store) SocialTexts(ctx context.Context, q fidelis.Query, fn func(fidelis.SocialText) error) error {
	if err := s.CheckDimension(ctx, q); err != nil {
		return err
	}
	seg, join, args := segment(q, "x")
	cond, targs := sqlstore.TimeBounds(q, `x."timestamp"`)
	query := `SELECT x.mention_id, ` + seg + `, ` + periodIndex(q.Grain, `x."timestamp"`) + `, x.platform,
		coalesce(lower(trim(x.sentiment)), ''), x.text
	FROM social x` + join + ` WHERE ` + cond + ` AND coalesce(x.text, '') <> '' ORDER BY x."timestamp", x.mention_id`
	rows, err := s.db.QueryContext(ctx, query, append(args, targs...)...)
	if err != nil {
		return fmt.Errorf("social texts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t fidelis.SocialText
		if err := rows.Scan(&t.ID, &t.Segment, &t.Period, &t.Platform, &t.Sentiment, &t.Text); err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Amplifiers returns the customers whose mentions reached most people.
func (s *Store) Amplifiers(ctx context.Context, q fidelis.Query, limit int) ([]fidelis.Amplifier, error) {
	cond, targs := sqlstore.TimeBounds(q, `"timestamp"`)
	query := `SELECT customer_id, count(*), ` + countIf("lower(sentiment) = 'positive'") + `, ` + countIf("lower(sentiment) = 'negative'") + `,
		coalesce(sum(likes), 0), coalesce(sum(shares), 0), coalesce(sum(reach), 0)
	FROM social WHERE customer_id IS NOT NULL AND customer_id <> '' AND ` + cond + `
	GROUP BY 1 ORDER BY 7 DESC, 6 DESC, 1 LIMIT ?`
	rows, err := s.db.QueryContext(ctx, query, append(targs, limit)...)
	if err != nil {
		return nil, fmt.Errorf("amplifiers: %w", err)
	}
	defer rows.Close()
	var out []fidelis.Amplifier
	for rows.Next() {
		var a fidelis.Amplifier
		if err := rows.Scan(&a.Customer, &a.Mentions, &a.Positive, &a.Negative, &a.Likes, &a.Shares, &a.Reach); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
