package main

import (
	"context"
	"time"

	"fidelis"
	"fidelis/btyd"
)

// The observation end of fit and predict from the store is the day of the last order, inclusive,
// as lifetimes' calibration_period_end and `fit --transactions --calibration-end DAY` define it:
// T = that day − the first purchase day, in whole days (a customer whose first order falls on the
// last day has T = 0). So `fit --db` gives the model `fit --transactions orders.csv
// --calibration-end LAST-DAY --time-unit day --time-scale 7` gives on the same orders. The store
// summarises the orders before an exclusive end, the next midnight, and measures T to it, one day
// more; storeT takes that day back. (The report's models section validates on a holdout and keeps
// the store's half-open [calibration end, observation end) periods.)
func storeT(days float64) float64 { return (days - 1) / 7 }

// storeCustomers summarises every customer's orders in the store up to the last order day: repeat
// purchases in distinct days, recency and age in weeks (see storeT), mean value of the repeat
// purchase days.
func (s *sourceFlags) storeCustomers(ctx context.Context) ([]btyd.Customer, error) {
	st, err := openStore(ctx, nil, s.storeFlags, true)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	_, last, err := st.Span(ctx)
	if err != nil {
		return nil, err
	}
	if last.IsZero() {
		return nil, fidelis.Errorf(fidelis.EInvalid, "the store at %s has no orders", s.db).WithHint("fidelis import orders FILE --db %s", s.db)
	}
	end := last.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	var cs []btyd.Customer
	err = st.Summaries(ctx, fidelis.Query{}, end, end, func(c fidelis.CustomerSummary) error {
		cs = append(cs, btyd.Customer{ID: c.Customer, Frequency: c.X, Recency: c.Tx / 7, T: storeT(c.T), Monetary: c.Monetary})
		return nil
	})
	return cs, err
}

// storeSummaries returns the compressed model inputs: only distinct rows leave the store when it
// can group them itself (fidelis.CompressSummaries).
func (s *sourceFlags) storeSummaries(ctx context.Context) (*btyd.Summaries, error) {
	st, err := openStore(ctx, nil, s.storeFlags, true)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	_, last, err := st.Span(ctx)
	if err != nil {
		return nil, err
	}
	if last.IsZero() {
		return nil, fidelis.Errorf(fidelis.EInvalid, "the store at %s has no orders", s.db).WithHint("fidelis import orders FILE --db %s", s.db)
	}
	rows, spend, err := fidelis.CompressSummaries(ctx, st, last.UTC().Truncate(24*time.Hour).Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	out := &btyd.Summaries{HasMonetary: true}
	for _, r := range rows {
		out.Rows = append(out.Rows, btyd.Row{X: r.X, Tx: r.Tx / 7, T: storeT(r.T), Weight: float64(r.Customers)})
		out.N += float64(r.Customers)
		out.Lines += int(r.Customers)
	}
	for _, r := range spend {
		out.Spend = append(out.Spend, btyd.SpendRow{X: r.X, Mean: r.Mean, Weight: float64(r.Customers)})
	}
	return out, nil
}
