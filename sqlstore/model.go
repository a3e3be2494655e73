package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"fidelis"
)

// HoldoutDays counts purchase days per step-day interval after calEnd, for customers whose first
// purchase is before calEnd's day.
func (s *Shapes) HoldoutDays(ctx context.Context, calEnd, obsEnd time.Time, stepDays int) ([]int64, error) {
	if stepDays <= 0 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "holdout step must be positive")
	}
	day := s.D.Period(fidelis.Day, `"timestamp"`)
	qs := `SELECT floor((h_day - ?) / ?) AS k, count(*) FROM (
		SELECT d.h_day FROM (SELECT customer_id AS h_customer, ` + day + ` AS h_day FROM orders
			WHERE amount >= 0 AND "timestamp" < ? GROUP BY customer_id, h_day) d
		JOIN (SELECT customer_id AS f_customer FROM orders WHERE amount >= 0 AND "timestamp" < ?
			GROUP BY customer_id HAVING min(` + day + `) < ?) f ON f.f_customer = d.h_customer
		WHERE d.h_day >= ?) GROUP BY k ORDER BY k`
	cd := fidelis.Day.Index(calEnd)
	n := int((obsEnd.Sub(calEnd).Hours()/24 + float64(stepDays) - 1) / float64(stepDays))
	out := make([]int64, max(n, 0))
	err := each(ctx, s.DB, "holdout days", qs, []any{cd, stepDays, obsEnd.UTC(), obsEnd.UTC(), cd, cd}, func(r *sql.Rows) error {
		var k float64
		var c int64
		if err := r.Scan(&k, &c); err != nil {
			return fmt.Errorf("holdout days: %w", err)
		}
		if k >= 0 && int(k) < len(out) {
			out[int(k)] = c
		}
		return nil
	})
	return out, err
}
