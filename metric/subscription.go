package metric

import (
	"fidelis"
)

// Subscription holds one period's subscription churn figures for one segment.
type Subscription struct {
	Segment string `json:"segment"`
	Period  string `json:"period"`
	// LogoChurn = customers with MRR at the start and none at the end ÷ customers with MRR at the
	// start. Customers who join and leave within the period never enter it, and customers who
	// leave and come back within it are not lost, as in ChartMogul's standard customer-churn formula.
	LogoChurn Proportion `json:"logo_churn"`
	StartMRR  float64    `json:"start_mrr"`
	EndMRR    float64    `json:"end_mrr"`
	// GrossMRRChurn = (churned + contraction MRR) ÷ MRR at the start.
	GrossMRRChurn float64 `json:"gross_mrr_churn"`
	// NetMRRChurn = (churned + contraction − expansion MRR) ÷ MRR at the start; negative when
	// expansion outweighs losses. Reactivations count as new business here, not as expansion.
	NetMRRChurn float64 `json:"net_mrr_churn"`
	// GRR = 1 − GrossMRRChurn (never above 1); NRR = 1 − NetMRRChurn.
	GRR         float64 `json:"gross_revenue_retention"`
	NRR         float64 `json:"net_revenue_retention"`
	NewLogos    int64   `json:"new_logos"`
	NewMRR      float64 `json:"new_mrr"`
	ChurnedMRR  float64 `json:"churned_mrr"`
	Contraction float64 `json:"contraction_mrr"`
	Expansion   float64 `json:"expansion_mrr"`
}

// Subscriptions computes the subscription metrics of each cell. MRR ratios are NaN when the
// period starts with no MRR.
func Subscriptions(cells []fidelis.SubscriptionCell, g fidelis.Grain) []Subscription {
	out := make([]Subscription, len(cells))
	for i, c := range cells {
		gross := ratio(c.ChurnedMRR+c.Contraction, c.StartMRR)
		net := ratio(c.ChurnedMRR+c.Contraction-c.Expansion, c.StartMRR)
		out[i] = Subscription{Segment: c.Segment, Period: g.Label(c.Period),
			LogoChurn: NewProportion(c.LostLogos, c.StartLogos), StartMRR: c.StartMRR, EndMRR: c.EndMRR,
			GrossMRRChurn: gross, NetMRRChurn: net, GRR: 1 - gross, NRR: 1 - net,
			NewLogos: c.NewLogos, NewMRR: c.NewMRR, ChurnedMRR: c.ChurnedMRR, Contraction: c.Contraction, Expansion: c.Expansion}
	}
	return out
}
