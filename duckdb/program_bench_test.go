package duckdb_test

import (
	"context"
	"database/sql"
	"runtime"
	"testing"
	"time"

	"fidelis"
)

// BenchmarkProgramCustomers times the programme section's store read on a synthetic company
// (PROGRAM_BENCH_CUSTOMERS, default 100,000; the size is 1,000,000) loaded into DuckDB:
//   - shared: the shape in package sqlstore, as every store runs it;
//   - reference: DuckDB's own list(… ORDER BY) aggregate, the query this store ran before the
//     shape was written once (kept here as the yardstick).
//
// Both hand every customer to a callback that only counts; the ratio shared/reference is the
// figure to report, with the peak heap (runtime.MemStats.HeapSys after the run) and the load.
func BenchmarkProgramCustomers(b *testing.B) {
	ctx := context.Background()
	st := synthStore(b, "PROGRAM_BENCH_CUSTOMERS", fidelis.Customers, fidelis.Orders, fidelis.Program)
	q := fidelis.Query{Grain: fidelis.Month}
	for _, c := range []struct {
		name string
		run  func(fn func(fidelis.ProgramCustomer) error) error
	}{
		{"shared", func(fn func(fidelis.ProgramCustomer) error) error { return st.ProgramCustomers(ctx, q, fn) }},
		{"reference", func(fn func(fidelis.ProgramCustomer) error) error { return referenceProgramCustomers(ctx, st.DB(), fn) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var customers, orders int
			for b.Loop() {
				customers, orders = 0, 0
				if err := c.run(func(p fidelis.ProgramCustomer) error { customers++; orders += len(p.Orders); return nil }); err != nil {
					b.Fatal(err)
				}
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(customers), "customers")
			b.ReportMetric(float64(orders), "orders")
			b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-MiB")
		})
	}
}

// referenceProgramCustomers is the DuckDB query ProgramCustomers ran before it became a shared
// shape (whole base, no window end), reading what the shape reads.
func referenceProgramCustomers(ctx context.Context, db *sql.DB, fn func(fidelis.ProgramCustomer) error) error {
	rows, err := db.QueryContext(ctx, `WITH m AS (SELECT customer_id, min("timestamp") AS e, max("timestamp") AS l FROM program GROUP BY 1)
	SELECT o.customer_id, '', coalesce(cp.region, '') || '|' || coalesce(cp.segment, ''), any_value(m.e), any_value(m.l),
		list(o."timestamp" ORDER BY o."timestamp") FILTER (WHERE o.amount >= 0),
		list(o.amount ORDER BY o."timestamp") FILTER (WHERE o.amount >= 0),
		coalesce(-sum(o.amount) FILTER (WHERE o.amount < 0), 0)
	FROM orders o LEFT JOIN customers cp ON cp.customer_id = o.customer_id
		LEFT JOIN m ON m.customer_id = o.customer_id
	GROUP BY 1, 2, 3 ORDER BY 1`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c fidelis.ProgramCustomer
		var e, l sql.NullTime
		var ts, am []any
		if err := rows.Scan(&c.Customer, &c.Segment, &c.Profile, &e, &l, &ts, &am, &c.Refunds); err != nil {
			return err
		}
		if e.Valid {
			c.Enrolled, c.LastEvent = e.Time.UTC(), l.Time.UTC()
		}
		for i := range ts {
			if t, ok := ts[i].(time.Time); ok {
				c.Orders = append(c.Orders, t.UTC())
				c.Amounts = append(c.Amounts, am[i].(float64))
			}
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}
