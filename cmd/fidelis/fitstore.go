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
	st, err := openStore(ctx, s.db, true)
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
