package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"fidelis"
	"fidelis/metric"
	"fidelis/scenario"
	"fidelis/voc"
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
	Link        string   `json:"list,omitempty"` // the list of the Customers (ActionList)
	Exposed     float64  `json:"value_exposed"`
	Gain        float64  `json:"expected_gain"`
	Assumptions []string `json:"assumptions"`
	// Command writes exactly the Customers this action is for (ListCommand).
	Command string   `json:"command,omitempty"`
	List    []string `json:"customers_top,omitempty"`
	// Rule says who is on the list as conditions on its columns; every member meets all of them.
	Rule []Condition `json:"rule"`
	// Columns names the figures each member carries, the ones the rule reads first.
	Columns []string `json:"columns"`
	// Members is the whole list, in the order of the action's ranking; len(Members) = Customers.
	Members []Member `json:"-"`
	// The texts above as messages with their arguments, for translated reports.
	TitleMsg, WhyMsg, WhoMsg fidelis.Msg  `json:"-"`
	AssumptionMsgs           fidelis.Msgs `json:"-"`
}

// Condition is one part of an action's rule: Column Op Value, e.g. p_alive >= 0.05.
type Condition struct {
	Column string  `json:"column"`
	Op     string  `json:"op"` // <, <=, =, >=, >
	Value  float64 `json:"value"`
}

// Holds reports whether v meets the condition (never when v is NaN).
func (c Condition) Holds(v float64) bool {
	switch c.Op {
	case "<":
		return v < c.Value
	case "<=":
		return v <= c.Value
	case "=":
		return v == c.Value
	case ">=":
		return v >= c.Value
	case ">":
		return v > c.Value
	}
	return false
}

func (c Condition) String() string { return fmt.Sprintf("%s %s %g", c.Column, c.Op, c.Value) }

// Member is one customer of an action's list with the figures named by Action.Columns.
type Member struct {
	Customer string
	Values   []float64 // aligned with Action.Columns; NaN where unknown
}

// ListCommand is the command that writes an action's customers.
func ListCommand(id string) string {
	return "fidelis actions --list " + id + " --out " + id + ".csv"
}

// The columns an action's members can carry, in days, currency and probabilities.
const (
	ColDaysSinceLast      = "days_since_last_purchase"
	ColDaysSinceFirst     = "days_since_first_purchase"
	ColRepeatDays         = "repeat_purchase_days"
	ColRevenue            = "revenue_to_date"
	ColPAlive             = "p_alive"
	ColCLV                = "predicted_clv"
	ColAtStake            = "value_at_stake"
	ColNPS                = "nps_latest"
	ColDaysSinceProgram   = "days_since_programme_event"
	ColReferralLikelihood = "referral_probability"
	ColChurnRisk          = "churn_risk"
)

// scoreValue reads a column from a customer's forecast row, rounded as the list shows it (money to
// the cent, probabilities to 6 decimals). The rules select on these same rounded values, so every
// row of a written list meets its rule exactly.
func scoreValue(s CustomerScore, col string) float64 {
	switch col {
	case ColDaysSinceLast:
		return s.Recency
	case ColDaysSinceFirst:
		return s.Age
	case ColRepeatDays:
		return s.X
	case ColRevenue:
		return roundTo(s.Net, 2)
	case ColPAlive:
		return roundTo(s.PAlive, 6)
	case ColCLV:
		return roundTo(s.CLV, 2)
	case ColAtStake:
		return roundTo(ValueAtStake(s.CLV, s.PAlive), 2)
	}
	return math.NaN()
}

func roundTo(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// list fills the action's rule, columns and members from forecast rows: cols are read from each
// row, then extra (aligned with rows) appended under extraCols. The model's P(alive) and CLV are
// added for every list when the model may be shown.
func (x *Action) list(f *Forecast, rule []Condition, rows []CustomerScore, cols []string, extraCols []string, extra [][]float64) {
	if f != nil && f.Trusted() { // the model's numbers only where it passed the gate
		for _, c := range []string{ColPAlive, ColCLV} {
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	x.Rule, x.Columns = rule, append(cols, extraCols...)
	x.Members = make([]Member, len(rows))
	for i, r := range rows {
		v := make([]float64, 0, len(x.Columns))
		for _, c := range cols {
			v = append(v, scoreValue(r, c))
		}
		if extra != nil {
			v = append(v, extra[i]...)
		}
		x.Members[i] = Member{Customer: r.Customer, Values: v}
	}
	x.Customers = int64(len(rows))
	x.List = names(rows, 10)
	x.Link = ActionList(x.ID)
	x.Command = ListCommand(x.ID)
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

// StayValue is what a customer is worth over the forecast horizon if they stay: with a model that
// passed the gate, predicted CLV ÷ P(alive) (the CLV of a customer known to be alive, as in
// ValueAtStake; zero when P(alive) is 0), otherwise revenue per year since the first purchase
// scaled to the horizon (history, see Forecast.Value). Times a churn probability it is the value
// at stake.
func StayValue(f *Forecast, s CustomerScore) float64 {
	if !f.Trusted() {
		return f.Value(s)
	}
	if s.PAlive <= 1e-12 {
		return 0
	}
	return s.CLV / s.PAlive
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
// left out rather than guessed. Every action carries its whole customer list (Members), chosen by
// its Rule from per-customer figures, so that its Customers are exactly the customers it means.
func buildActions(ctx context.Context, st fidelis.Store, a *Analysis) []Action {
	var acts []Action
	f := a.forecast
	days := float64(a.Window) * a.Grain.Days()
	if f != nil {
		// 1. Keep the customers who are slipping away: ranked by the churn model's winner when it
		// replaces P(alive) (see Churn.Basis), otherwise by P(alive), only with a model that
		// passed the gate, since P(alive) is the model's.
		ch := Section[Churn](a, "churn")
		if x, ok := churnSaveAction(f, ch, days); ok {
			acts = append(acts, x)
		}
		var risk []CustomerScore
		var exposed float64
		for _, s := range f.Scores {
			if p := scoreValue(s, ColPAlive); f.Trusted() && p >= 0.05 && p < 0.5 {
				risk = append(risk, s)
				exposed += ValueAtStake(s.CLV, s.PAlive)
			}
		}
		sort.SliceStable(risk, func(i, j int) bool {
			return ValueAtStake(risk[i].CLV, risk[i].PAlive) > ValueAtStake(risk[j].CLV, risk[j].PAlive)
		})
		if len(risk) > 0 && (ch == nil || !ch.Basis.Replaces) {
			x := Action{ID: "save", TitleMsg: fidelis.M("Retention contact for valuable customers who are slipping away"),
				WhyMsg: fidelis.M("%d customers have a P(alive) between 5%% and 50%%: the model expects most of them to be gone; if they stay they are worth %.0f over %d months.", len(risk), exposed, CLVMonths),
				WhoMsg: fidelis.M("customers with 5% ≤ P(alive) < 50%, highest value at stake first"), Exposed: exposed,
				Gain: exposed * AssumedSaveRate,
				AssumptionMsgs: fidelis.Msgs{fidelis.M("the contact keeps %.0f%% of them active (planning figure: test it with a holdout group)", AssumedSaveRate*100),
					fidelis.M("value at stake = predicted CLV ÷ P(alive) × (1 − P(alive)), %s + Gamma-Gamma, %d months", ModelNames[f.Fit.Model], CLVMonths)}}
			x.list(f, []Condition{{ColPAlive, ">=", 0.05}, {ColPAlive, "<", 0.5}}, risk,
				[]string{ColPAlive, ColCLV, ColAtStake, ColDaysSinceLast}, nil, nil)
			acts = append(acts, x)
		}
		// 2. Win back lapsed high-value customers.
		nets := make([]float64, 0, len(f.Scores))
		for _, s := range f.Scores {
			nets = append(nets, scoreValue(s, ColRevenue))
		}
		sort.Float64s(nets)
		if len(nets) > 0 {
			p75 := nets[len(nets)*3/4]
			var lapsed []CustomerScore
			var yearly float64
			for _, s := range f.Scores {
				if net := scoreValue(s, ColRevenue); s.Recency > days && net >= p75 && net > 0 {
					lapsed = append(lapsed, s)
				}
			}
			sort.SliceStable(lapsed, func(i, j int) bool { return lapsed[i].Net > lapsed[j].Net })
			w := winBackRate(a)
			for _, s := range lapsed {
				// Revenue per year over their whole tenure, lapsed time included: a conservative
				// value for a customer who comes back.
				yearly += s.Net / math.Max(days, s.Age) * 365.25
			}
			if len(lapsed) > 0 && !math.IsNaN(w) {
				x := Action{ID: "winback", TitleMsg: fidelis.M("Win-back campaign for lapsed high-value customers"),
					WhyMsg:  fidelis.M("%d customers in the top quarter by revenue have not bought for more than %.0f days; over their time with you they brought %.0f a year.", len(lapsed), days, yearly),
					WhoMsg:  fidelis.M("lapsed customers (no purchase in the activity window) with revenue to date in the top 25%"),
					Exposed: yearly, Gain: yearly * w * AssumedWinBackLift,
					AssumptionMsgs: fidelis.Msgs{fidelis.M("%.1f%% of lapsed customers come back on their own within a year (observed win-back rate per %s, compounded); the campaign brings back %.0f%% more than that", w*100, fidelis.M(string(a.Grain)), AssumedWinBackLift*100),
						fidelis.M("a won-back customer brings their average yearly revenue since their first purchase")}}
				x.list(f, []Condition{{ColDaysSinceLast, ">", days}, {ColRevenue, ">=", p75}, {ColRevenue, ">", 0}}, lapsed,
					[]string{ColDaysSinceLast, ColRevenue}, nil, nil)
				acts = append(acts, x)
			}
		}
	}
	// 3. Service recovery for detractors, on the theme their comments point to.
	if v := Section[VoC](a, "voc"); v != nil && f != nil && v.NPS.Detractors.K > 0 {
		if x, ok := recoveryAction(ctx, st, f, v); ok {
			acts = append(acts, x)
		}
	}
	// 4. Programme changes when members do not use it.
	if p := Section[Program](a, "program"); p != nil && p.Summary.Members > 0 && len(p.Periods) > 0 {
		if x, ok := programmeAction(ctx, st, a, p); ok {
			acts = append(acts, x)
		}
	}
	// 5. Onboarding when new customers do not come back.
	if a.Cohorts != nil && len(a.Cohorts.MeanUnbounded) > 1 && f != nil {
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
		// The list: customers now in their first period who have not bought a second time.
		first := a.Grain.Days()
		var fresh []CustomerScore
		for _, s := range f.Scores {
			if s.Age <= first && s.X == 0 {
				fresh = append(fresh, s)
			}
		}
		sort.SliceStable(fresh, func(i, j int) bool { return fresh[i].Age > fresh[j].Age })
		if !math.IsNaN(second.Value) && newPer > 0 && !math.IsNaN(r) && len(fresh) > 0 {
			perPeriods := int(math.Round(365.25 / a.Grain.Days()))
			value := scenario.Value(1, r, m, MonthlyDiscount, perPeriods)
			gainers := newPer * float64(perPeriods) * AssumedOnboardingLift
			g := fidelis.M(string(a.Grain))
			x := Action{ID: "onboarding", TitleMsg: fidelis.M("Onboarding that brings new customers back for a second purchase"),
				WhyMsg:  fidelis.M("%.0f%% of new customers never buy again after their first %s (weighted over cohorts); about %.0f new customers start each %s.", (1-second.Value)*100, g, newPer, g),
				WhoMsg:  fidelis.M("customers whose first purchase was in the last %.0f days and who have not bought again (the list today; the gain counts a year of new customers like them)", first),
				Exposed: newPer * float64(perPeriods) * (1 - second.Value) * value, Gain: gainers * value,
				AssumptionMsgs: fidelis.Msgs{fidelis.M("onboarding lifts the share who buy again by %.0f points for a year of new customers", AssumedOnboardingLift*100),
					fidelis.M("a customer who stays is worth %.0f over a year (retention %.1f%% and revenue %.2f per active customer per %s)", value, r*100, m, g)}}
			x.list(f, []Condition{{ColDaysSinceFirst, "<=", first}, {ColRepeatDays, "=", 0}}, fresh,
				[]string{ColDaysSinceFirst, ColRepeatDays}, nil, nil)
			acts = append(acts, x)
		}
	}
	// 6. An advocate programme for likely advocates.
	if ad := Section[Advocacy](a, "advocacy"); ad != nil && ad.Backtest.TestN > 0 && ad.Revenue.RevenuePerReferred > 0 && !math.IsNaN(ad.Total.Conversion.Value) && len(ad.ranked) > 0 {
		top := ad.ranked[:min(len(ad.ranked), int(ad.Customers/10))]
		base := float64(ad.Backtest.TestPositives) / float64(ad.Backtest.TestN) * ad.Backtest.TopDecileLift
		perRef := ad.Total.Conversion.Value * ad.Revenue.RevenuePerReferred
		exposed := float64(len(top)) * base * perRef
		if len(top) > 0 {
			x := Action{ID: "advocates", TitleMsg: fidelis.M("Invite likely advocates to a referral programme"),
				WhyMsg: fidelis.M("The likely-advocate model ranks customers with AUC %.2f and top-decile lift %.1f; a referral converts %.0f%% of the time and a referred customer brings %.0f.", ad.Backtest.AUC, ad.Backtest.TopDecileLift, ad.Total.Conversion.Value*100, ad.Revenue.RevenuePerReferred),
				WhoMsg: fidelis.M("the top 10% of customers by predicted probability of referring"), Exposed: exposed, Gain: exposed * AssumedReferralLift,
				AssumptionMsgs: fidelis.Msgs{fidelis.M("the programme raises their referrals by %.0f%% over %d days", AssumedReferralLift*100, ad.Backtest.HorizonDays),
					fidelis.M("their referral rate is the base rate times the backtest's top-decile lift")}}
			rows := make([]CustomerScore, len(top))
			extra := make([][]float64, len(top))
			for i, v := range top {
				rows[i], extra[i] = CustomerScore{Customer: v.Customer}, []float64{roundTo(v.Probability, 6)}
			}
			cut := roundTo(top[len(top)-1].Probability, 6)
			x.list(nil, []Condition{{ColReferralLikelihood, ">=", cut}}, rows, nil, []string{ColReferralLikelihood}, extra)
			acts = append(acts, x)
		}
	}
	for i := range acts {
		acts[i] = acts[i].withText()
	}
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].Gain > acts[j].Gain })
	return acts
}

// churnSaveAction is the save list when the churn model's winner replaces P(alive) as the risk:
// customers still active by their last purchase (within the activity window of days; the lapsed
// are the win-back list's) whose probability of no purchase in the horizon is at least 50%, by
// value at stake = StayValue × that probability, highest first.
func churnSaveAction(f *Forecast, ch *Churn, days float64) (Action, bool) {
	risk := ch.Risk()
	if risk == nil {
		return Action{}, false
	}
	type member struct {
		s        CustomerScore
		p, stake float64
	}
	var ms []member
	var exposed float64
	for _, s := range f.Scores {
		p, ok := risk[s.Customer]
		if p = roundTo(p, 6); !ok || p < 0.5 || s.Recency > days {
			continue
		}
		m := member{s, p, roundTo(StayValue(f, s)*p, 2)}
		ms = append(ms, m)
		exposed += m.stake
	}
	if len(ms) == 0 {
		return Action{}, false
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].stake > ms[j].stake })
	rows, extra := make([]CustomerScore, len(ms)), make([][]float64, len(ms))
	for i, m := range ms {
		rows[i], extra[i] = m.s, []float64{m.p, m.stake}
	}
	h := ch.Backtest.HorizonDays
	value := fidelis.M("revenue per year since the first purchase over %d months (no purchase model passed the holdout check)", CLVMonths)
	if f.Trusted() {
		value = fidelis.M("predicted CLV ÷ P(alive) over %d months, %s + Gamma-Gamma", CLVMonths, ModelNames[f.Fit.Model])
	}
	x := Action{ID: "save", TitleMsg: fidelis.M("Retention contact for valuable customers who are slipping away"),
		WhyMsg: fidelis.M("%d customers who bought in the last %.0f days are at least 50%% likely to make no purchase in the next %d days (%s); their value at stake is %.0f.",
			len(ms), days, h, MethodMsg(ch.Basis.Method), exposed),
		WhoMsg:  fidelis.M("customers with a purchase in the last %.0f days whose churn risk (no purchase in the next %d days) is 50%% or more, highest value at stake first", days, h),
		Exposed: exposed, Gain: exposed * AssumedSaveRate,
		AssumptionMsgs: fidelis.Msgs{fidelis.M("the contact keeps %.0f%% of them active (planning figure: test it with a holdout group)", AssumedSaveRate*100),
			fidelis.M("value at stake = value if they stay (%s) × churn risk; a customer who makes no purchase in the next %d days is counted as lost for the whole value", value, h),
			ch.Basis.Msg}}
	x.list(f, []Condition{{ColDaysSinceLast, "<=", days}, {ColChurnRisk, ">=", 0.5}}, rows, []string{ColDaysSinceLast}, []string{ColChurnRisk, ColAtStake}, extra)
	return x, true
}

// recoveryAction offers service recovery to detractors (customers whose latest NPS answer is
// 0–6 and who have bought), named after the comment theme that weighs most on the score: the theme
// with the lowest sentiment NPS whose interval lies wholly below the NPS of all answers. Without
// such a theme it names the detractors' strongest comment driver, and without comments none.
func recoveryAction(ctx context.Context, st fidelis.Store, f *Forecast, v *VoC) (Action, bool) {
	c, err := NPSClassValues(ctx, st, f, "", "")
	if err != nil || c.Detractors == 0 || c.Passives == 0 || !(c.PassiveCLV > c.DetractorCLV) {
		return Action{}, false
	}
	latest, err := latestNPS(ctx, st)
	if err != nil {
		return Action{}, false
	}
	var det []CustomerScore
	var scores [][]float64
	for _, s := range f.Scores {
		if n, ok := latest[s.Customer]; ok && n <= 6 {
			det = append(det, s)
			scores = append(scores, []float64{n})
		}
	}
	gap := c.PassiveCLV - c.DetractorCLV
	exposed := c.Detractors * gap
	x := Action{ID: "recovery", TitleMsg: fidelis.M("Service recovery for detractors"),
		WhyMsg:  fidelis.M("%.0f detractors are worth %.0f less each than passives over %d months.", c.Detractors, gap, CLVMonths),
		WhoMsg:  fidelis.M("customers whose latest NPS answer is 0–6"),
		Exposed: exposed, Gain: exposed * AssumedRecovery,
		AssumptionMsgs: fidelis.Msgs{fidelis.M("%.0f%% of contacted detractors become passive and take the passives' mean predicted value", AssumedRecovery*100),
			fidelis.M("the value gap between detractors and passives is observational, not causal")}}
	if !f.Trusted() {
		x.AssumptionMsgs[0] = fidelis.M("%.0f%% of contacted detractors become passive and take the passives' mean revenue per year (history: no purchase model passed the holdout check)", AssumedRecovery*100)
	}
	if th := complaintTheme(v); th != nil {
		x.TitleMsg = fidelis.M("Service recovery for detractors about “%s”", fidelis.M(th.Name))
		x.WhyMsg = fidelis.M("%.0f detractors are worth %.0f less each than passives over %d months; the comments that mention “%s” give an NPS of %+.1f (%d scored comments), against %+.1f for all answers.",
			c.Detractors, gap, CLVMonths, fidelis.M(th.Name), th.Sentiment.Score.Value, th.Sentiment.N, v.NPS.Score.Value)
	} else if d := v.Drivers; d != nil {
		side := d.A
		if !strings.Contains(strings.ToLower(side.Label), "detract") {
			side = d.B
		}
		if len(side.Terms) > 0 {
			t := side.Terms[0]
			x.TitleMsg = fidelis.M("Service recovery for detractors about “%s”", t.Term)
			x.WhyMsg = fidelis.M("%.0f detractors are worth %.0f less each than passives over %d months; what most sets their comments apart is %q (%d comments).", c.Detractors, gap, CLVMonths, t.Term, t.Docs)
		}
	}
	x.list(f, []Condition{{ColNPS, "<=", 6}}, det, nil, []string{ColNPS}, scores)
	return x, true
}

// complaintTheme returns the theme whose comments score lowest, when its sentiment interval lies
// wholly below the NPS of all answers and rests on at least metric.SmallSample scored comments;
// nil otherwise.
func complaintTheme(v *VoC) *voc.ThemeResult {
	var worst *voc.ThemeResult
	for i := range v.Themes {
		t := &v.Themes[i]
		if t.Sentiment.N < metric.SmallSample || !(t.Sentiment.Score.High < v.NPS.Score.Value) {
			continue
		}
		if worst == nil || t.Sentiment.Score.Value < worst.Sentiment.Score.Value {
			worst = t
		}
	}
	return worst
}

// latestNPS maps each respondent to their latest NPS answer.
func latestNPS(ctx context.Context, st fidelis.Store) (map[string]float64, error) {
	out := map[string]float64{}
	return out, st.LatestAnswers(ctx, "nps", func(cust string, s float64, _ string) error {
		out[cust] = s
		return nil
	})
}

// programmeAction offers a programme re-engagement to members with no programme event in the last
// period, when members use the programme little and matched members bring more revenue.
func programmeAction(ctx context.Context, st fidelis.Store, a *Analysis, p *Program) (Action, bool) {
	s := p.Summary
	lowRedemption := !math.IsNaN(s.RedemptionRate) && s.RedemptionRate < 0.20
	lowParticipation := !math.IsNaN(s.Participation.Value) && s.Participation.Value < 0.5
	perMember := math.NaN()
	for _, o := range p.Comparison.Outcomes {
		if strings.HasPrefix(o.Name, "revenue") {
			perMember = o.MatchedDiff
		}
	}
	if !(lowRedemption || lowParticipation) || !(perMember > 0) {
		return Action{}, false
	}
	// Dormant: enrolled before the end and no programme event since the last period began (the
	// period whose participation the summary reports); gathered by the programme section when it
	// read the same rows.
	d := p.dormant
	if d == nil {
		if d = newDormant(a, p.Periods); d == nil {
			return Action{}, false
		}
		if err := st.ProgramCustomers(ctx, fidelis.Query{Grain: a.Grain, Segment: a.Segment}, func(c fidelis.ProgramCustomer) error {
			d.add(a, c)
			return nil
		}); err != nil {
			return Action{}, false
		}
	}
	start, cut, rows, since := d.start, d.cut, d.customers, d.since
	if len(rows) == 0 {
		return Action{}, false
	}
	exposed := float64(len(rows)) * perMember
	why := fidelis.M("Only %.0f%% of members were active in the last period; matched members bring %.0f more revenue a year than similar non-members.", s.Participation.Value*100, perMember)
	if lowRedemption {
		why = fidelis.M("Only %.0f%% of members were active in the last period and %.0f%% of points earned were redeemed; matched members bring %.0f more revenue a year than similar non-members.", s.Participation.Value*100, s.RedemptionRate*100, perMember)
	}
	x := Action{ID: "programme", TitleMsg: fidelis.M("Make the loyalty programme easier to use (rewards within reach, reminders)"),
		WhyMsg: why, WhoMsg: fidelis.M("enrolled members with no programme event since %s", start.Format("2006-01-02")),
		Exposed: exposed, Gain: exposed * AssumedReengagement,
		AssumptionMsgs: fidelis.Msgs{fidelis.M("%.0f%% of dormant members become active and gain the matched member effect", AssumedReengagement*100),
			fidelis.M("the matched comparison removes only the self-selection it can see")}}
	x.list(nil, []Condition{{ColDaysSinceProgram, ">", cut}}, rows, nil, []string{ColDaysSinceProgram}, since)
	return x, true
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
	class := map[string]float64{}
	if err := st.LatestAnswers(ctx, "nps", func(cust string, s float64, _ string) error {
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
