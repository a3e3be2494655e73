package analysis

import (
	"context"
	"strings"

	"fidelis"
)

// DataQuality says, in words, what in the store could mislead the figures: orders in several
// currencies (their revenue is added as if it were one currency) and records naming customers
// missing from the customers table. Messages is empty when there is nothing to say.
type DataQuality struct {
	Customers        int64                   `json:"customers"`
	UnknownCustomers map[fidelis.Kind]int64  `json:"unknown_customers,omitempty"`
	Currencies       []fidelis.CurrencyTotal `json:"currencies,omitempty"`
	// Mixed is true when the orders are in more than one currency (stores imported before the
	// one-currency rule, see ingest).
	Mixed    bool         `json:"mixed_currencies"`
	Messages fidelis.Msgs `json:"messages,omitempty"`
}

// dataQuality asks the store and words what it found. The store's currency becomes the
// analysis' currency unless one was given.
func dataQuality(ctx context.Context, st fidelis.Store, o Options, a *Analysis) error {
	q, err := st.Quality(ctx)
	if err != nil {
		return err
	}
	dq := &DataQuality{Customers: q.Customers, UnknownCustomers: q.UnknownCustomers, Currencies: q.Currencies}
	code, mixed := q.Currency()
	dq.Mixed = mixed
	switch {
	case mixed:
		var codes []string
		for _, c := range q.Currencies {
			if c.Code != "" {
				codes = append(codes, c.Code)
			}
		}
		dq.Messages = append(dq.Messages, fidelis.M("The orders are in several currencies (%s), and every revenue and value figure adds them as if they were one. Import the orders again into a new store with --fx RATES --base CODE to convert them to one currency.", strings.Join(codes, ", ")))
	case a.Currency == "":
		a.Currency = code
	case code != "" && !strings.EqualFold(code, a.Currency):
		dq.Messages = append(dq.Messages, fidelis.M("The orders are in %s, but --currency %s was given: it only changes the label, not the amounts.", code, a.Currency))
	}
	if q.Customers == 0 && a.Counts[fidelis.Orders] > 0 {
		dq.Messages = append(dq.Messages, fidelis.M("No customers table was imported: customers are known only from their records, so breakdowns by customer attributes are empty."))
	} else {
		for _, k := range fidelis.Kinds {
			if n := q.UnknownCustomers[k]; n > 0 {
				dq.Messages = append(dq.Messages, fidelis.M("%d %s record names a customer missing from the customers table; it counts in the analyses of its kind, with no segment or attributes.|%d %s records name customers missing from the customers table; they count in the analyses of their kind, with no segment or attributes.", n, string(k)))
			}
		}
	}
	a.Quality = dq
	return nil
}
