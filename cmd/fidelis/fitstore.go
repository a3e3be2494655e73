package main

import (
	"context"
	"time"

	"fidelis"
	"fidelis/btyd"
)

// storeCustomers summarises every customer's orders in the store up to the last order day: repeat
// purchases in distinct days, recency and age in weeks, mean value of the repeat purchase days.
func (s *sourceFlags) storeCustomers(ctx context.Context) ([]btyd.Customer, error) {
	st, err := openStore(ctx, nil, s.storeFlags, true)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	ms, ok := st.(fidelis.ModelStore)
	if !ok {
		return nil, fidelis.Errorf(fidelis.EInvalid, "the store at %s cannot summarise orders for the models", s.db)
	}
	_, last, err := st.Span(ctx)
	if err != nil {
		return nil, err
	}
	if last.IsZero() {
		return nil, fidelis.Errorf(fidelis.EInvalid, "the store at %s has no orders", s.db).WithHint("fidelis import orders FILE --db %s", s.db)
	}
	end := last.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	var cs []btyd.Customer
	err = ms.Summaries(ctx, fidelis.Query{}, end, end, func(c fidelis.CustomerSummary) error {
		cs = append(cs, btyd.Customer{ID: c.Customer, Frequency: c.X, Recency: c.Tx / 7, T: c.T / 7, Monetary: c.Monetary})
		return nil
	})
	return cs, err
}

// storeSummaries returns the compressed model inputs straight from the store when it can group
// them itself (only distinct rows leave the database), otherwise by summarising every customer.
func (s *sourceFlags) storeSummaries(ctx context.Context) (*btyd.Summaries, error) {
	st, err := openStore(ctx, nil, s.storeFlags, true)
	if err != nil {
		return nil, err
	}
	cms, ok := st.(fidelis.CompressedModelStore)
	if !ok {
		st.Close()
		cs, err := s.storeCustomers(ctx)
		if err != nil {
			return nil, err
		}
		return &btyd.Summaries{Rows: btyd.Compress(cs), Spend: btyd.CompressSpend(cs), HasMonetary: true, N: float64(len(cs)), Lines: len(cs)}, nil
	}
	defer st.Close()
	_, last, err := st.Span(ctx)
	if err != nil {
		return nil, err
	}
	if last.IsZero() {
		return nil, fidelis.Errorf(fidelis.EInvalid, "the store at %s has no orders", s.db).WithHint("fidelis import orders FILE --db %s", s.db)
	}
	rows, spend, err := cms.CompressedSummaries(ctx, last.UTC().Truncate(24*time.Hour).Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	out := &btyd.Summaries{HasMonetary: true}
	for _, r := range rows {
		out.Rows = append(out.Rows, btyd.Row{X: r.X, Tx: r.Tx / 7, T: r.T / 7, Weight: float64(r.Customers)})
		out.N += float64(r.Customers)
		out.Lines += int(r.Customers)
	}
	for _, r := range spend {
		out.Spend = append(out.Spend, btyd.SpendRow{X: r.X, Mean: r.Mean, Weight: float64(r.Customers)})
	}
	return out, nil
}
