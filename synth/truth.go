package synth

import (
	"math"
	"time"

	"gonum.org/v1/gonum/mathext"
)

// Truth is the ground truth planted in a synthetic company, written to truth.json. Rates are per
// week (TimeUnit), amounts in EUR.
type Truth struct {
	Seed      uint64    `json:"seed"`
	Customers int       `json:"customers"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"` // exclusive: events happen in [Start, End)
	TimeUnit  string    `json:"time_unit"`

	// SignupGrowth is the yearly growth factor of the signup intensity; SignupSeasonality the
	// month-of-year multipliers of signups (January first).
	SignupGrowth      float64     `json:"signup_growth"`
	SignupSeasonality [12]float64 `json:"signup_seasonality"`
	// Seasonality multiplies every customer's purchase rate by calendar month (January first). Its
	// day-weighted mean over a 365-day year is 1, so the BG/NBD parameters keep their meaning per
	// "effective" week (see EffectiveWeeks). Seasonality is planted by thinning.
	Seasonality [12]float64 `json:"seasonality"`

	Segments []SegmentTruth `json:"segments"`
	Regions  []RegionTruth  `json:"regions"`
	// Cells are the exact per segment × region model parameters customers are drawn from.
	Cells []CellTruth `json:"cells"`

	Channels     []Share            `json:"acquisition_channels"`
	OrderChannel map[string][]Share `json:"order_channels"` // by segment: web/app/store shares
	AgeBands     []Share            `json:"age_bands"`
	Genders      []Share            `json:"genders"`
	Languages    map[string]string  `json:"languages"` // country → language of comments

	// RefundShare is the probability that an order is followed by a full refund (a row with the
	// negated amount and quantity, 1–14 days later, dropped if it would fall after End).
	RefundShare float64 `json:"refund_share"`

	Satisfaction  SatisfactionTruth `json:"satisfaction"`
	Program       ProgramTruth      `json:"program"`
	Subscriptions SubscriptionTruth `json:"subscriptions"`
	Referrals     ReferralTruth     `json:"referrals"`
	Interactions  InteractionTruth  `json:"interactions"`
	Social        SocialTruth       `json:"social"`
	Exits         ExitTruth         `json:"exits"`
	Drivers       []Driver          `json:"drivers"`

	Realized Realized `json:"realized"`
}

// Share is one category of a categorical distribution.
type Share struct {
	Name  string  `json:"name"`
	Share float64 `json:"share"`
}

// SegmentTruth holds a segment's share and its base BG/NBD and Gamma-Gamma parameters (weeks).
type SegmentTruth struct {
	Name  string  `json:"name"`
	Share float64 `json:"share"`
	// BG/NBD: λ ~ Gamma(R, rate Alpha) per week; dropout after each repeat purchase p ~ Beta(A, B).
	R     float64 `json:"r"`
	Alpha float64 `json:"alpha"`
	A     float64 `json:"a"`
	B     float64 `json:"b"`
	// Gamma-Gamma spend: ν ~ Gamma(Q, rate Gamma); order value ~ Gamma(P, rate ν).
	P     float64 `json:"p"`
	Q     float64 `json:"q"`
	Gamma float64 `json:"gamma"`
	// SatisfactionShift is added to the latent satisfaction of the segment's customers.
	SatisfactionShift float64 `json:"satisfaction_shift"`
	SubscriptionShare float64 `json:"subscription_share"`
}

// RegionTruth holds a region's countries and its planted differences: RateMultiplier scales λ
// (Alpha is divided by it), RetentionMultiplier scales B (larger = later dropout), SpendMultiplier
// scales the mean order value (Gamma is multiplied by it).
type RegionTruth struct {
	Name                string  `json:"name"`
	Share               float64 `json:"share"`
	Countries           []Share `json:"countries"` // shares within the region
	RateMultiplier      float64 `json:"rate_multiplier"`
	RetentionMultiplier float64 `json:"retention_multiplier"`
	SpendMultiplier     float64 `json:"spend_multiplier"`
	SatisfactionShift   float64 `json:"satisfaction_shift"`
}

// CellTruth is the exact generating model of one segment × region cell.
type CellTruth struct {
	Segment string  `json:"segment"`
	Region  string  `json:"region"`
	Share   float64 `json:"share"`
	R       float64 `json:"r"`
	Alpha   float64 `json:"alpha"`
	A       float64 `json:"a"`
	B       float64 `json:"b"`
	P       float64 `json:"p"`
	Q       float64 `json:"q"`
	Gamma   float64 `json:"gamma"`
	// MeanSpend is the population mean order value P·Gamma/(Q−1).
	MeanSpend float64 `json:"mean_spend"`
}

// ExpectedRepeats is the BG/NBD expected number of repeat purchases in t (effective) weeks after
// the first purchase (Fader, Hardie & Lee 2005, Marketing Science 24(2), eq. 9):
// E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))]. It needs a > 1, which
// every default cell satisfies.
func (c CellTruth) ExpectedRepeats(t float64) float64 {
	if t <= 0 {
		return 0
	}
	z := t / (c.Alpha + t)
	h := mathext.Hypergeo(c.R, c.B, c.A+c.B-1, z)
	return (c.A + c.B - 1) / (c.A - 1) * (1 - math.Pow(c.Alpha/(c.Alpha+t), c.R)*h)
}

// SatisfactionTruth describes the latent satisfaction s of each customer: s = zs + segment shift +
// region shift, zs = −Rho·zp + √(1−Rho²)·ε, where zp is the normal score whose CDF is the
// customer's dropout quantile (p = BetaQuantile(a, b, Φ(zp))): satisfied customers drop out
// later while p keeps its Beta(a, b) margin. Survey scores are round(Center + Slope·(s + Noise·e))
// clamped to the scale.
type SatisfactionTruth struct {
	Rho   float64                `json:"rho_dropout"`
	Noise float64                `json:"answer_noise"`
	Items map[string]SurveyScale `json:"items"` // by survey kind
	// SurveyPerOrder is the probability that an order is followed (1–10 days later) by a survey
	// answer; KindShares how its kind is chosen.
	SurveyPerOrder float64 `json:"survey_per_order"`
	KindShares     []Share `json:"kind_shares"`
	// DriverNoise is the share of comments whose phrase comes from a random group's pool.
	DriverNoise float64 `json:"driver_noise"`
}

// SurveyScale maps latent satisfaction to one survey item.
type SurveyScale struct {
	Scale        string  `json:"scale"`
	Min          int     `json:"min"`
	Max          int     `json:"max"`
	Center       float64 `json:"center"`
	Slope        float64 `json:"slope"`
	CommentShare float64 `json:"comment_share"`
}

// ProgramTruth describes the loyalty programme. Customers intend to enrol with probability
// logistic(Intercept + FrequencyCoef·ln(λ/E[λ|cell]) + SatisfactionCoef·s) and enrol
// Exp(EnrolDelayDays) after signup if they are still alive then; from enrolment on their purchase
// rate is multiplied by 1+RateEffect (the true causal effect). Points: PointsPerEUR per EUR of
// order value (floor), worth PointValueEUR each; redeem and expire rows carry negative points
// (ledger convention: the sum of points is the balance).
type ProgramTruth struct {
	RateEffect       float64  `json:"rate_effect"`
	Intercept        float64  `json:"intercept"`
	FrequencyCoef    float64  `json:"frequency_coef"`
	SatisfactionCoef float64  `json:"satisfaction_coef"`
	EnrolDelayDays   float64  `json:"enrol_delay_days"`
	PointsPerEUR     float64  `json:"points_per_eur"`
	PointValueEUR    float64  `json:"point_value_eur"`
	RedeemBlock      int64    `json:"redeem_block"`
	RedeemProb       float64  `json:"redeem_prob"`
	ExpiryDays       float64  `json:"expiry_days"`
	Tiers            []string `json:"tiers"`
	TierThresholds   []int64  `json:"tier_thresholds"` // lifetime points for silver, gold
}

// SubscriptionTruth describes the subscription line: monthly (30.44 days) churn from a
// shifted-beta-geometric process, θ ~ Beta(Alpha, Beta) per subscriber and plan (Fader & Hardie
// 2007, J. Interactive Marketing 21(1)); basic subscribers upgrade to plus with UpgradeProb per
// month (the basic row ends, a plus row starts, θ is redrawn from the plus plan).
type SubscriptionTruth struct {
	StartDelayDays float64     `json:"start_delay_days"`
	PlusShare      float64     `json:"plus_share"`
	UpgradeProb    float64     `json:"upgrade_prob"`
	Plans          []PlanTruth `json:"plans"`
}

// PlanTruth is one subscription plan.
type PlanTruth struct {
	Name  string  `json:"name"`
	MRR   float64 `json:"mrr"`
	Alpha float64 `json:"alpha"`
	Beta  float64 `json:"beta"`
}

// ReferralTruth describes referrals. Every customer acquired through the referral channel has a
// converted referral whose referrer is an earlier customer drawn with weight exp(SatisfactionCoef·s);
// besides, each customer sends Poisson(InvitesPerYear·exp(SatisfactionCoef·s − SatisfactionCoef²/2)
// per alive year) invites that do not convert.
type ReferralTruth struct {
	SatisfactionCoef float64 `json:"satisfaction_coef"`
	InvitesPerYear   float64 `json:"invites_per_year"`
}

// InteractionTruth: while alive a customer interacts at PerWeek·exp(SatisfactionCoef·s) a week,
// after dropout at AfterDropout times that; support and chat weigh exp(−SupportSatCoef·s) more.
type InteractionTruth struct {
	PerWeek          float64 `json:"per_week"`
	SatisfactionCoef float64 `json:"satisfaction_coef"`
	AfterDropout     float64 `json:"after_dropout"`
	SupportSatCoef   float64 `json:"support_satisfaction_coef"`
	Channels         []Share `json:"channels"`
}

// SocialTruth: a customer posts (an amplifier) with probability AmplifierShare·exp(|s|/2)/E, with
// sentiment positive w.p. logistic(2s−0.5) or else negative w.p. logistic(−2s−1), neutral
// otherwise; each customer index also yields an anonymous mention with AnonymousShare.
type SocialTruth struct {
	AmplifierShare float64  `json:"amplifier_share"`
	AnonymousShare float64  `json:"anonymous_share"`
	Platforms      []string `json:"platforms"`
}

// ExitTruth: a customer who dropped out leaves an exit record with probability Share, Exp(DelayDays)
// after the last purchase; reason weights are Base × segment factors × satisfaction factors (s < −0.5
// low, s > 0.5 high).
type ExitTruth struct {
	Share     float64                       `json:"share"`
	DelayDays float64                       `json:"delay_days"`
	Base      map[string]float64            `json:"base"`
	Segment   map[string]map[string]float64 `json:"segment_factors"`
	Low       map[string]float64            `json:"low_satisfaction_factors"`
	High      map[string]float64            `json:"high_satisfaction_factors"`
}

// Driver is a planted comment phrase: it appears in the comments of its group (detractor,
// passive, promoter; for CSAT and CES: low scores as detractor, top scores as promoter) of the
// given language, except for the DriverNoise share of comments. Word is its distinctive token.
type Driver struct {
	Language string `json:"language"`
	Group    string `json:"group"`
	Phrase   string `json:"phrase"`
	Word     string `json:"word"`
}

// Realized holds counts of what was actually drawn.
type Realized struct {
	Members          int64 `json:"members"`
	Subscribers      int64 `json:"subscribers"`
	Referred         int64 `json:"referred_customers"`
	DroppedOut       int64 `json:"dropped_out"`
	Refunds          int64 `json:"refunds"`
	Purchases        int64 `json:"purchases"`
	RevenueCents     int64 `json:"net_revenue_cents"`
	AnonymousMention int64 `json:"anonymous_mentions"`
}

// EffectiveWeeks is the seasonally weighted length of [from, to) in weeks: ∫ Seasonality(month(u)) du.
// A customer's BG/NBD clock runs on it (times 1+RateEffect after enrolment).
func (t *Truth) EffectiveWeeks(from, to time.Time) float64 {
	if !to.After(from) {
		return 0
	}
	sum := 0.0
	cur := from
	for cur.Before(to) {
		y, m, _ := cur.Date()
		next := time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
		if next.After(to) {
			next = to
		}
		sum += next.Sub(cur).Hours() / 24 * t.Seasonality[m-1]
		cur = next
	}
	return sum / 7
}

// Cell returns the cell of a segment and region.
func (t *Truth) Cell(segment, region string) (CellTruth, bool) {
	for _, c := range t.Cells {
		if c.Segment == segment && c.Region == region {
			return c, true
		}
	}
	return CellTruth{}, false
}
