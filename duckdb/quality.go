package duckdb

import (
	"context"

	"fidelis"
)

// customerColumn names, per kind, the column that names a customer (the referrer for referrals).
var customerColumn = map[fidelis.Kind]string{
	fidelis.Orders: "customer_id", fidelis.Subscriptions: "customer_id", fidelis.Surveys: "customer_id",
	fidelis.Referrals: "referrer_id", fidelis.Program: "customer_id", fidelis.Interactions: "customer_id",
	fidelis.Social: "customer_id", fidelis.Exits: "customer_id",
}

// Quality counts records naming customers absent from the customers table, per kind, and the
// orders and net revenue per stored currency.
func (s *Store) Quality(ctx context.Context) (fidelis.Quality, error) {
	q := fidelis.Quality{UnknownCustomers: map[fidelis.Kind]int64{}, LegacyIDs: map[fidelis.Kind]int64{}}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&q.Customers); err != nil {
		return q, err
	}
	for _, k := range fidelis.Kinds {
		var n int64
		id := fidelis.Schemas[k].ID // a fixed schema name, never input
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+string(k)+` WHERE starts_with(`+id+`, '~') AND NOT starts_with(`+id+`, '~v2.')`).Scan(&n); err != nil {
			return q, err
		}
		if n > 0 {
			q.LegacyIDs[k] = n
		}
		col, ok := customerColumn[k]
		if !ok {
			continue
		}
		// Table and column names come from the fixed map above, never from input.
		err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+string(k)+` t WHERE coalesce(t.`+col+`, '') <> ''
			AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = t.`+col+`)`).Scan(&n)
		if err != nil {
			return q, err
		}
		if n > 0 {
			q.UnknownCustomers[k] = n
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT coalesce(currency, ''), count(*) FILTER (WHERE amount >= 0), coalesce(sum(amount), 0)
		FROM orders GROUP BY 1 ORDER BY 2 DESC, 1`)
	if err != nil {
		return q, err
	}
	defer rows.Close()
	for rows.Next() {
		var c fidelis.CurrencyTotal
		if err := rows.Scan(&c.Code, &c.Orders, &c.Revenue); err != nil {
			return q, err
		}
		q.Currencies = append(q.Currencies, c)
	}
	return q, rows.Err()
}
