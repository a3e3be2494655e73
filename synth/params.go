package synth

import (
	"math"
	"time"
)

// Default window: the history covers 2023-07-01 through 2026-06-30 (End is exclusive).
var (
	DefaultStart = time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC)
	DefaultEnd   = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
)

// DefaultCustomers is the size used when Config.Customers is 0.
const DefaultCustomers = 20000

// Category names.
var (
	segmentNames  = []string{"consumer", "premium", "business"}
	regionNames   = []string{"North", "South", "East", "West"}
	exitReasons   = []string{"price", "delivery", "support", "product_quality", "moved", "competitor"}
	orderChannels = []string{"web", "app", "store"}
	surveyKinds   = []string{"nps", "csat", "ces", "trust", "attachment", "belonging", "identification"}
	groupNames    = []string{"detractor", "passive", "promoter"}
	interChannels = []string{"email", "web", "app", "store", "support", "chat"}
	platforms     = []string{"instagram", "facebook", "x", "tiktok", "trustpilot"}
	sentiments    = []string{"negative", "neutral", "positive"}
	planNames     = []string{"basic", "plus"}
	tierNames     = []string{"bronze", "silver", "gold"}
)

// newTruth returns the planted model for a configuration. Every number the generator draws from
// is here, so that truth.json documents it completely.
func newTruth(cfg Config) Truth {
	t := Truth{
		Seed: cfg.Seed, Customers: cfg.Customers, Start: cfg.Start, End: cfg.End, TimeUnit: "week",
		SignupGrowth: 1.5,
		//                        Jan  Feb  Mar  Apr  May  Jun  Jul  Aug  Sep  Oct  Nov  Dec
		SignupSeasonality: [12]float64{1.1, 0.9, 1.0, 1.0, 0.95, 0.9, 0.85, 0.85, 1.0, 1.05, 1.3, 1.2},
		Seasonality:       [12]float64{0.85, 0.8, 0.9, 0.95, 0.95, 0.9, 0.9, 0.9, 0.95, 1.0, 1.45, 1.5},
		RefundShare:       0.02,
	}
	// Normalise the purchase seasonality to a day-weighted mean of 1 over a 365-day year.
	days := [12]float64{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	var s float64
	for m, d := range days {
		s += d * t.Seasonality[m]
	}
	for m := range t.Seasonality {
		t.Seasonality[m] = math.Round(t.Seasonality[m]*365/s*1e6) / 1e6
	}

	t.Segments = []SegmentTruth{
		{Name: "consumer", Share: 0.70, R: 0.9, Alpha: 2.15, A: 1.6, B: 14, P: 4, Q: 3.5, Gamma: 37.5,
			SatisfactionShift: 0, SubscriptionShare: 0.10},
		{Name: "premium", Share: 0.20, R: 1.3, Alpha: 2.45, A: 1.5, B: 20, P: 5, Q: 4, Gamma: 54,
			SatisfactionShift: 0.3, SubscriptionShare: 0.30},
		{Name: "business", Share: 0.10, R: 1.6, Alpha: 2.7, A: 1.8, B: 18, P: 3, Q: 3, Gamma: 100,
			SatisfactionShift: -0.1, SubscriptionShare: 0.15},
	}
	t.Regions = []RegionTruth{
		{Name: "North", Share: 0.15, Countries: []Share{{"LV", 1}},
			RateMultiplier: 0.9, RetentionMultiplier: 1.25, SpendMultiplier: 0.9, SatisfactionShift: 0.2},
		{Name: "South", Share: 0.20, Countries: []Share{{"RO", 1}},
			RateMultiplier: 1.0, RetentionMultiplier: 0.75, SpendMultiplier: 0.8, SatisfactionShift: -0.3},
		{Name: "East", Share: 0.25, Countries: []Share{{"PL", 1}},
			RateMultiplier: 1.15, RetentionMultiplier: 1.0, SpendMultiplier: 0.85, SatisfactionShift: 0},
		{Name: "West", Share: 0.40, Countries: []Share{{"GB", 0.75}, {"IE", 0.25}},
			RateMultiplier: 1.0, RetentionMultiplier: 1.0, SpendMultiplier: 1.15, SatisfactionShift: 0.1},
	}
	for _, sg := range t.Segments {
		for _, rg := range t.Regions {
			c := CellTruth{Segment: sg.Name, Region: rg.Name, Share: sg.Share * rg.Share,
				R: sg.R, Alpha: sg.Alpha / rg.RateMultiplier, A: sg.A, B: sg.B * rg.RetentionMultiplier,
				P: sg.P, Q: sg.Q, Gamma: sg.Gamma * rg.SpendMultiplier}
			c.MeanSpend = c.P * c.Gamma / (c.Q - 1)
			t.Cells = append(t.Cells, c)
		}
	}
	t.Channels = []Share{{"search", 0.30}, {"social", 0.20}, {"referral", 0.15}, {"email", 0.10}, {"store", 0.25}}
	t.OrderChannel = map[string][]Share{
		"consumer": {{"web", 0.45}, {"app", 0.40}, {"store", 0.15}},
		"premium":  {{"web", 0.35}, {"app", 0.50}, {"store", 0.15}},
		"business": {{"web", 0.80}, {"app", 0.10}, {"store", 0.10}},
	}
	t.AgeBands = []Share{{"18-24", 0.14}, {"25-34", 0.26}, {"35-44", 0.23}, {"45-54", 0.18}, {"55-64", 0.12}, {"65+", 0.07}}
	t.Genders = []Share{{"female", 0.52}, {"male", 0.46}, {"undisclosed", 0.02}}
	t.Languages = map[string]string{"GB": "en", "IE": "en", "PL": "pl", "RO": "ro", "LV": "lv"}

	t.Satisfaction = SatisfactionTruth{
		Rho: 0.5, Noise: 0.7, SurveyPerOrder: 0.08, DriverNoise: 0.1,
		KindShares: []Share{{"nps", 0.40}, {"csat", 0.25}, {"ces", 0.15}, {"trust", 0.08},
			{"attachment", 0.04}, {"belonging", 0.04}, {"identification", 0.04}},
		Items: map[string]SurveyScale{
			"nps":   {Scale: "0-10", Min: 0, Max: 10, Center: 8.0, Slope: 1.9, CommentShare: 0.6},
			"csat":  {Scale: "1-5", Min: 1, Max: 5, Center: 3.9, Slope: 0.9, CommentShare: 0.4},
			"ces":   {Scale: "1-7", Min: 1, Max: 7, Center: 5.2, Slope: 1.2, CommentShare: 0.3},
			"trust": {Scale: "1-5", Min: 1, Max: 5, Center: 3.7, Slope: 0.9},
			// The emotional-attachment items of voc's Emotional Loyalty Index, on its 1-7 scale.
			"attachment":     {Scale: "1-7", Min: 1, Max: 7, Center: 4.45, Slope: 1.5},
			"belonging":      {Scale: "1-7", Min: 1, Max: 7, Center: 4.3, Slope: 1.5},
			"identification": {Scale: "1-7", Min: 1, Max: 7, Center: 4.15, Slope: 1.5},
		},
	}
	t.Program = ProgramTruth{
		RateEffect: 0.10, Intercept: -0.1, FrequencyCoef: 1.0, SatisfactionCoef: 0.4, EnrolDelayDays: 90,
		PointsPerEUR: 1, PointValueEUR: 0.01, RedeemBlock: 500, RedeemProb: 0.6, ExpiryDays: 365,
		Tiers: tierNames, TierThresholds: []int64{1000, 3000},
	}
	t.Subscriptions = SubscriptionTruth{
		StartDelayDays: 60, PlusShare: 0.3, UpgradeProb: 0.015,
		Plans: []PlanTruth{{"basic", 9.99, 1.2, 12}, {"plus", 19.99, 1.0, 14}},
	}
	t.Referrals = ReferralTruth{SatisfactionCoef: 0.8, InvitesPerYear: 0.15}
	t.Interactions = InteractionTruth{PerWeek: 0.09, SatisfactionCoef: 0.4, AfterDropout: 0.1, SupportSatCoef: 0.7,
		Channels: []Share{{"email", 0.35}, {"web", 0.25}, {"app", 0.15}, {"store", 0.08}, {"support", 0.10}, {"chat", 0.07}}}
	t.Social = SocialTruth{AmplifierShare: 0.04, AnonymousShare: 0.03, Platforms: platforms}
	t.Exits = ExitTruth{Share: 0.35, DelayDays: 45,
		Base: map[string]float64{"price": 0.22, "delivery": 0.18, "support": 0.12, "product_quality": 0.14, "moved": 0.10, "competitor": 0.24},
		Segment: map[string]map[string]float64{
			"consumer": {"price": 1.5},
			"premium":  {"product_quality": 1.5, "price": 0.6},
			"business": {"competitor": 1.4, "support": 1.3},
		},
		Low:  map[string]float64{"support": 1.8, "delivery": 1.6, "product_quality": 1.4},
		High: map[string]float64{"moved": 2.0, "price": 1.2},
	}
	t.Drivers = drivers()
	return t
}
