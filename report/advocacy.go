package report

import (
	"fmt"
	"html"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"fidelis/advocacy"
	"fidelis/analysis"
)

// Report sections for advocacy (80), the loyalty programme (82), engagement (84) and social (86).
func init() {
	AddSection(Section{Order: 80, ID: "advocacy", Title: "Referrals and advocates",
		Skip: func(a *analysis.Analysis) bool { return analysis.Section[analysis.Advocacy](a, "advocacy") == nil },
		HTML: locale.advocacyHTML, Markdown: func(lc locale, a *analysis.Analysis) string { return lc.advMD(lc.advocacyTables(a)) },
		Appendix: func(lc locale, a *analysis.Analysis) string { return lc.advHTML(lc.advocacyTables(a), true) }})
	AddSection(Section{Order: 82, ID: "program", Title: "Loyalty programme",
		Skip: func(a *analysis.Analysis) bool { return analysis.Section[analysis.Program](a, "program") == nil },
		HTML: locale.programHTML, Markdown: func(lc locale, a *analysis.Analysis) string { return lc.advMD(lc.programTables(a)) },
		Appendix: func(lc locale, a *analysis.Analysis) string { return lc.advHTML(lc.programTables(a), true) }})
	AddSection(Section{Order: 84, ID: "engagement", Title: "Channel engagement",
		Skip: func(a *analysis.Analysis) bool { return analysis.Section[analysis.Engagement](a, "engagement") == nil },
		HTML: locale.engagementHTML, Markdown: func(lc locale, a *analysis.Analysis) string { return lc.advMD(lc.engagementTables(a)) }})
	AddSection(Section{Order: 86, ID: "social", Title: "Social mentions",
		Skip: func(a *analysis.Analysis) bool { return analysis.Section[analysis.Social](a, "social") == nil },
		HTML: locale.socialHTML, Markdown: func(lc locale, a *analysis.Analysis) string { return lc.advMD(lc.socialTables(a)) },
		Appendix: func(lc locale, a *analysis.Analysis) string { return lc.advHTML(lc.socialTables(a), true) }})
}

// advTable is a titled table shared by the HTML and Markdown renderings.
type advTable struct {
	title, note string
	head        []string
	rows        [][]string
	// period marks a period-by-period table: the HTML report puts it in the appendix.
	period bool
}

// advHTML renders the tables for the section (period tables left out) or, with period set, the
// period tables only, for the appendix.
func (lc locale) advHTML(ts []advTable, period ...bool) string {
	var b strings.Builder
	for _, t := range ts {
		if t.period != (len(period) > 0 && period[0]) {
			continue
		}
		if t.title != "" {
			fmt.Fprintf(&b, `<h3>%s</h3>`, esc(lc.T(t.title)))
		}
		if t.note != "" {
			fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(t.note))
		}
		if len(t.head) == 0 {
			continue
		}
		b.WriteString(`<table><tr>`)
		for _, h := range t.head {
			fmt.Fprintf(&b, `<th>%s</th>`, esc(lc.T(h)))
		}
		b.WriteString(`</tr>`)
		for _, r := range t.rows {
			b.WriteString(`<tr>`)
			for _, c := range r {
				fmt.Fprintf(&b, `<td>%s</td>`, html.EscapeString(c))
			}
			b.WriteString(`</tr>`)
		}
		b.WriteString(`</table>`)
	}
	return b.String()
}

func (lc locale) advMD(ts []advTable) string {
	var b strings.Builder
	cell := strings.NewReplacer("|", `\|`, "\n", " ")
	for _, t := range ts {
		if t.title != "" {
			fmt.Fprintf(&b, "### %s\n\n", lc.T(t.title))
		}
		if t.note != "" {
			fmt.Fprintf(&b, "%s\n\n", t.note)
		}
		if len(t.head) == 0 {
			continue
		}
		head := make([]string, len(t.head))
		for i, h := range t.head {
			head[i] = lc.T(h)
		}
		b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
		for range t.head {
			b.WriteString("---|")
		}
		b.WriteString("\n")
		for _, r := range t.rows {
			for i := range r {
				r[i] = cell.Replace(r[i])
			}
			b.WriteString("| " + strings.Join(r, " | ") + " |\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func (lc locale) f2(v float64) string { return lc.num(v, 2) }

func (lc locale) percentAxis(v float64) string { return lc.sf("%.0f%%", v*100) }

func (lc locale) advocacyTables(a *analysis.Analysis) []advTable {
	v := analysis.Section[analysis.Advocacy](a, "advocacy")
	t := advTable{period: true, title: "Referrals by period", note: lc.T("Referrer share = customers who referred ÷ active customers; conversion = converted ÷ referrals; k-factor = referrals per active customer × conversion. ⚑ marks n < 30."),
		head: []string{"Period", "Referrals", "Referrers", "Referrer share (95% CI)", "Conversion (95% CI)", "k-factor", "Days to convert", "First-order revenue"}}
	for _, r := range append(v.Referrals, v.Total) {
		t.rows = append(t.rows, []string{lc.T(r.Period), lc.count(r.Invites), lc.count(r.Referrers), lc.interval(r.ReferrerShare), lc.interval(r.Conversion), lc.num(r.KFactor, 4), lc.f2(r.DaysToConvert), lc.money(r.FirstOrderRevenue)})
	}
	ts := []advTable{t}
	if len(v.ReferralsBy) > 0 {
		s := advTable{title: lc.T("By %s", a.By), head: []string{"Segment", "Referrals", "Converted", "Referrer share (95% CI)", "Conversion (95% CI)", "k-factor"}}
		for _, r := range v.ReferralsBy {
			s.rows = append(s.rows, []string{r.Segment, lc.count(r.Invites), lc.count(r.Converted), lc.interval(r.ReferrerShare), lc.interval(r.Conversion), lc.num(r.KFactor, 4)})
		}
		ts = append(ts, s)
	}
	rv := v.Revenue
	ts = append(ts, advTable{title: "Revenue from advocacy", note: lc.T("Referred customers (%s, %s of buyers) brought %s of %s net revenue in the window (%s); their first orders %s.",
		lc.count(rv.Referred), lc.interval(rv.CustomerShare), lc.money(rv.Revenue), lc.money(rv.AllRevenue), lc.pct(rv.Share), lc.money(rv.FirstOrders))})
	top := advTable{title: "Top advocates", note: lc.T(v.ScoreNote) + " " + lc.T("Advocates: %d of %d customers (%s).", v.Advocates.K, v.Customers, lc.interval(v.Advocates)),
		head: []string{"Customer", "Score", "Referrals", "Converted", "Latest NPS"}}
	for _, x := range v.Top[:min(10, len(v.Top))] {
		top.rows = append(top.rows, []string{x.Customer, lc.num(x.Score, 0), lc.count(x.Referrals), lc.count(x.Converted), lc.num(x.NPS, 0)})
	}
	b := v.Backtest
	lk := advTable{title: "Likely advocates", note: lc.T(v.ModelNote) + " " + lc.T("Backtest (train cut-off %s, test cut-off %s, %d test customers, %d positives): AUC %.2f, top-decile lift %.2f; the advocacy score alone: AUC %.2f.",
		lc.date(b.TrainCutoff), lc.date(b.TestCutoff), b.TestN, b.TestPositives, b.AUC, b.TopDecileLift, b.ScoreAUC),
		head: []string{"Customer", "P(referral in 180 days)", "Score", "Reasons"}}
	for _, x := range v.Likely[:min(10, len(v.Likely))] {
		lk.rows = append(lk.rows, []string{x.Customer, lc.num(x.Probability, 3), lc.num(x.Score, 0), lc.reasons(x.Reasons)})
	}
	return append(ts, top, lk)
}

func (lc locale) advocacyHTML(a *analysis.Analysis) string {
	v := analysis.Section[analysis.Advocacy](a, "advocacy")
	var b strings.Builder
	b.WriteString(`<div class="cards">`)
	card(&b, lc.interval(v.Total.Conversion), lc.T("referral conversion (converted ÷ referrals)"))
	card(&b, lc.num(v.Total.KFactor, 3), lc.T("k-factor (referrals per active customer × conversion), per period"))
	card(&b, lc.pct(v.Revenue.Share), lc.T("share of revenue from referred customers"))
	card(&b, lc.f2(v.Backtest.AUC), lc.T("likely-advocate model AUC (top-decile lift %s)", lc.f2(v.Backtest.TopDecileLift)))
	b.WriteString(`</div>`)
	var labels []string
	share, lo, hi, conv := []float64{}, []float64{}, []float64{}, []float64{}
	for _, r := range v.Referrals {
		labels = append(labels, r.Period)
		share, lo, hi = append(share, r.ReferrerShare.Value), append(lo, r.ReferrerShare.Low), append(hi, r.ReferrerShare.High)
		conv = append(conv, r.Conversion.Value)
	}
	pending := maturing(labels, a.Last, v.Total.DaysToConvert)
	for i := len(labels) - pending; i < len(labels); i++ {
		labels[i] += " " + lc.T("(maturing)")
	}
	b.WriteString(lineChart(labels, []series{{Name: lc.T("Conversion"), Values: conv, Pending: pending}, {Name: lc.T("Referrer share (95% band)"), Values: share, Low: lo, High: hi}}, lc.percentAxis))
	if pending > 0 {
		b.WriteString(`<p class="muted small">` + esc(lc.T("○ still maturing (%s): its referrals have had less than the usual %s days to convert, so its conversion will still rise.",
			strings.Join(plainPeriods(labels[len(labels)-pending:]), ", "), lc.num(v.Total.DaysToConvert, 0))) + `</p>`)
	}
	b.WriteString(lc.advHTML(lc.advocacyTables(a)))
	return b.String()
}

// plainPeriods strips the " (maturing)" flag from period labels.
func plainPeriods(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i], _, _ = strings.Cut(l, " ")
	}
	return out
}

// maturing counts the trailing periods ("2006-01") whose referrals have not all had the usual
// days to convert by the end of the data: at least the last one, whose conversions are the
// least complete. A period label that is not a month counts only the last.
func maturing(periods []string, last time.Time, days float64) int {
	n := len(periods)
	if n == 0 {
		return 0
	}
	k := 1
	for i := n - 2; i >= 0 && finite(days); i-- {
		start, err := time.Parse("2006-01", periods[i])
		if err != nil || !start.AddDate(0, 1, 0).Add(time.Duration(days*24)*time.Hour).After(last) {
			break
		}
		k++
	}
	return k
}

func (lc locale) programTables(a *analysis.Analysis) []advTable {
	v := analysis.Section[analysis.Program](a, "program")
	s := v.Summary
	t := advTable{period: true, title: "Programme by period", head: []string{"Period", "Enrolled", "Members", "Enrolment rate (95% CI)", "Active members", "Participation (95% CI)", "Earned", "Redeemed", "Expired", "Redemption rate", "Outstanding"}}
	for _, p := range v.Periods {
		t.rows = append(t.rows, []string{p.Period, lc.count(p.Enrolled), lc.count(p.Members), lc.interval(p.EnrolmentRate), lc.count(p.Active), lc.interval(p.Participation),
			lc.num(p.Earned, 0), lc.num(p.Redeemed, 0), lc.num(p.Expired, 0), lc.pct(p.RedemptionRate), lc.num(p.Outstanding, 0)})
	}
	pts := advTable{title: "Points and liability", note: lc.T("In the window: earned %s, redeemed %s, expired %s points; redemption rate (redeemed ÷ earned in the window) %s. Breakage (expired ÷ settled points) %s. Outstanding %s points at %s a point: liability %s (%s net of estimated breakage).",
		lc.num(s.Earned, 0), lc.num(s.Redeemed, 0), lc.num(s.Expired, 0), lc.pct(s.RedemptionRate), lc.pct(s.BreakageRate), lc.num(s.Outstanding, 0), lc.num(s.PointValue, 4), lc.moneyC(s.Liability, a.Currency), lc.moneyC(s.NetLiability, a.Currency))}
	tiers := advTable{title: "Tiers", note: lc.T("%d upgrades and %d downgrades in the window.", v.Upgrades, v.Downgrades), head: []string{"From", "To", "Members"}}
	for _, f := range v.Flows {
		from := f.From
		if from == "" {
			from = lc.T("(joined)")
		}
		tiers.rows = append(tiers.rows, []string{lc.T(from), lc.T(f.To), lc.count(f.Customers)})
	}
	c := v.Comparison
	cmp := advTable{title: "Members versus non-members", note: lc.T("Over %d days after enrolment; %d members followed, %d matched in %d strata. Purchase-rate effect: naive %+.1f%%, matched difference-in-differences %+.1f%% (95%% bootstrap %+.1f%% to %+.1f%%). %s",
		c.HorizonDays, c.Members, c.Matched, c.Strata, c.NaiveRateEffect*100, c.RateEffect*100, c.RateLow*100, c.RateHigh*100, lc.T(c.Caveat)),
		head: []string{"Outcome", "Members", "Non-members", "Naive difference", "Matched controls", "Matched difference ± SE"}}
	for _, o := range c.Outcomes {
		cmp.rows = append(cmp.rows, []string{lc.T(o.Name), lc.f2(o.Members), lc.f2(o.NonMembers), lc.sf("%+.2f (%+.1f%%)", o.NaiveDiff, o.NaiveRelative*100),
			lc.f2(o.MatchedControls), lc.sf("%+.2f ± %.2f (%+.1f%%)", o.MatchedDiff, o.MatchedSE, o.MatchedRelative*100)})
	}
	return []advTable{pts, cmp, tiers, t, {title: "Definitions", note: lc.joinT(v.Notes)}}
}

func (lc locale) programHTML(a *analysis.Analysis) string {
	v := analysis.Section[analysis.Program](a, "program")
	s := v.Summary
	var b strings.Builder
	b.WriteString(`<div class="cards">`)
	card(&b, lc.count(s.Members), lc.T("members; enrolment rate %s", lc.interval(s.EnrolmentRate)))
	card(&b, lc.interval(s.Participation), lc.T("participation (active members ÷ members), last period"))
	card(&b, lc.pct(s.RedemptionRate), lc.T("redemption rate (redeemed ÷ earned in the window)"))
	card(&b, lc.moneyC(s.Liability, a.Currency), lc.T("liability: %.0f outstanding points", s.Outstanding))
	b.WriteString(`</div>`)
	var labels []string
	var earned, redeemed, expired, part []float64
	for _, p := range v.Periods {
		if p.Segment != "" {
			continue
		}
		labels = append(labels, p.Period)
		earned, redeemed, expired = append(earned, p.Earned), append(redeemed, p.Redeemed), append(expired, p.Expired)
		part = append(part, p.Participation.Value)
	}
	b.WriteString(lineChart(labels, []series{{Name: lc.T("Points earned"), Values: earned}, {Name: lc.T("Redeemed"), Values: redeemed}, {Name: lc.T("Expired"), Values: expired}}, func(x float64) string { return lc.num(x, 0) }))
	var names []string
	var vals []float64
	for _, o := range v.Comparison.Outcomes {
		names = append(names, lc.T("naive: %s", lc.T(trimOutcome(o.Name))), lc.T("matched: %s", lc.T(trimOutcome(o.Name))))
		vals = append(vals, o.NaiveRelative*100, o.MatchedRelative*100)
	}
	b.WriteString(`<p class="muted small">` + esc(lc.T("Members versus non-members, relative difference in % (naive and matched):")) + `</p>`)
	b.WriteString(barChart(names, absAll(vals), nil, nil, func(x float64) string { return lc.sf("%.1f%%", x) }))
	b.WriteString(lc.advHTML(lc.programTables(a)))
	return b.String()
}

func trimOutcome(s string) string {
	if i := strings.IndexAny(s, ":("); i > 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// absAll returns |v| (bar charts draw magnitudes; the tables carry the signs).
func absAll(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Abs(x)
	}
	return out
}

func (lc locale) engagementTables(a *analysis.Analysis) []advTable {
	v := analysis.Section[analysis.Engagement](a, "engagement")
	ch := advTable{title: "Channels", head: []string{"Channel", "Interactions", "Customer-periods", "Per engaged customer", "Mean depth"}}
	for _, c := range v.Channels {
		ch.rows = append(ch.rows, []string{lc.T(c.Channel), lc.count(c.Interactions), lc.count(c.Customers), lc.f2(c.PerCustomer), lc.f2(c.Depth)})
	}
	rt := advTable{title: "Engagement and repeat purchase", note: lc.T("Multichannel share (pooled): %s.", lc.interval(v.Multichannel)),
		head: []string{"Segment", "Interactions in the purchase period", "Buyers", "Bought again within the window (95% CI)"}}
	for _, r := range append(v.Retention, v.RetentionBy...) {
		seg := r.Segment
		if seg == "" {
			seg = lc.T("all")
		}
		rt.rows = append(rt.rows, []string{seg, lc.T(r.Bucket), lc.count(r.Rate.N), lc.interval(r.Rate)})
	}
	return []advTable{ch, rt, {title: "Definitions", note: lc.joinT(v.Notes)}}
}

func (lc locale) engagementHTML(a *analysis.Analysis) string {
	v := analysis.Section[analysis.Engagement](a, "engagement")
	var b strings.Builder
	var labels []string
	var per, multi []float64
	for _, p := range v.Periods {
		labels = append(labels, p.Period)
		per, multi = append(per, p.PerActive), append(multi, p.Multichannel.Value)
	}
	b.WriteString(`<p class="muted small">` + esc(lc.T("Interactions per active customer by period:")) + `</p>`)
	b.WriteString(lineChart(labels, []series{{Name: lc.T("Interactions per active customer"), Values: per}}, func(x float64) string { return lc.num(x, 2) }))
	var names []string
	var vals, lo, hi []float64
	for _, r := range v.Retention {
		names = append(names, lc.T("%s interactions", lc.T(r.Bucket)))
		vals, lo, hi = append(vals, r.Rate.Value*100), append(lo, r.Rate.Low*100), append(hi, r.Rate.High*100)
	}
	b.WriteString(`<p class="muted small">` + esc(lc.T("Bought again within the activity window, by interactions in the purchase period (95% intervals):")) + `</p>`)
	b.WriteString(barChart(names, vals, lo, hi, func(x float64) string { return lc.sf("%.1f%%", x) }))
	b.WriteString(lc.advHTML(lc.engagementTables(a)))
	return b.String()
}

func (lc locale) socialTables(a *analysis.Analysis) []advTable {
	v := analysis.Section[analysis.Social](a, "social")
	pl := advTable{title: "Platforms", note: lc.T("%d mentions labelled in the data, %d labelled from their text, %d without sentiment.", v.Labelled, v.FromText, v.Unlabelled),
		head: []string{"Platform", "Mentions", "Likes", "Shares", "Comments", "Reach", "Engagement rate", "Positive (95% CI)", "Negative (95% CI)"}}
	for _, p := range byReach(v.Platforms) {
		pl.rows = append(pl.rows, []string{p.Platform, lc.count(p.Mentions), lc.count(p.Likes), lc.count(p.Shares), lc.count(p.Comments), lc.count(p.Reach), lc.pct(p.EngagementRate), lc.interval(p.Positive), lc.interval(p.Negative)})
	}
	pe := advTable{period: true, title: "By period", head: []string{"Period", "Mentions", "Reach", "Positive (95% CI)", "Negative (95% CI)", "Net sentiment"}}
	for _, p := range v.Periods {
		pe.rows = append(pe.rows, []string{p.Period, lc.count(p.Mentions), lc.count(p.Reach), lc.interval(p.Positive), lc.interval(p.Negative), lc.num(p.NetSentiment, 1)})
	}
	am := advTable{title: "Top amplifiers", head: []string{"Customer", "Mentions", "Positive", "Negative", "Likes", "Shares", "Reach"}}
	for _, x := range v.Amplifiers {
		am.rows = append(am.rows, []string{x.Customer, lc.count(x.Mentions), lc.count(x.Positive), lc.count(x.Negative), lc.count(x.Likes), lc.count(x.Shares), lc.count(x.Reach)})
	}
	return []advTable{pl, am, pe, {title: "Definitions", note: lc.joinT(v.Notes)}}
}

func (lc locale) socialHTML(a *analysis.Analysis) string {
	v := analysis.Section[analysis.Social](a, "social")
	var b strings.Builder
	var labels []string
	var pos, neg []float64
	for _, p := range v.Periods {
		labels = append(labels, p.Period)
		pos, neg = append(pos, p.Positive.Value), append(neg, p.Negative.Value)
	}
	b.WriteString(lineChart(labels, []series{{Name: lc.T("Positive share"), Values: pos, Color: palette[2]}, {Name: lc.T("Negative share"), Values: neg, Color: palette[1]}}, lc.percentAxis))
	var names []string
	var reach []float64
	for _, p := range byReach(v.Platforms) {
		names, reach = append(names, p.Platform), append(reach, float64(p.Reach))
	}
	b.WriteString(`<p class="muted small">` + esc(lc.T("Reach by platform:")) + `</p>`)
	b.WriteString(barChart(names, reach, nil, nil, func(x float64) string { return lc.num(x, 0) }))
	b.WriteString(lc.advHTML(lc.socialTables(a)))
	return b.String()
}

// byReach orders platforms by reach, largest first (the order a reader compares them in).
func byReach(ps []advocacy.SocialPlatform) []advocacy.SocialPlatform {
	out := slices.Clone(ps)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Reach > out[j].Reach })
	return out
}

func (lc locale) joinT(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = lc.T(s)
	}
	return strings.Join(out, " ")
}

// reasons translates the likely-advocate reasons ("high recency_days").
func (lc locale) reasons(rs []string) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		side, feature, ok := strings.Cut(r, " ")
		if ok && (side == "high" || side == "low") {
			out[i] = lc.T(side+" %s", lc.T(feature))
		} else {
			out[i] = lc.T(r)
		}
	}
	return strings.Join(out, "; ")
}
