package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"fidelis"
	"fidelis/analysis"
)

func init() {
	registerSection("program", "loyalty programme: enrolment, participation, points, redemption, breakage, liability, tiers, members vs non-members", fidelis.Program, printProgram)
}

func printProgram(w io.Writer, v *analysis.Program) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "period\tenrolled\tmembers\tenrolment % [95% CI]\tactive\tparticipation % [95% CI]\tearned\tredeemed\texpired\tredemption %\toutstanding\t")
	for _, p := range v.Periods {
		if p.Segment != "" {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%s\t%.0f\t%.0f\t%.0f\t%s\t%.0f\t\n", p.Period, p.Enrolled, p.Members, ci(p.EnrolmentRate), p.Active, ci(p.Participation), p.Earned, p.Redeemed, p.Expired, pctS(p.RedemptionRate), p.Outstanding)
	}
	tw.Flush()
	s := v.Summary
	fmt.Fprintf(w, "\nWindow: earned %.0f, redeemed %.0f, expired %.0f points; redemption rate (redeemed ÷ earned in the window) %s %%\n", s.Earned, s.Redeemed, s.Expired, pctS(s.RedemptionRate))
	fmt.Fprintf(w, "Breakage (expired ÷ settled points) %s %%; outstanding %.0f points × %.4f per point = liability %.2f (%.2f net of estimated breakage)\n",
		pctS(s.BreakageRate), s.Outstanding, s.PointValue, s.Liability, s.NetLiability)
	for _, b := range v.SummaryBy {
		fmt.Fprintf(w, "  %s: members %d, redemption %s %%, outstanding %.0f, liability %.2f\n", b.Segment, b.Members, pctS(b.RedemptionRate), b.Outstanding, b.Liability)
	}
	fmt.Fprint(w, "\nTiers at the end:")
	for _, t := range v.Tiers {
		fmt.Fprintf(w, " %s %d", t.Tier, t.Members)
	}
	fmt.Fprintf(w, "\nTier movements in the window: %d upgrades, %d downgrades\n", v.Upgrades, v.Downgrades)
	for _, m := range v.Flows {
		from := m.From
		if from == "" {
			from = "(joined)"
		}
		fmt.Fprintf(w, "  %s → %s: %d\n", from, m.To, m.Customers)
	}
	c := v.Comparison
	fmt.Fprintf(w, "\nMembers vs non-members over %d days after enrolment (non-members: after the matching reference day)\n", c.HorizonDays)
	fmt.Fprintf(w, "%d members followed, %d matched in %d strata; %d non-members in the naive comparison\n", c.Members, c.Matched, c.Strata, c.NonMembers)
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "outcome\tmembers\tnon-members\tnaive difference\tmatched controls\tmatched difference ± SE\t")
	for _, o := range c.Outcomes {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%+.3f (%+.1f%%)\t%.3f\t%+.3f ± %.3f (%+.1f%%)\t\n", o.Name, o.Members, o.NonMembers, o.NaiveDiff, o.NaiveRelative*100, o.MatchedControls, o.MatchedDiff, o.MatchedSE, o.MatchedRelative*100)
	}
	tw.Flush()
	fmt.Fprintf(w, "Purchase-rate effect: naive %+.1f%%; matched within-customer difference-in-differences %+.1f%% (95%% bootstrap %+.1f%% to %+.1f%%; %d members, %d control records, each over the time they were certainly still buying)\n",
		c.NaiveRateEffect*100, c.RateEffect*100, c.RateLow*100, c.RateHigh*100, c.RateMembers, c.RateControls)
	fmt.Fprintf(w, "Caveat: %s\n", c.Caveat)
}
