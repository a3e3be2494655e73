package metric

import (
	"math"

	"fidelis"
)

// Purchases holds the purchase-behaviour metrics of one segment over a window.
type Purchases struct {
	Segment string `json:"segment"`
	Buyers  int64  `json:"buyers"`
	Orders  int64  `json:"orders"`
	// RepeatRate is customers with ≥ 2 orders ÷ customers with ≥ 1 order, both within the window
	// (METRICS.md; a "returning customer rate" whose first order may precede the window is a
	// different metric).
	RepeatRate Proportion `json:"repeat_purchase_rate"`
	// Frequency = orders ÷ unique buyers in the window.
	Frequency float64 `json:"purchase_frequency"`
	// AOV = gross order revenue ÷ orders (refunds are not orders and do not lower it).
	AOV float64 `json:"average_order_value"`
	// NetRevenue = gross − refunds; RevenuePerCustomer = net revenue ÷ buyers.
	NetRevenue         float64 `json:"net_revenue"`
	RevenuePerCustomer float64 `json:"revenue_per_customer"`
	// RefundShare = refunded amount ÷ gross revenue.
	RefundShare float64 `json:"refund_share"`
}

// PurchaseMetrics computes the purchase metrics of each cell. Ratios with a zero denominator are NaN.
func PurchaseMetrics(cells []fidelis.PurchaseCell) []Purchases {
	out := make([]Purchases, len(cells))
	for i, c := range cells {
		net := c.Gross - c.Refunds
		out[i] = Purchases{Segment: c.Segment, Buyers: c.Buyers, Orders: c.Orders,
			RepeatRate: NewProportion(c.Repeaters, c.Buyers),
			Frequency:  ratio(float64(c.Orders), float64(c.Buyers)),
			AOV:        ratio(c.Gross, float64(c.Orders)),
			NetRevenue: net, RevenuePerCustomer: ratio(net, float64(c.Buyers)),
			RefundShare: ratio(c.Refunds, c.Gross)}
	}
	return out
}

// TotalPurchases adds cells of several segments into one (for a whole-base line beside a breakdown).
func TotalPurchases(cells []fidelis.PurchaseCell) fidelis.PurchaseCell {
	var t fidelis.PurchaseCell
	for _, c := range cells {
		t.Buyers += c.Buyers
		t.Repeaters += c.Repeaters
		t.Orders += c.Orders
		t.Gross += c.Gross
		t.Refunds += c.Refunds
		t.Refunded += c.Refunded
	}
	return t
}

// ValueProbs are the probabilities at which value distributions are reported.
var ValueProbs = []float64{0.1, 0.25, 0.5, 0.75, 0.9, 0.99}

// Value summarises historical customer value and tenure of one segment.
type Value struct {
	Segment   string `json:"segment"`
	Customers int64  `json:"customers"`
	// HistoricalCLV is net revenue to date per customer, refunds deducted (METRICS.md,
	// "Historical CLV"): its mean and quantiles at ValueProbs.
	CLVMean      float64   `json:"historical_clv_mean"`
	CLVQuantiles []float64 `json:"historical_clv_quantiles"`
	// Tenure is days from the first purchase to the end of the window; Lifespan days from the
	// first to the last purchase.
	TenureMean      float64   `json:"tenure_days_mean"`
	TenureQuantiles []float64 `json:"tenure_days_quantiles"`
	LifespanMean    float64   `json:"lifespan_days_mean"`
}

// Values converts value cells (computed at ValueProbs) into Value rows.
func Values(cells []fidelis.ValueCell) []Value {
	out := make([]Value, len(cells))
	for i, c := range cells {
		out[i] = Value{Segment: c.Segment, Customers: c.Customers, CLVMean: c.NetMean, CLVQuantiles: c.NetQuantiles,
			TenureMean: c.TenureMean, TenureQuantiles: c.TenureQuantiles, LifespanMean: c.LifespanMean}
	}
	return out
}

// Median returns the 0.5 quantile from a slice computed at ValueProbs.
func Median(q []float64) float64 {
	for i, p := range ValueProbs {
		if p == 0.5 && i < len(q) {
			return q[i]
		}
	}
	return math.NaN()
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}
