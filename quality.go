package fidelis

// Quality is what a store can say about the consistency of its records as a whole: records that
// name customers missing from the customers table, and the currencies its orders are in.
type Quality struct {
	// Customers is the number of records in the customers table.
	Customers int64 `json:"customers"`
	// UnknownCustomers counts, per kind, the records naming a customer (the referrer, for
	// referrals) that is not in the customers table. Kinds without such records are absent.
	UnknownCustomers map[Kind]int64 `json:"unknown_customers,omitempty"`
	// LegacyIDs counts, per kind, the records whose id was derived by the rule before 2026-11
	// (from the raw text: "~" and a hash, not "~v2."); re-importing their files without ids would
	// store them again. Kinds without such records are absent.
	LegacyIDs map[Kind]int64 `json:"legacy_derived_ids,omitempty"`
	// Currencies lists the orders and their net revenue (refunds deducted) per currency code as
	// stored, "" for orders without a currency, most orders first.
	Currencies []CurrencyTotal `json:"currencies,omitempty"`
}

// CurrencyTotal is the orders of one currency.
type CurrencyTotal struct {
	Code    string  `json:"code"`
	Orders  int64   `json:"orders"`
	Revenue float64 `json:"revenue"`
}

// Currency returns the one currency the store's orders are in ("" when none names a currency or
// when they name several; orders without a currency count as the others') and whether the store
// mixes currencies.
func (q Quality) Currency() (code string, mixed bool) {
	for _, c := range q.Currencies {
		switch {
		case c.Code == "":
		case code == "":
			code = c.Code
		case code != c.Code:
			return "", true
		}
	}
	return code, false
}
