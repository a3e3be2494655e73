package advocacy

import (
	"slices"

	"fidelis"
	"fidelis/metric"
)

// ProgramPeriod holds one segment's loyalty-programme figures for one period.
type ProgramPeriod struct {
	Segment  string `json:"segment,omitempty"`
	Period   string `json:"period"`
	Index    int64  `json:"-"`
	Enrolled int64  `json:"enrolled"`
	Members  int64  `json:"members"`
	Active   int64  `json:"active_members"`
	// Customers counts customers with a first purchase up to the end of the period.
	Customers int64 `json:"customers"`
	// EnrolmentRate = members ÷ customers acquired to date; Participation = active members
	// (≥ 1 programme event in the period) ÷ members.
	EnrolmentRate metric.Proportion `json:"enrolment_rate"`
	Participation metric.Proportion `json:"participation_rate"`
	Earned        float64           `json:"points_earned"`
	Redeemed      float64           `json:"points_redeemed"`
	Expired       float64           `json:"points_expired"`
	Adjusted      float64           `json:"points_adjusted"`
	// RedemptionRate = points redeemed ÷ points earned in the same period.
	RedemptionRate float64 `json:"redemption_rate"`
	// Outstanding = earned − redeemed − expired + adjustments, to the end of the period.
	Outstanding float64 `json:"outstanding_points"`
}

// ProgramPeriods computes per segment and period the programme health figures of METRICS.md
// (Advocacy and programme): enrolment and participation rate with Wilson intervals, points and the
// redemption rate = redeemed ÷ earned in the period (the "earned in the window" definition; some
// vendors divide by points issued to date, or average capped per-member rates), and outstanding
// points, the liability under IFRS 15 / ASC 606. acquired gives customers to date per segment and
// period, from fidelis.ActivityCell (Acquired + New).
func ProgramPeriods(cells []fidelis.ProgramCell, activity []fidelis.ActivityCell, g fidelis.Grain) []ProgramPeriod {
	type key struct {
		seg string
		p   int64
	}
	acq := map[key]int64{}
	for _, a := range activity {
		acq[key{a.Segment, a.Period}] = a.Acquired + a.New
	}
	out := make([]ProgramPeriod, 0, len(cells))
	for _, c := range cells {
		cust := acq[key{c.Segment, c.Period}]
		out = append(out, ProgramPeriod{Segment: c.Segment, Period: g.Label(c.Period), Index: c.Period, Enrolled: c.Enrolled,
			Members: c.Members, Active: c.Active, Customers: cust, EnrolmentRate: proportion(c.Members, cust),
			Participation: proportion(c.Active, c.Members), Earned: c.Earned, Redeemed: c.Redeemed, Expired: c.Expired,
			Adjusted: c.Adjusted, RedemptionRate: ratio(c.Redeemed, c.Earned),
			Outstanding: c.EarnedToDate - c.RedeemedToDate - c.ExpiredToDate + c.AdjustedToDate})
	}
	return out
}

// ProgramSummary is the programme over the whole window, for one segment.
type ProgramSummary struct {
	Segment  string  `json:"segment,omitempty"`
	Earned   float64 `json:"points_earned"`
	Redeemed float64 `json:"points_redeemed"`
	Expired  float64 `json:"points_expired"`
	Adjusted float64 `json:"points_adjusted"`
	// RedemptionRate = redeemed ÷ earned, both within the window.
	RedemptionRate float64 `json:"redemption_rate"`
	// BreakageRate = expired ÷ (redeemed + expired) to date: the share of settled points that were
	// never redeemed (realised breakage). EstimatedBreakage applies it to the outstanding points,
	// the "proportional" method IFRS 15 B46 allows when the entity expects breakage.
	BreakageRate      float64 `json:"breakage_rate"`
	Outstanding       float64 `json:"outstanding_points"`
	EstimatedBreakage float64 `json:"estimated_breakage_points"`
	// PointValue = Σ|value| ÷ Σ|points| over events carrying both (money per point). Liability =
	// outstanding × point value; NetLiability deducts the estimated breakage.
	PointValue   float64 `json:"point_value"`
	Liability    float64 `json:"liability"`
	NetLiability float64 `json:"liability_net_of_breakage"`
	Members      int64   `json:"members"`
	// Enrolment and participation in the last period of the window.
	EnrolmentRate metric.Proportion `json:"enrolment_rate"`
	Participation metric.Proportion `json:"participation_rate"`
}

// SummarizeProgram adds up one segment's periods (in period order); cells are the same periods'
// store cells, for the running totals and the point value.
func SummarizeProgram(ps []ProgramPeriod, cells []fidelis.ProgramCell) ProgramSummary {
	var s ProgramSummary
	if len(ps) == 0 {
		return s
	}
	var vp, v float64
	for _, p := range ps {
		s.Earned += p.Earned
		s.Redeemed += p.Redeemed
		s.Expired += p.Expired
		s.Adjusted += p.Adjusted
	}
	for _, c := range cells {
		vp += c.ValuedPoints
		v += c.Value
	}
	last, lc := ps[len(ps)-1], cells[len(cells)-1]
	s.Segment, s.Members = last.Segment, last.Members
	s.EnrolmentRate, s.Participation = last.EnrolmentRate, last.Participation
	s.RedemptionRate = ratio(s.Redeemed, s.Earned)
	s.BreakageRate = ratio(lc.ExpiredToDate, lc.RedeemedToDate+lc.ExpiredToDate)
	s.Outstanding = last.Outstanding
	s.EstimatedBreakage = s.Outstanding * s.BreakageRate
	s.PointValue = ratio(v, vp)
	s.Liability = s.Outstanding * s.PointValue
	s.NetLiability = (s.Outstanding - s.EstimatedBreakage) * s.PointValue
	return s
}

// TierCount is the number of members in a tier at the end of the window.
type TierCount struct {
	Tier    string `json:"tier"`
	Members int64  `json:"members"`
}

// TierFlow counts tier changes between two tiers in the window.
type TierFlow struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Customers int64  `json:"customers"`
	Upgrade   bool   `json:"upgrade"`
}

// Tiers returns the tier of every member at the end (from all moves up to it, allMoves) and the
// moves inside the window (windowMoves), summed over periods. Tiers are ranked by the order in
// which they first appear (entry tiers, those reached from no tier, first), so a move is an
// upgrade when it goes to a later-appearing tier.
func Tiers(allMoves, windowMoves []fidelis.TierMove) ([]TierCount, []TierFlow, int64, int64) {
	moves := slices.Clone(allMoves)
	slices.SortStableFunc(moves, func(a, b fidelis.TierMove) int {
		if a.Period != b.Period {
			return int(a.Period - b.Period)
		}
		if (a.From == "") != (b.From == "") {
			if a.From == "" {
				return -1
			}
			return 1
		}
		return 0
	})
	rank := map[string]int{}
	var order []string
	count := map[string]int64{}
	for _, m := range moves {
		if _, ok := rank[m.To]; !ok {
			rank[m.To] = len(order)
			order = append(order, m.To)
		}
		count[m.To] += m.Customers
		if m.From != "" {
			count[m.From] -= m.Customers
		}
	}
	var tiers []TierCount
	for _, t := range order {
		tiers = append(tiers, TierCount{t, count[t]})
	}
	type ft struct{ f, t string }
	flows := map[ft]int64{}
	var keys []ft
	var up, down int64
	for _, m := range windowMoves {
		k := ft{m.From, m.To}
		if _, ok := flows[k]; !ok {
			keys = append(keys, k)
		}
		flows[k] += m.Customers
	}
	var out []TierFlow
	for _, k := range keys {
		f := TierFlow{From: k.f, To: k.t, Customers: flows[k]}
		if k.f != "" {
			f.Upgrade = rank[k.t] > rank[k.f]
			if f.Upgrade {
				up += f.Customers
			} else {
				down += f.Customers
			}
		}
		out = append(out, f)
	}
	return tiers, out, up, down
}
