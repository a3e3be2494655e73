package analysis

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"fidelis"
	"fidelis/metric"
	"fidelis/scenario"
)

// Action is one recommended action: who it is for, why, and what it is worth. Gain is the money
// at stake the ranking uses: a value from the models (predicted CLV, value at stake) times an
// assumed change in retention or purchases; every assumption is listed with it, so that a user
// can replace one with the result of their own test.
type Action struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Why         string   `json:"why"`
	Who         string   `json:"who"`
	Customers   int64    `json:"customers"`
	Exposed     float64  `json:"value_exposed"`
	Gain        float64  `json:"expected_gain"`
	Assumptions []string `json:"assumptions"`
	Command     string   `json:"command,omitempty"`
	List        []string `json:"customers_top,omitempty"`
	// The texts above as messages with their arguments, for translated reports.
	TitleMsg, WhyMsg, WhoMsg fidelis.Msg  `json:"-"`
	AssumptionMsgs           fidelis.Msgs `json:"-"`
}

// withText fills the English texts from the messages.
func (x Action) withText() Action {
	x.Title, x.Why, x.Who = x.TitleMsg.String(), x.WhyMsg.String(), x.WhoMsg.String()
	x.Assumptions = make([]string, len(x.AssumptionMsgs))
	for i, m := range x.AssumptionMsgs {
		x.Assumptions[i] = m.String()
	}
	return x
}

// Assumed effects of each action. They are not measured by Fidelis: they are planning figures to
// replace with the results of one's own tests, and every action prints the one it uses.
const (
	AssumedSaveRate       = 0.10 // share of at-risk customers a retention contact keeps
	AssumedWinBackLift    = 0.25 // extra come-backs a campaign adds, relative to those who return unprompted
	AssumedRecovery       = 0.20 // share of contacted detractors who become passive
	AssumedReengagement   = 0.25 // share of dormant programme members who become active
	AssumedOnboardingLift = 0.05 // points of second-period purchase rate onboarding adds
	AssumedReferralLift   = 0.25 // relative increase of likely advocates' referrals
)

// ValueAtStake is the expected value lost to churn: the value of a customer if still active,
// CLV / P(alive) (for BG/NBD, E[purchases | alive] = E[purchases] / P(alive)), times 1 − P(alive).
// Zero when P(alive) is 0.
func ValueAtStake(clv, p float64) float64 {
	if p <= 1e-12 {
		return 0
	}
	return clv / p * (1 - p)
}

func names(ss []CustomerScore, n int) []string {
	out := make([]string, 0, min(n, len(ss)))
	for _, s := range ss[:min(n, len(ss))] {
		out = append(out, s.Customer)
	}
	return out
}

// buildActions ranks the actions the analysis supports. It uses the model forecast when the
// models section ran, and each other section when present; an action whose evidence is missing is
// left out rather than guessed.
func buildActions(ctx context.Context, st fidelis.Store, a *Analysis) []Action {
	var acts []Action
	f := a.forecast
	days := float64(a.Window) * a.Grain.Days()
	if f != nil {
		// 1. Keep the customers who are slipping away: only with a model that passed the gate,
		// since P(alive) is the model's.
		if f.Trusted() {
			var risk []CustomerScore
			var exposed float64
			for _, s := range f.Scores {
				if s.PAlive >= 0.05 && s.PAlive < 0.5 {
					risk = append(risk, s)
					exposed += ValueAtStake(s.CLV, s.PAlive)
				}
			}
			sort.Slice(risk, func(i, j int) bool {
				return ValueAtStake(risk[i].CLV, risk[i].PAlive) > ValueAtStake(risk[j].CLV, risk[j].PAlive)
			})
			if len(risk) > 0 {
				acts = append(acts, Action{ID: "save", TitleMsg: fidelis.M("Retention contact for valuable customers who are slipping away"),
					WhyMsg: fidelis.M("%d customers have a P(alive) between 5%% and 50%%: the model expects most of them to be gone; if they stay they are worth %.0f over %d months.", len(risk), exposed, CLVMonths),
					WhoMsg: fidelis.M("customers with 5% ≤ P(alive) < 50%, highest value at stake first"), Customers: int64(len(risk)), Exposed: exposed,
					Gain: exposed * AssumedSaveRate, Command: "fidelis risk --out at-risk.csv", List: names(risk, 10),
					AssumptionMsgs: fidelis.Msgs{fidelis.M("the contact keeps %.0f%% of them active (planning figure: test it with a holdout group)", AssumedSaveRate*100),
						fidelis.M("value at stake = predicted CLV ÷ P(alive) × (1 − P(alive)), %s + Gamma-Gamma, %d months", ModelNames[f.Fit.Model], CLVMonths)}})
			}
		}
		// 2. Win back lapsed high-value customers.
		nets := make([]float64, 0, len(f.Scores))
		for _, s := range f.Scores {
			nets = append(nets, s.Net)
		}
		sort.Float64s(nets)
		if len(nets) > 0 {
			p75 := nets[len(nets)*3/4]
			var lapsed []CustomerScore
			var yearly float64
			for _, s := range f.Scores {
				if s.Recency > days && s.Net >= p75 && s.Net > 0 {
					lapsed = append(lapsed, s)
				}
			}
			sort.Slice(lapsed, func(i, j int) bool { return lapsed[i].Net > lapsed[j].Net })
			w := winBackRate(a)
			for _, s := range lapsed {
				// Revenue per year over their whole tenure, lapsed time included: a conservative
				// value for a customer who comes back.
				yearly += s.Net / math.Max(days, s.Age) * 365.25
			}
			if len(lapsed) > 0 && !math.IsNaN(w) {
				acts = append(acts, Action{ID: "winback", TitleMsg: fidelis.M("Win-back campaign for lapsed high-value customers"),
					WhyMsg: fidelis.M("%d customers in the top quarter by revenue have not bought for more than %.0f days; over their time with you they brought %.0f a year.", len(lapsed), days, yearly),
					WhoMsg: fidelis.M("lapsed customers (no purchase in the activity window) with revenue to date in the top 25%"), Customers: int64(len(lapsed)),
					Exposed: yearly, Gain: yearly * w * AssumedWinBackLift, Command: "fidelis risk --min-alive 0 --min-risk 0 --out lapsed.csv", List: names(lapsed, 10),
					AssumptionMsgs: fidelis.Msgs{fidelis.M("%.1f%% of lapsed customers come back on their own within a year (observed win-back rate per %s, compounded); the campaign brings back %.0f%% more than that", w*100, fidelis.M(string(a.Grain)), AssumedWinBackLift*100),
						fidelis.M("a won-back customer brings their average yearly revenue since their first purchase")}})
			}
		}
	}
	// 3. Service recovery for detractors, on their main complaint.
	if v := Section[VoC](a, "voc"); v != nil && f != nil && v.NPS.Detractors.K > 0 && v.Drivers != nil {
		if c, err := NPSClassValues(ctx, st, f, "", ""); err == nil && c.Detractors > 0 && c.Passives > 0 && c.PassiveCLV > c.DetractorCLV {
			complaint, mention := "", 0
			side := v.Drivers.A
			if !strings.Contains(strings.ToLower(side.Label), "detract") {
				side = v.Drivers.B
			}
			if len(side.Terms) > 0 {
				complaint, mention = side.Terms[0].Term, side.Terms[0].Docs
			}
			exposed := c.Detractors * (c.PassiveCLV - c.DetractorCLV)
			why := fidelis.M("%.0f detractors are worth %.0f less each than passives over %d months.", c.Detractors, c.PassiveCLV-c.DetractorCLV, CLVMonths)
			title := fidelis.M("Service recovery for detractors")
			if complaint != "" {
				why = fidelis.M("%.0f detractors are worth %.0f less each than passives over %d months; what most sets their comments apart is %q (%d comments).", c.Detractors, c.PassiveCLV-c.DetractorCLV, CLVMonths, complaint, mention)
				title = fidelis.M("Service recovery for detractors about “%s”", complaint)
			}
			take := fidelis.M("%.0f%% of contacted detractors become passive and take the passives' mean predicted value", AssumedRecovery*100)
			if !f.Trusted() {
				take = fidelis.M("%.0f%% of contacted detractors become passive and take the passives' mean revenue per year (history: no purchase model passed the holdout check)", AssumedRecovery*100)
			}
			acts = append(acts, Action{ID: "recovery", TitleMsg: title,
				WhyMsg: why, WhoMsg: fidelis.M("customers whose latest NPS answer is 0–6"), Customers: int64(c.Detractors), Exposed: exposed, Gain: exposed * AssumedRecovery,
				Command: "fidelis voc --json", AssumptionMsgs: fidelis.Msgs{take,
					fidelis.M("the value gap between detractors and passives is observational, not causal")}})
		}
	}
	// 4. Programme changes when members do not use it.
	if p := Section[Program](a, "program"); p != nil && p.Summary.Members > 0 {
		s := p.Summary
		lowRedemption := !math.IsNaN(s.RedemptionRate) && s.RedemptionRate < 0.20
		lowParticipation := !math.IsNaN(s.Participation.Value) && s.Participation.Value < 0.5
		var perMember float64 = math.NaN()
		for _, o := range p.Comparison.Outcomes {
			if strings.HasPrefix(o.Name, "revenue") {
				perMember = o.MatchedDiff
			}
		}
		if (lowRedemption || lowParticipation) && perMember > 0 {
			dormant := float64(s.Members) * (1 - s.Participation.Value)
			exposed := dormant * perMember
			why := fidelis.M("Only %.0f%% of members were active in the last period; matched members bring %.0f more revenue a year than similar non-members.", s.Participation.Value*100, perMember)
			if lowRedemption {
				why = fidelis.M("Only %.0f%% of members were active in the last period and %.0f%% of points earned were redeemed; matched members bring %.0f more revenue a year than similar non-members.", s.Participation.Value*100, s.RedemptionRate*100, perMember)
			}
			acts = append(acts, Action{ID: "programme", TitleMsg: fidelis.M("Make the loyalty programme easier to use (rewards within reach, reminders)"),
				WhyMsg: why,
				WhoMsg: fidelis.M("enrolled members with no programme event in the last period"), Customers: int64(dormant), Exposed: exposed, Gain: exposed * AssumedReengagement,
				Command: "fidelis program", AssumptionMsgs: fidelis.Msgs{fidelis.M("%.0f%% of dormant members become active and gain the matched member effect", AssumedReengagement*100),
					fidelis.M("the matched comparison removes only the self-selection it can see")}})
		}
	}
	// 5. Onboarding when new customers do not come back.
	if a.Cohorts != nil && len(a.Cohorts.MeanUnbounded) > 1 {
		second := a.Cohorts.MeanUnbounded[1]
		rows := a.Retention
		if !a.LastComplete && len(rows) > 1 {
			rows = rows[:len(rows)-1]
		}
		var newPer float64
		n := min(6, len(rows))
		for _, r := range rows[len(rows)-n:] {
			newPer += float64(r.New)
		}
		if n > 0 {
			newPer /= float64(n)
		}
		r, _, m := pooledRecent(a, 6)
		if !math.IsNaN(second.Value) && newPer > 0 && !math.IsNaN(r) {
			perPeriods := int(math.Round(365.25 / a.Grain.Days()))
			value := scenario.Value(1, r, m, MonthlyDiscount, perPeriods)
			gainers := newPer * float64(perPeriods) * AssumedOnboardingLift
			g := fidelis.M(string(a.Grain))
			acts = append(acts, Action{ID: "onboarding", TitleMsg: fidelis.M("Onboarding that brings new customers back for a second purchase"),
				WhyMsg: fidelis.M("%.0f%% of new customers never buy again after their first %s (weighted over cohorts); about %.0f new customers start each %s.", (1-second.Value)*100, g, newPer, g),
				WhoMsg: fidelis.M("customers in their first %s", g), Customers: int64(newPer * float64(perPeriods)), Exposed: newPer * float64(perPeriods) * (1 - second.Value) * value,
				Gain: gainers * value, Command: "fidelis cohorts --unbounded",
				AssumptionMsgs: fidelis.Msgs{fidelis.M("onboarding lifts the share who buy again by %.0f points for a year of new customers", AssumedOnboardingLift*100),
					fidelis.M("a customer who stays is worth %.0f over a year (retention %.1f%% and revenue %.2f per active customer per %s)", value, r*100, m, g)}})
		}
	}
	// 6. An advocate programme for likely advocates.
	if ad := Section[Advocacy](a, "advocacy"); ad != nil && ad.Backtest.TestN > 0 && ad.Revenue.RevenuePerReferred > 0 && !math.IsNaN(ad.Total.Conversion.Value) {
		top := float64(ad.Customers) / 10
		base := float64(ad.Backtest.TestPositives) / float64(ad.Backtest.TestN) * ad.Backtest.TopDecileLift
		perRef := ad.Total.Conversion.Value * ad.Revenue.RevenuePerReferred
		exposed := top * base * perRef
		var list []string
		for _, l := range ad.Likely {
			list = append(list, l.Customer)
		}
		acts = append(acts, Action{ID: "advocates", TitleMsg: fidelis.M("Invite likely advocates to a referral programme"),
			WhyMsg: fidelis.M("The likely-advocate model ranks customers with AUC %.2f and top-decile lift %.1f; a referral converts %.0f%% of the time and a referred customer brings %.0f.", ad.Backtest.AUC, ad.Backtest.TopDecileLift, ad.Total.Conversion.Value*100, ad.Revenue.RevenuePerReferred),
			WhoMsg: fidelis.M("the top 10% of customers by predicted probability of referring"), Customers: int64(top), Exposed: exposed, Gain: exposed * AssumedReferralLift,
			Command: "fidelis advocacy", List: list[:min(10, len(list))],
			AssumptionMsgs: fidelis.Msgs{fidelis.M("the programme raises their referrals by %.0f%% over %d days", AssumedReferralLift*100, ad.Backtest.HorizonDays),
				fidelis.M("their referral rate is the base rate times the backtest's top-decile lift")}})
	}
	for i := range acts {
		acts[i] = acts[i].withText()
	}
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].Gain > acts[j].Gain })
	return acts
}

// winBackRate is the observed chance that a lapsed customer comes back within a year: the pooled
// monthly (per-period) win-back rate over the last 12 complete periods, compounded.
func winBackRate(a *Analysis) float64 {
	rows := a.Retention
	if !a.LastComplete && len(rows) > 1 {
		rows = rows[:len(rows)-1]
	}
	rows = rows[max(0, len(rows)-12):]
	var k, n int64
	for _, r := range rows {
		k += r.WinBack.K
		n += r.WinBack.N
	}
	if n == 0 {
		return math.NaN()
	}
	w := float64(k) / float64(n)
	return 1 - math.Pow(1-w, 365.25/a.Grain.Days())
}

// pooledRecent pools ID-based retention over the last n complete periods and returns it with the
// active customers at the end of the last of them and net revenue per active customer per period.
func pooledRecent(a *Analysis, n int) (r, active, revPerActive float64) {
	return PooledRetention(a.Retention, a.LastComplete, n)
}

// PooledRetention pools ID-based retention over the last n complete rows (see pooledRecent).
func PooledRetention(rows []metric.Retention, lastComplete bool, n int) (r, active, revPerActive float64) {
	if !lastComplete && len(rows) > 0 {
		rows = rows[:len(rows)-1]
	}
	if len(rows) > n {
		rows = rows[len(rows)-n:]
	}
	if len(rows) == 0 {
		return math.NaN(), 0, math.NaN()
	}
	var rev, act float64
	for _, x := range rows {
		rev += x.Revenue
		act += float64(x.End)
	}
	return metric.Pool(rows).Value, float64(rows[len(rows)-1].End), rev / act
}

// NPSClassValues joins each respondent's latest NPS answer with the forecast's value (Forecast.Value:
// predicted CLV, or revenue per year when no model passed the gate), only customers of segment
// value when by is set.
func NPSClassValues(ctx context.Context, st fidelis.Store, f *Forecast, by, value string) (scenario.Classes, error) {
	var c scenario.Classes
	as, ok := st.(fidelis.AnswerStore)
	if !ok {
		return c, fmt.Errorf("this store cannot list survey answers")
	}
	class := map[string]float64{}
	if err := as.LatestAnswers(ctx, "nps", func(cust string, s float64, _ string) error {
		if s >= 0 && s <= 10 && s == math.Trunc(s) { // answers off 0-10 are no class (see npsScore)
			class[cust] = s
		}
		return nil
	}); err != nil {
		return c, err
	}
	for _, s := range f.Scores {
		score, ok := class[s.Customer]
		if !ok || (by != "" && s.Segment != value) {
			continue
		}
		switch {
		case score <= 6:
			c.Detractors++
			c.DetractorCLV += f.Value(s)
		case score <= 8:
			c.Passives++
			c.PassiveCLV += f.Value(s)
		}
	}
	if c.Detractors > 0 {
		c.DetractorCLV /= c.Detractors
	}
	if c.Passives > 0 {
		c.PassiveCLV /= c.Passives
	}
	return c, nil
}
