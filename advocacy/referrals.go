// Package advocacy computes Fidelis' advocacy, loyalty-programme, engagement and social metrics
// from the small aggregates of fidelis.AdvocacyStore, ProgramStore, EngagementStore and
// SocialStore: referral rates and k-factor, the advocacy score and the likely-advocate model,
// programme health with a matched member/non-member comparison, channel engagement and social
// reach with sentiment. Pure Go (gonum for the model); every formula and its source is in the doc
// comment of the function that computes it.
package advocacy

import (
	"math"

	"fidelis"
	"fidelis/metric"
)

// ReferralPeriod holds one segment's referral metrics for one period.
type ReferralPeriod struct {
	Segment   string `json:"segment,omitempty"`
	Period    string `json:"period"`
	Index     int64  `json:"-"`
	Invites   int64  `json:"referrals"`
	Referrers int64  `json:"referrers"`
	Converted int64  `json:"converted"`
	Active    int64  `json:"active_customers"`
	// ReferrerShare = customers who referred ÷ active customers (MetricS: "referral rate").
	ReferrerShare metric.Proportion `json:"referrer_share"`
	// Conversion = referred prospects who became customers ÷ referred prospects.
	Conversion metric.Proportion `json:"conversion"`
	// InvitesPerCustomer = referrals ÷ active customers; KFactor = InvitesPerCustomer × Conversion.
	InvitesPerCustomer float64 `json:"invites_per_customer"`
	KFactor            float64 `json:"k_factor"`
	DaysToConvert      float64 `json:"mean_days_to_convert"`
	FirstOrderRevenue  float64 `json:"first_order_revenue"`
}

// ReferralPeriods turns referral cells and the activity cells of the same query into referral
// metrics per segment and period:
//
//	referrer share = referrers ÷ active customers (the referral rate of METRICS.md)
//	conversion     = converted referrals ÷ referrals (Wilson interval)
//	k-factor       = (referrals ÷ active customers) × conversion — multiply, never divide (the viral
//	                 coefficient of Skok 2009, "Lessons Learned – Viral Marketing", forEntrepreneurs.com)
//	time to convert = mean days from invitation to conversion, over converted referrals with both times
//
// Active customers are those of the activity window (fidelis.ActivityCell.Active). A referrer need
// not be active, so the referrer share can in principle exceed 1 in a tiny segment; its interval
// is then undefined (NaN).
func ReferralPeriods(cells []fidelis.ReferralCell, activity []fidelis.ActivityCell, g fidelis.Grain) []ReferralPeriod {
	type key struct {
		seg string
		p   int64
	}
	active := map[key]int64{}
	for _, a := range activity {
		active[key{a.Segment, a.Period}] = a.Active
	}
	out := make([]ReferralPeriod, 0, len(cells))
	for _, c := range cells {
		out = append(out, referralPeriod(c, active[key{c.Segment, c.Period}], g.Label(c.Period)))
	}
	return out
}

func referralPeriod(c fidelis.ReferralCell, active int64, label string) ReferralPeriod {
	r := ReferralPeriod{Segment: c.Segment, Period: label, Index: c.Period, Invites: c.Invites, Referrers: c.Referrers,
		Converted: c.Converted, Active: active, FirstOrderRevenue: c.FirstOrderRevenue,
		ReferrerShare: proportion(c.Referrers, active), Conversion: metric.NewProportion(c.Converted, c.Invites),
		InvitesPerCustomer: ratio(float64(c.Invites), float64(active)), DaysToConvert: ratio(c.ConvertDays, float64(c.ConvertTimed))}
	r.KFactor = r.InvitesPerCustomer * r.Conversion.Value
	return r
}

// PoolReferrals adds up the periods of one segment: referrals, conversions and first-order
// revenue sum; the referrer share and invites per customer become customer-period shares (the
// sum of referrers over the sum of active customers across periods).
func PoolReferrals(ps []ReferralPeriod) ReferralPeriod {
	var c fidelis.ReferralCell
	var active int64
	days, timed := 0.0, 0.0
	for _, p := range ps {
		c.Invites += p.Invites
		c.Referrers += p.Referrers
		c.Converted += p.Converted
		c.FirstOrderRevenue += p.FirstOrderRevenue
		active += p.Active
		if !math.IsNaN(p.DaysToConvert) {
			days += p.DaysToConvert * float64(p.Converted)
			timed += float64(p.Converted)
		}
	}
	c.ConvertDays, c.ConvertTimed = days, int64(timed)
	r := referralPeriod(c, active, "all")
	if len(ps) > 0 {
		r.Segment = ps[0].Segment
	}
	return r
}

// ReferralRevenue is the revenue brought by referred customers (customers named as the converted
// customer of a referral) in the window, and its share of all revenue.
type ReferralRevenue struct {
	Segment            string            `json:"segment,omitempty"`
	Referred           int64             `json:"referred_customers"`
	FirstOrders        float64           `json:"first_order_revenue"`
	Revenue            float64           `json:"revenue_to_date"`
	AllRevenue         float64           `json:"all_revenue"`
	Share              float64           `json:"revenue_share"`
	CustomerShare      metric.Proportion `json:"customer_share"`
	RevenuePerReferred float64           `json:"revenue_per_referred"`
}

// ReferralRevenues computes revenue share = referred customers' net revenue ÷ all net revenue,
// and the share of buying customers who were referred (Wilson interval).
func ReferralRevenues(cells []fidelis.ReferralRevenueCell) []ReferralRevenue {
	out := make([]ReferralRevenue, 0, len(cells))
	for _, c := range cells {
		out = append(out, ReferralRevenue{Segment: c.Segment, Referred: c.Referred, FirstOrders: c.ReferredFirst,
			Revenue: c.ReferredRevenue, AllRevenue: c.Revenue, Share: ratio(c.ReferredRevenue, c.Revenue),
			CustomerShare: metric.NewProportion(c.Referred, c.Customers), RevenuePerReferred: ratio(c.ReferredRevenue, float64(c.Referred))})
	}
	return out
}

// TotalReferralRevenue adds up segments.
func TotalReferralRevenue(cells []fidelis.ReferralRevenueCell) ReferralRevenue {
	var t fidelis.ReferralRevenueCell
	for _, c := range cells {
		t.Referred += c.Referred
		t.ReferredRevenue += c.ReferredRevenue
		t.ReferredFirst += c.ReferredFirst
		t.Customers += c.Customers
		t.Revenue += c.Revenue
	}
	return ReferralRevenues([]fidelis.ReferralRevenueCell{t})[0]
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// proportion is metric.NewProportion, with NaN bounds where k > n (not a proportion).
func proportion(k, n int64) metric.Proportion {
	if k > n {
		p := metric.NewProportion(0, n)
		p.K, p.Value, p.Low, p.High = k, ratio(float64(k), float64(n)), math.NaN(), math.NaN()
		return p
	}
	return metric.NewProportion(k, n)
}
