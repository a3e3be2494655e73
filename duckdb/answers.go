package duckdb

import (
	"context"
	"database/sql"
	"fmt"
)

// LatestAnswers streams each customer's most recent answer of one survey kind (ties broken by
// response id, so the result is deterministic).
func (s *Store) LatestAnswers(ctx context.Context, kind string, fn func(customer string, score float64, scale string) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT customer_id, score, scale FROM surveys
		WHERE kind = ? AND customer_id IS NOT NULL
		QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY "timestamp" DESC, response_id DESC) = 1`, kind)
	if err != nil {
		return fmt.Errorf("latest answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var score float64
		var scale sql.NullString
		if err := rows.Scan(&c, &score, &scale); err != nil {
			return err
		}
		if err := fn(c, score, scale.String); err != nil {
			return err
		}
	}
	return rows.Err()
}
