package analysis

import (
	"context"
	"math"
	"slices"
	"time"

	"fidelis"
	"fidelis/advocacy"
)

func init() { Register("program", runProgram) }

// Program is the loyalty-programme section.
type Program struct {
	Periods    []advocacy.ProgramPeriod  `json:"periods"`
	Summary    advocacy.ProgramSummary   `json:"summary"`
	SummaryBy  []advocacy.ProgramSummary `json:"summary_by,omitempty"`
	Tiers      []advocacy.TierCount      `json:"tiers_at_end"`
	Flows      []advocacy.TierFlow       `json:"tier_movements"`
	Upgrades   int64                     `json:"upgrades"`
	Downgrades int64                     `json:"downgrades"`
	Comparison advocacy.Comparison       `json:"members_vs_non_members"`
	Notes      []string                  `json:"definitions"`
	// LapsedMembers are the enrolled members with no programme event since the last period
	// began (Lapsed); absent when the window ends before the data does.
	LapsedMembers *CustomerCount `json:"lapsed_members,omitempty"`
	// dormant are the members the programme action lists, gathered from the same pass over
	// ProgramCustomers as the comparison (the action used to run that query, the report's
	// costliest, a second time); nil when not gathered.
	dormant *dormantMembers
}

// dormantMembers are the enrolled members with no programme event since start (the last
// period's beginning), cut whole days before the observation end, with their days since the last
// event. It holds only those members (at 1M customers, at most the ~400k members: ~40 MB).
type dormantMembers struct {
	start     time.Time
	cut       float64
	customers []CustomerScore
	since     [][]float64
}

// newDormant prepares the dormancy cut of the programme action for the periods of a.
func newDormant(a *Analysis, periods []advocacy.ProgramPeriod) *dormantMembers {
	if len(periods) == 0 {
		return nil
	}
	end := observationEnd(a)
	start := a.Grain.Start(periods[len(periods)-1].Index)
	return &dormantMembers{start: start, cut: math.Round(end.Sub(start).Hours() / 24)}
}

// add counts c when dormant.
func (d *dormantMembers) add(a *Analysis, c fidelis.ProgramCustomer) {
	if c.Enrolled.IsZero() || c.LastEvent.IsZero() {
		return
	}
	// Whole days, rounded up: with cut a whole number of days, ⌈d⌉ > cut exactly when d > cut.
	if days := math.Ceil(observationEnd(a).Sub(c.LastEvent).Hours() / 24); days > d.cut {
		d.customers = append(d.customers, CustomerScore{Customer: c.Customer})
		d.since = append(d.since, []float64{days})
	}
}

func runProgram(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (any, error) {
	if a.Counts[fidelis.Program] == 0 {
		return nil, nil
	}
	q := o.query()
	out := &Program{Notes: programNotes}
	summarize := func(q fidelis.Query) ([]advocacy.ProgramPeriod, []advocacy.ProgramSummary, error) {
		cells, err := st.ProgramActivity(ctx, q)
		if err != nil {
			return nil, nil, err
		}
		act, err := st.Activity(ctx, q)
		if err != nil {
			return nil, nil, err
		}
		periods := advocacy.ProgramPeriods(cells, act, o.Grain)
		var sums []advocacy.ProgramSummary
		for i := 0; i < len(periods); {
			j := i
			for j < len(periods) && periods[j].Segment == periods[i].Segment {
				j++
			}
			sums = append(sums, advocacy.SummarizeProgram(periods[i:j], cells[i:j]))
			i = j
		}
		return periods, sums, nil
	}
	periods, sums, err := summarize(q)
	if err != nil {
		return nil, err
	}
	out.Periods = periods
	if len(sums) > 0 {
		out.Summary = sums[0]
	}
	if o.By != "" {
		qb := q
		qb.By = o.By
		if _, out.SummaryBy, err = summarize(qb); err != nil {
			return nil, err
		}
	}
	all, err := st.ProgramTiers(ctx, fidelis.Query{Grain: o.Grain, To: o.To, Segment: o.Segment})
	if err != nil {
		return nil, err
	}
	win, err := st.ProgramTiers(ctx, q)
	if err != nil {
		return nil, err
	}
	out.Tiers, out.Flows, out.Upgrades, out.Downgrades = advocacy.Tiers(all, win)
	var c advocacy.Comparer
	c.Grow(int(a.Counts[fidelis.Customers]))
	if o.To.IsZero() {
		// The action's query has no end either: the same rows.
		out.dormant = newDormant(a, periods)
	}
	if err := st.ProgramCustomers(ctx, fidelis.Query{Grain: o.Grain, To: o.To, Segment: o.Segment}, func(p fidelis.ProgramCustomer) error {
		c.Add(p)
		if out.dormant != nil {
			out.dormant.add(a, p)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	end := a.Last
	if !o.To.IsZero() && o.To.Before(end) {
		end = o.To
	}
	if out.Comparison, err = c.Compare(ctx, advocacy.CompareOptions{End: end}); err != nil {
		return nil, err
	}
	if out.dormant != nil {
		out.LapsedMembers = &CustomerCount{Customers: int64(len(out.dormant.customers)), List: LapsedMembersList}
	}
	return out, nil
}

var programNotes = []string{
	"Member: a customer with any programme event, from the first one. Active member: at least one programme event in the period.",
	"Enrolment rate = members ÷ customers with a first purchase so far; participation rate = active members ÷ members.",
	"Points: earn rows add, redeem and expire rows remove the absolute value of their points, adjust rows add their signed points.",
	"Redemption rate = points redeemed ÷ points earned in the same window (not ÷ points issued to date, nor a mean of per-member rates).",
	"Outstanding points = earned − redeemed − expired + adjustments to date: the programme liability (IFRS 15 / ASC 606), valued at the data's money value per point.",
	"Breakage rate = expired ÷ (redeemed + expired) to date, the share of settled points never redeemed; estimated breakage applies it to the outstanding points.",
	"Tier movement: consecutive tier values of a member; tiers ranked by first appearance, so a move to a later tier is an upgrade.",
}

// Lapsed returns, sorted, the lapsed members: enrolled, with no programme event since the last
// period began (the members the programme action would re-engage, whether or not it is proposed).
func (p *Program) Lapsed() []string {
	if p == nil || p.dormant == nil {
		return nil
	}
	ids := make([]string, len(p.dormant.customers))
	for i, c := range p.dormant.customers {
		ids[i] = c.Customer
	}
	slices.Sort(ids)
	return ids
}
