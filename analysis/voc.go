package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"fidelis"
	"fidelis/metric"
	"fidelis/voc"
)

// The voice-of-the-customer section: survey scores, composite indices, comment drivers, themes,
// exit reasons and defector profiles, from a store implementing fidelis.SurveyStore. The
// statistics are package voc's; this file only feeds it the store's aggregates.

func init() {
	Register("voc", func(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (any, error) {
		vo := DefaultVoCOptions()
		if a.forecast != nil { // the models section ran first (file order): value lost is known
			vo.Values, vo.ValuesDefinition = ValuesIfStayed(a.forecast)
		}
		v, err := VoiceOfCustomer(ctx, st, o, vo)
		if err != nil || v == nil {
			return v, err
		}
		a.Definitions = append(a.Definitions, v.Definitions...)
		return v, nil
	})
}

// VoCOptions tune the voice-of-the-customer analysis.
type VoCOptions struct {
	// Config defines the composite indices (voc.DefaultConfig, or voc.LoadConfig from a file).
	Config voc.Config
	// ItemKinds lists, per index item name, the survey kinds that answer it besides the item's
	// own name (which always does): by default "recommend" ← nps, "satisfaction" ← csat.
	ItemKinds map[string][]string
	// Themes are counted in the comments; DefaultThemes when nil.
	Themes []voc.Theme
	// CommentLimit caps the comments read, newest first (driver and theme statistics on the most
	// recent CommentLimit comments); ≤ 0 reads all.
	CommentLimit int
	// MinLanguageComments is the least number of scored NPS comments a language needs for its own
	// driver analysis.
	MinLanguageComments int
	// Values is each customer's predicted value had they stayed (see ValuesIfStayed); nil leaves
	// the CLV lost with exits "not available".
	Values map[string]float64
	// ValuesDefinition says what Values are (CLVLostDefinition or CLVHistoryDefinition).
	ValuesDefinition string
}

// CLVLostDefinition says what the CLV lost with an exit is when a purchase model passed the gate.
const CLVLostDefinition = "the predicted value had they stayed: the selected purchase model's (BG/NBD, MBG/NBD or Pareto/NBD) and Gamma-Gamma CLV over the next 12 months divided by P(alive), from each customer's purchases up to the end of the data"

// CLVHistoryDefinition says what the value lost with an exit is when no purchase model passed the
// holdout check: history, not a prediction.
const CLVHistoryDefinition = "no purchase model passed the holdout check, so exits are priced by history: each customer's revenue per year since their first purchase, for 12 months"

// ValuesIfStayed maps each customer to the value they would bring over the forecast horizon if
// still a customer, and says what that value is. With a model that passed the gate it is
// predicted CLV ÷ P(alive) (for BG/NBD, E[purchases | alive] = E[purchases] / P(alive)); without
// one it is the customer's revenue per year scaled to the horizon (Forecast.Value). It prices an
// exit: what leaving takes away.
func ValuesIfStayed(f *Forecast) (map[string]float64, string) {
	m := make(map[string]float64, len(f.Scores))
	for _, s := range f.Scores {
		if f.Trusted() && s.PAlive <= 1e-12 {
			continue // certainly gone: no value if stayed
		}
		m[s.Customer] = StayValue(f, s)
	}
	if !f.Trusted() {
		return m, CLVHistoryDefinition
	}
	return m, CLVLostDefinition
}

// DefaultVoCOptions returns voc.DefaultConfig, the default item kinds and themes, 200 000
// comments and 60 comments per language.
func DefaultVoCOptions() VoCOptions {
	return VoCOptions{Config: voc.DefaultConfig(), ItemKinds: map[string][]string{"recommend": {"nps"}, "satisfaction": {"csat"}},
		Themes: DefaultThemes(), CommentLimit: 200000, MinLanguageComments: 60}
}

// DefaultThemes are the themes counted in comments: terms in English, Polish, Romanian and
// Latvian, with a trailing * matching inflected forms (see voc.Theme).
func DefaultThemes() []voc.Theme {
	return []voc.Theme{
		{Name: "delivery", Terms: []string{"deliver*", "parcel*", "package*", "shipping", "dostaw*", "przesył*", "paczk*",
			"livr*", "colet*", "piegād*", "sūtījum*"}},
		{Name: "support and staff", Terms: []string{"support", "staff", "service", "obsług*", "suport*", "asisten*", "personal*",
			"atbalst*", "personāl*", "apkalpo*"}},
		{Name: "price and fees", Terms: []string{"price*", "fee*", "expensive", "cheap*", "cen*", "opłat*", "drog*", "preț*", "tax*",
			"scump*", "ieftin*", "maks*", "dārg*", "lēt*"}},
		{Name: "product quality", Terms: []string{"quality", "broke*", "damaged", "jakość", "uszkodz*", "calitat*", "deteriorat*",
			"kvalitāt*", "bojāt*", "sabojāj*"}},
		{Name: "returns", Terms: []string{"return*", "zwrot*", "retur*", "atgriešan*"}},
	}
}

// VoC is the voice-of-the-customer analysis. Periods are labelled by the analysis grain;
// Complete marks periods the data runs past the end of. NPS groups (segments, channels) are
// compared each with all other respondents of the window.
type VoC struct {
	Grain fidelis.Grain `json:"grain"`
	By    string        `json:"by,omitempty"`
	// MinSample is the n below which a figure is flagged small_sample (metric.SmallSample);
	// NPSMargin10 is the n a ±10-point 95% NPS interval needs in the worst case (Rocks 2016).
	MinSample   int64 `json:"min_sample"`
	NPSMargin10 int64 `json:"nps_n_for_10_point_margin"`
	// Responses counts answers per kind and scale; ResponseRate says why no rate is given.
	Responses    []KindCount `json:"responses"`
	ResponseRate string      `json:"response_rate"`

	NPS         voc.NPSResult `json:"nps"`
	NPSPeriods  []NPSPeriod   `json:"nps_periods"`
	NPSChange   *NPSChange    `json:"nps_change,omitempty"`
	NPSSegments []NPSGroup    `json:"nps_segments,omitempty"`
	NPSChannels []NPSGroup    `json:"nps_channels,omitempty"`

	CSAT        []voc.CSATResult `json:"csat"`
	CSATPeriods []ScalePeriod    `json:"csat_periods,omitempty"`
	CES         []voc.CESResult  `json:"ces"`
	CESPeriods  []ScalePeriod    `json:"ces_periods,omitempty"`

	Indices []Index `json:"indices"`

	Comments          int                `json:"comments"`
	Drivers           *voc.DriversResult `json:"drivers,omitempty"`
	DriversByLanguage []LanguageDrivers  `json:"drivers_by_language,omitempty"`
	Themes            []voc.ThemeResult  `json:"themes,omitempty"`
	Exits             *voc.ExitReport    `json:"exits,omitempty"`
	// Defection is absent under a segment filter (its store query reads every customer).
	Defection *Defection `json:"defection,omitempty"`
	CLV       string     `json:"clv"`
	Warnings  []string   `json:"warnings,omitempty"`
	// WarningMsgs holds the warnings as messages, for reports in other languages.
	WarningMsgs fidelis.Msgs `json:"-"`
	Definitions []Definition `json:"-"`
}

// KindCount is the number of answers of one survey kind on one scale.
type KindCount struct {
	Kind  string `json:"kind"`
	Scale string `json:"scale"`
	N     int64  `json:"n"`
}

// NPSPeriod is the NPS of one period.
type NPSPeriod struct {
	Period   string        `json:"period"`
	Complete bool          `json:"complete"`
	NPS      voc.NPSResult `json:"nps"`
}

// NPSChange tests the change between the last two complete periods with NPS answers: Diff.A is
// the later period, Diff.B the earlier (voc.CompareNPS, Rocks 2016).
type NPSChange struct {
	From string      `json:"from"`
	To   string      `json:"to"`
	Diff voc.NPSDiff `json:"diff"`
}

// NPSGroup is the NPS of one segment or channel over the window, its trend, and its difference
// from all other respondents (VsRest.A this group, VsRest.B the rest).
type NPSGroup struct {
	Name    string        `json:"name"`
	NPS     voc.NPSResult `json:"nps"`
	VsRest  voc.NPSDiff   `json:"vs_rest"`
	Periods []NPSPeriod   `json:"periods,omitempty"`
}

// ScalePeriod is a CSAT or CES result (Result is a voc.CSATResult or voc.CESResult) of one scale
// in one period.
type ScalePeriod struct {
	Period string `json:"period"`
	Result any    `json:"result"`
}

// Index is a composite index over the window: the population mean (voc.Estimate, t interval)
// over customers who answered enough of its items, per segment when a breakdown is asked for,
// and how many answered too little (Excluded), on another scale than the item's (ScaleMismatch)
// or off the scale (OffScale: answers stored before import checked scales), the last two left out. Items lists each item with the survey kinds that answer it.
type Index struct {
	Key           string         `json:"key"`
	Name          string         `json:"name"`
	Definition    string         `json:"definition"`
	Items         []IndexItem    `json:"items"`
	Mean          voc.Estimate   `json:"mean"`
	Included      int64          `json:"included"`
	Excluded      int64          `json:"excluded"`
	ScaleMismatch int64          `json:"scale_mismatch"`
	OffScale      int64          `json:"off_scale"`
	Segments      []IndexSegment `json:"segments,omitempty"`
	Note          string         `json:"note,omitempty"`
}

// IndexItem is one item of an index and the survey kinds read for it, with their answer count.
type IndexItem struct {
	voc.Item
	Kinds    []string `json:"kinds"`
	Answered int64    `json:"answered"`
}

// IndexSegment is an index's mean in one segment.
type IndexSegment struct {
	Segment string       `json:"segment"`
	Mean    voc.Estimate `json:"mean"`
}

// LanguageDrivers is the detractor-versus-promoter driver analysis of one language's comments.
type LanguageDrivers struct {
	Language string            `json:"language"`
	Drivers  voc.DriversResult `json:"drivers"`
}

// Defection compares defectors with loyal customers (see fidelis.ProfileCounts for who is
// which): every attribute value with its shares, test and Benjamini–Hochberg q-value.
type Defection struct {
	AsOf      time.Time        `json:"as_of"`
	Defectors int64            `json:"defectors"`
	Loyal     int64            `json:"loyal"`
	Effects   []voc.AttrEffect `json:"effects"`
}

// VoiceOfCustomer computes the section from st. It returns nil when the store holds no survey
// answers and no exits.
func VoiceOfCustomer(ctx context.Context, st fidelis.Store, o Options, vo VoCOptions) (*VoC, error) {
	counts, err := st.Counts(ctx)
	if err != nil {
		return nil, err
	}
	if counts[fidelis.Surveys] == 0 && counts[fidelis.Exits] == 0 {
		return nil, nil
	}
	if o.Grain == "" {
		o.Grain = fidelis.Month
	}
	q := o.query()
	n10, _ := voc.NPSSampleSize(10, 0.5, 0.5)
	v := &VoC{Grain: o.Grain, By: o.By, MinSample: metric.SmallSample, NPSMargin10: n10,
		ResponseRate: "not available: survey invitations are not imported, only answers",
		CLV:          "not available: predicted CLV lost needs the customer-base model, which the analysis does not run yet; revenue to date is shown instead"}
	complete, err := completeness(ctx, st, o)
	if err != nil {
		return nil, err
	}
	label := func(i int64) string { return o.Grain.Label(i) }
	if counts[fidelis.Surveys] > 0 {
		cells, err := st.SurveyScores(ctx, q)
		if err != nil {
			return nil, err
		}
		v.scores(cells, complete, label)
		if o.By != "" {
			qb := q
			qb.By = o.By
			if cells, err = st.SurveyScores(ctx, qb); err != nil {
				return nil, err
			}
			v.NPSSegments = npsBreakdown(cells, func(c fidelis.ScoreCell) string { return c.Segment }, complete, label)
		}
		if err := v.indices(ctx, st, q, o.By, vo); err != nil {
			return nil, err
		}
		if err := v.comments(ctx, st, q, vo); err != nil {
			return nil, err
		}
	}
	if counts[fidelis.Exits] > 0 {
		if vo.Values != nil {
			v.CLV = vo.ValuesDefinition
			if v.CLV == "" {
				v.CLV = CLVLostDefinition
			}
		}
		if err := v.exits(ctx, st, q, o.By, vo.Values); err != nil {
			return nil, err
		}
	}
	v.Definitions = vocDefinitions(v)
	return v, nil
}

// completeness returns whether period i is complete: the data (orders or survey answers,
// whichever reach further) run to its end or past it, or the window ends after it (the rule
// analysis.Run applies to the last period). A store of surveys alone has no order span; its
// periods are judged by the answers' own.
func completeness(ctx context.Context, st fidelis.Store, o Options) (func(int64) bool, error) {
	_, last, err := st.Span(ctx)
	if err != nil {
		return nil, err
	}
	_, lastAnswer, err := st.SurveySpan(ctx)
	if err != nil {
		return nil, err
	}
	if lastAnswer.After(last) {
		last = lastAnswer
	}
	end := last.Truncate(24 * time.Hour).Add(24 * time.Hour)
	if !o.To.IsZero() && o.To.Before(end) {
		end = o.To
	}
	return func(i int64) bool { return !last.IsZero() && !o.Grain.Start(i+1).After(end) }, nil
}

func isKind(c fidelis.ScoreCell, k string) bool {
	return strings.EqualFold(strings.TrimSpace(c.Kind), k)
}

// npsScore returns the 0–10 score of an NPS answer, or false when its scale is not 0-10 (an
// empty scale is taken as 0-10) or the score is not an integer in 0..10.
func npsScore(c fidelis.ScoreCell) (int, bool) {
	if c.Scale != "" {
		if s, err := voc.ParseScale(c.Scale); err != nil || s != (voc.Scale{Min: 0, Max: 10}) {
			return 0, false
		}
	}
	if _, err := voc.NPSClass(c.Score); err != nil {
		return 0, false
	}
	return int(c.Score), true
}

func (v *VoC) scores(cells []fidelis.ScoreCell, complete func(int64) bool, label func(int64) string) {
	type ks struct{ k, s string }
	resp := map[ks]int64{}
	var bad int64
	for _, c := range cells {
		resp[ks{strings.ToLower(c.Kind), c.Scale}] += c.Count
		if isKind(c, "nps") {
			if _, ok := npsScore(c); !ok {
				bad += c.Count
			}
		}
	}
	for k, n := range resp {
		v.Responses = append(v.Responses, KindCount{Kind: k.k, Scale: k.s, N: n})
	}
	sort.Slice(v.Responses, func(i, j int) bool {
		if v.Responses[i].Kind != v.Responses[j].Kind {
			return v.Responses[i].Kind < v.Responses[j].Kind
		}
		return v.Responses[i].Scale < v.Responses[j].Scale
	})
	if bad > 0 {
		v.warn("%d NPS answers not on the 0-10 scale or not whole numbers were left out", bad)
	}
	all := npsGroups(cells, func(fidelis.ScoreCell) string { return "" }, complete, label)
	if len(all) == 1 {
		v.NPS, v.NPSPeriods = all[0].NPS, all[0].Periods
	}
	v.NPSChange = lastChange(cells, complete, label)
	v.NPSChannels = npsBreakdown(cells, func(c fidelis.ScoreCell) string {
		if c.Channel == "" {
			return "(none)"
		}
		return c.Channel
	}, complete, label)
	for i := range v.NPSChannels {
		v.NPSChannels[i].Periods = nil
	}
	var small []string
	for _, p := range v.NPSPeriods {
		if p.Complete && p.NPS.Small {
			small = append(small, p.Period)
		}
	}
	if len(small) > 0 {
		v.warn("NPS of %d complete period(s) rests on fewer than %d answers, so its interval is wide: %s",
			len(small), metric.SmallSample, strings.Join(small, ", "))
	}
	v.CSAT, v.CSATPeriods = scaleResults[voc.CSATResult](cells, "csat", label, v.warn, func(s voc.Scale, m map[int]int64) (any, error) { return voc.CSATMap(s, m) })
	v.CES, v.CESPeriods = scaleResults[voc.CESResult](cells, "ces", label, v.warn, func(s voc.Scale, m map[int]int64) (any, error) { return voc.CESMap(s, m) })
}

// npsBreakdown is npsGroups for a breakdown: nil when the answers fall in fewer than two groups,
// where "difference from the rest" has no rest and the one row repeats the overall NPS.
func npsBreakdown(cells []fidelis.ScoreCell, key func(fidelis.ScoreCell) string, complete func(int64) bool, label func(int64) string) []NPSGroup {
	if gs := npsGroups(cells, key, complete, label); len(gs) >= 2 {
		return gs
	}
	return nil
}

// npsGroups returns the NPS of each group (key of a cell) over all periods with its trend and its
// comparison with the other groups' respondents.
func npsGroups(cells []fidelis.ScoreCell, key func(fidelis.ScoreCell) string, complete func(int64) bool, label func(int64) string) []NPSGroup {
	tot := map[string]*voc.NPSCounts{}
	per := map[string]map[int64]*voc.NPSCounts{}
	var all voc.NPSCounts
	for _, c := range cells {
		s, ok := npsScore(c)
		if !isKind(c, "nps") || !ok {
			continue
		}
		k := key(c)
		if tot[k] == nil {
			tot[k], per[k] = &voc.NPSCounts{}, map[int64]*voc.NPSCounts{}
		}
		if per[k][c.Period] == nil {
			per[k][c.Period] = &voc.NPSCounts{}
		}
		tot[k][s] += c.Count
		per[k][c.Period][s] += c.Count
		all[s] += c.Count
	}
	var out []NPSGroup
	for _, k := range sortedKeys(tot) {
		g := NPSGroup{Name: k}
		g.NPS, _ = voc.NPS(*tot[k])
		var rest voc.NPSCounts
		for s := range all {
			rest[s] = all[s] - tot[k][s]
		}
		g.VsRest = voc.CompareNPS(*tot[k], rest)
		ps := make([]int64, 0, len(per[k]))
		for p := range per[k] {
			ps = append(ps, p)
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		if len(ps) > 0 { // every period from the first to the last, empty ones included
			for p := ps[0]; p <= ps[len(ps)-1]; p++ {
				var c voc.NPSCounts
				if x := per[k][p]; x != nil {
					c = *x
				}
				r, _ := voc.NPS(c)
				g.Periods = append(g.Periods, NPSPeriod{Period: label(p), Complete: complete(p), NPS: r})
			}
		}
		out = append(out, g)
	}
	return out
}

// lastChange compares the last two complete periods that have NPS answers.
func lastChange(cells []fidelis.ScoreCell, complete func(int64) bool, label func(int64) string) *NPSChange {
	per := map[int64]*voc.NPSCounts{}
	for _, c := range cells {
		if s, ok := npsScore(c); ok && isKind(c, "nps") && complete(c.Period) {
			if per[c.Period] == nil {
				per[c.Period] = &voc.NPSCounts{}
			}
			per[c.Period][s] += c.Count
		}
	}
	ps := make([]int64, 0, len(per))
	for p := range per {
		ps = append(ps, p)
	}
	if len(ps) < 2 {
		return nil
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	a, b := ps[len(ps)-1], ps[len(ps)-2]
	return &NPSChange{From: label(b), To: label(a), Diff: voc.CompareNPS(*per[a], *per[b])}
}

// scaleResults scores one kind (csat or ces) per scale overall and per period per scale. Answers
// whose scale is missing or unsupported, or whose score is off the scale, are left out with a
// warning: a scale is never guessed.
func scaleResults[T any](cells []fidelis.ScoreCell, kind string, label func(int64) string, warn func(string, ...any),
	score func(voc.Scale, map[int]int64) (any, error)) ([]T, []ScalePeriod) {
	type key struct {
		scale  voc.Scale
		period int64
	}
	tot := map[voc.Scale]map[int]int64{}
	per := map[key]map[int]int64{}
	var bad int64
	for _, c := range cells {
		if !isKind(c, kind) {
			continue
		}
		s, err := voc.ParseScale(c.Scale)
		if err != nil || c.Score != math.Trunc(c.Score) || c.Score < float64(s.Min) || c.Score > float64(s.Max) {
			bad += c.Count
			continue
		}
		if tot[s] == nil {
			tot[s] = map[int]int64{}
		}
		k := key{s, c.Period}
		if per[k] == nil {
			per[k] = map[int]int64{}
		}
		tot[s][int(c.Score)] += c.Count
		per[k][int(c.Score)] += c.Count
	}
	scales := make([]voc.Scale, 0, len(tot))
	for s := range tot {
		scales = append(scales, s)
	}
	sort.Slice(scales, func(i, j int) bool {
		return scales[i].Min < scales[j].Min || scales[i].Min == scales[j].Min && scales[i].Max < scales[j].Max
	})
	var out []T
	for _, s := range scales {
		r, err := score(s, tot[s])
		if err != nil {
			warn("%s on %s: %v", strings.ToUpper(kind), s.String(), err.Error())
			continue
		}
		out = append(out, r.(T))
	}
	keys := make([]key, 0, len(per))
	for k := range per {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].scale != keys[j].scale {
			return keys[i].scale.Min < keys[j].scale.Min || keys[i].scale.Min == keys[j].scale.Min && keys[i].scale.Max < keys[j].scale.Max
		}
		return keys[i].period < keys[j].period
	})
	var ps []ScalePeriod
	for _, k := range keys {
		if r, err := score(k.scale, per[k]); err == nil {
			ps = append(ps, ScalePeriod{Period: label(k.period), Result: r})
		}
	}
	if bad > 0 {
		warn("%d %s answers with a missing or unsupported scale, or off their scale, were left out", bad, strings.ToUpper(kind))
	}
	return out, ps
}

// indices computes the composite indices from the customers' latest answers to their items.
func (v *VoC) indices(ctx context.Context, ss fidelis.SurveyStore, q fidelis.Query, by string, vo VoCOptions) error {
	cfgs := []struct {
		key string
		cfg voc.IndexConfig
	}{{"advocacy", vo.Config.Advocacy}, {"emotional", vo.Config.Emotional}}
	kindSet := map[string]bool{}
	for _, c := range cfgs {
		for _, it := range c.cfg.Items {
			kindSet[it.Name] = true
			for _, k := range vo.ItemKinds[it.Name] {
				kindSet[k] = true
			}
		}
	}
	qq := q
	qq.By = by
	pats, err := ss.SurveyItems(ctx, qq, sortedKeys(kindSet))
	if err != nil {
		return err
	}
	for _, c := range cfgs {
		base, err := voc.ComputeIndex(c.cfg, nil)
		if err != nil {
			return err
		}
		ix := Index{Key: c.key, Name: base.Name, Definition: base.Definition}
		type acc struct {
			n       int64
			s, s2   float64
			include bool
		}
		total, segs := &acc{}, map[string]*acc{}
		answered := make([]int64, len(c.cfg.Items))
		for _, p := range pats {
			got := map[string]float64{}
			touched := false
			for i, it := range c.cfg.Items {
				kinds := append([]string{it.Name}, vo.ItemKinds[it.Name]...)
				want, _ := voc.ParseScale(it.Scale)
			kindLoop:
				for _, k := range kinds {
					for _, a := range p.Answers {
						if !strings.EqualFold(a.Kind, k) {
							continue
						}
						touched = true
						if s, err := voc.ParseScale(a.Scale); err != nil || s != want {
							ix.ScaleMismatch += p.Customers
							continue
						}
						if _, err := voc.Rescale(want, a.Score); err != nil {
							// Off its scale or not whole (stored before import checked scales):
							// left out and counted, so one bad row never fails the whole store.
							ix.OffScale += p.Customers
							continue
						}
						got[it.Name] = a.Score
						answered[i] += p.Customers
						break kindLoop
					}
				}
			}
			if !touched {
				continue
			}
			val, _, ok, err := c.cfg.Score(got)
			if err != nil {
				ix.OffScale += p.Customers
				continue
			}
			if !ok {
				ix.Excluded += p.Customers
				continue
			}
			w := float64(p.Customers)
			for _, a := range []*acc{total, segs[p.Segment]} {
				if a == nil {
					a = &acc{}
					segs[p.Segment] = a
				}
				a.n += p.Customers
				a.s += w * val
				a.s2 += w * val * val
			}
		}
		for i, it := range c.cfg.Items {
			ix.Items = append(ix.Items, IndexItem{Item: it, Kinds: append([]string{it.Name}, vo.ItemKinds[it.Name]...), Answered: answered[i]})
		}
		ix.Included = total.n
		ix.Mean = voc.MeanT(total.n, total.s, total.s2)
		if by != "" {
			for _, s := range sortedKeys(segs) {
				a := segs[s]
				ix.Segments = append(ix.Segments, IndexSegment{Segment: s, Mean: voc.MeanT(a.n, a.s, a.s2)})
			}
		}
		if ix.Included == 0 {
			names := make([]string, len(c.cfg.Items))
			for i, it := range c.cfg.Items {
				names[i] = fmt.Sprintf("%s (%s)", it.Name, it.Scale)
			}
			ix.Note = "not computed: no customer answered enough of its items " + strings.Join(names, ", ") +
				" on their scales; map your survey kinds to the items with an index config file (fidelis voc --index-config FILE)"
			var unused []string
			for _, r := range v.Responses {
				if !kindSet[r.Kind] && r.Kind != "ces" {
					unused = append(unused, r.Kind+" ("+r.Scale+")")
				}
			}
			if len(unused) > 0 {
				ix.Note += "; survey kinds no index reads: " + strings.Join(unused, ", ")
			}
		}
		if ix.ScaleMismatch > 0 {
			v.warn("%s: %d answers on another scale than the item's were left out", ix.Name, ix.ScaleMismatch)
		}
		if ix.OffScale > 0 {
			v.warn("%s: %d answers off their scale or not whole numbers were left out", ix.Name, ix.OffScale)
		}
		v.Indices = append(v.Indices, ix)
	}
	return nil
}

// comments runs the driver analysis (NPS detractors vs promoters, overall and per language) and
// counts the themes.
func (v *VoC) comments(ctx context.Context, ss fidelis.SurveyStore, q fidelis.Query, vo VoCOptions) error {
	cs, err := ss.SurveyComments(ctx, q, vo.CommentLimit)
	if err != nil {
		return err
	}
	v.Comments = len(cs)
	if len(cs) == 0 {
		return nil
	}
	if vo.CommentLimit > 0 && len(cs) == vo.CommentLimit {
		v.warn("comments: only the newest %d were analysed", vo.CommentLimit)
	}
	all := make([]voc.Comment, 0, len(cs))
	byLang := map[string][]voc.Comment{}
	for i := len(cs) - 1; i >= 0; i-- { // oldest first
		c := cs[i]
		vc := voc.Comment{ID: c.ID, Customer: c.Customer, Text: c.Text, Lang: voc.Language(strings.ToLower(strings.TrimSpace(c.Language))), Time: c.Time}
		if sc := (fidelis.ScoreCell{Kind: c.Kind, Scale: c.Scale, Score: c.Score}); isKind(sc, "nps") {
			if _, ok := npsScore(sc); ok {
				s := c.Score
				vc.Score = &s
				byLang[string(vc.Lang)] = append(byLang[string(vc.Lang)], vc)
			}
		}
		all = append(all, vc)
	}
	var scored []voc.Comment
	for _, c := range all {
		if c.Score != nil {
			scored = append(scored, c)
		}
	}
	if len(scored) > 0 {
		r, _, err := voc.NPSDrivers(scored, voc.DefaultDriverOptions())
		if err != nil {
			return err
		}
		v.Drivers = &r
		for _, l := range sortedKeys(byLang) {
			if len(byLang[l]) < vo.MinLanguageComments || len(byLang) < 2 {
				continue
			}
			r, _, err := voc.NPSDrivers(byLang[l], voc.DefaultDriverOptions())
			if err != nil {
				return err
			}
			name := l
			if name == "" {
				name = "(unlabelled)"
			}
			v.DriversByLanguage = append(v.DriversByLanguage, LanguageDrivers{Language: name, Drivers: r})
		}
	}
	themes := vo.Themes
	if themes == nil {
		themes = DefaultThemes()
	}
	g := v.Grain
	v.Themes, err = voc.Themes(all, themes, func(t time.Time) string { return g.Label(g.Index(t)) })
	for i := range v.Themes {
		v.Themes[i].DetractorCustomersList = ThemeDetractorsList(v.Themes[i].Name)
	}
	return err
}

// ThemeDetractors returns, sorted, the customers whose detractor comments in the window
// mention the theme (voc.ThemeResult.Detractors), and whether the analysis has the theme.
func (v *VoC) ThemeDetractors(theme string) ([]string, bool) {
	if v == nil {
		return nil, false
	}
	for _, t := range v.Themes {
		if t.Name == theme {
			return t.Detractors, true
		}
	}
	return nil, false
}

// exits tabulates exit reasons by count and revenue to date, and compares defectors with loyal
// customers.
func (v *VoC) exits(ctx context.Context, ss fidelis.SurveyStore, q fidelis.Query, by string, values map[string]float64) error {
	qq := q
	qq.By = by
	recs, err := ss.ExitRecords(ctx, qq)
	if err != nil {
		return err
	}
	ex := make([]voc.Exit, len(recs))
	for i, r := range recs {
		clv, ok := values[r.Customer]
		if !ok {
			clv = math.NaN()
		}
		ex[i] = voc.Exit{Customer: r.Customer, Time: r.Time, Reason: r.Reason, Segment: r.Segment, Revenue: r.Revenue, CLV: clv}
	}
	g := v.Grain
	rep, err := voc.ExitReasons(ex, func(t time.Time) string { return g.Label(g.Index(t)) })
	if err != nil {
		return err
	}
	if values == nil {
		// No CLV is known: a ranking by CLV lost would be a ranking of zeros.
		rep.All.ByCLV = nil
		for _, gs := range [][]voc.GroupedReason{rep.Segments, rep.Periods} {
			for i := range gs {
				gs[i].Table.ByCLV = nil
			}
		}
	}
	if by == "" {
		rep.Segments = nil
	}
	v.Exits = &rep
	if len(q.Segment) > 0 { // the profiles are read from every customer: not the segment's
		return nil
	}
	pc, err := ss.DefectorProfiles(ctx, q)
	if err != nil {
		return err
	}
	if pc.Defectors == 0 || pc.Loyal == 0 {
		v.warn("defector profiles need both groups: %d defectors, %d loyal customers", pc.Defectors, pc.Loyal)
		return nil
	}
	eff, err := voc.CompareProfiles(profilesFromCounts(pc), 0.05)
	if err != nil {
		return err
	}
	v.Defection = &Defection{AsOf: pc.AsOf, Defectors: pc.Defectors, Loyal: pc.Loyal, Effects: eff}
	return nil
}

// profilesFromCounts builds Defectors + Loyal profiles whose per-attribute value counts equal
// the store's cells and its behaviour counts in voc's bands exactly. voc.CompareProfiles tests each attribute value on its own 2×2 table
// (group × has the value), so only these marginal counts matter, not which customer holds which
// combination: customer j of a group gets, for each attribute, the value whose cumulative count
// range contains j, and no value (Missing) past the end. Profiles with equal values share one map,
// so memory grows with the number of customers by one small struct each.
func profilesFromCounts(pc fidelis.ProfileCounts) []voc.Profile {
	out := make([]voc.Profile, 0, pc.Defectors+pc.Loyal)
	for _, def := range []bool{true, false} {
		n := pc.Loyal
		if def {
			n = pc.Defectors
		}
		type run struct {
			value string
			end   int64
		}
		runs := map[string][]run{}
		var cuts []int64
		for _, c := range append(slices.Clone(pc.Cells), voc.BehaviourCells(pc.Behaviours)...) {
			if c.Defector != def {
				continue
			}
			rs := runs[c.Attribute]
			end := c.Customers
			if len(rs) > 0 {
				end += rs[len(rs)-1].end
			}
			runs[c.Attribute] = append(rs, run{c.Value, end})
			cuts = append(cuts, end)
		}
		cuts = append(cuts, n)
		sort.Slice(cuts, func(i, j int) bool { return cuts[i] < cuts[j] })
		var start int64
		for _, cut := range cuts {
			if cut <= start {
				continue
			}
			attrs := map[string]string{}
			for a, rs := range runs {
				for _, r := range rs {
					if start < r.end {
						attrs[a] = r.value
						break
					}
				}
			}
			for j := start; j < min(cut, n); j++ {
				out = append(out, voc.Profile{Defector: def, Attrs: attrs})
			}
			start = cut
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func vocDefinitions(v *VoC) []Definition {
	d := []Definition{
		{Name: "NPS", Text: "% promoters (9–10) − % detractors (0–6) of answers to the 0–10 likelihood-to-recommend question (kind nps), passives (7–8) in the denominator; 95% adjusted-Wald interval (Rocks 2016, The American Statistician 70(4)). Changes and group differences: z = (NPS'₁ − NPS'₂)/√(SE₁² + SE₂²), significant at p < 0.05."},
		{Name: "CSAT", Text: "share of answers in the top box of their scale × 100 (1–3: 3; 1–5: 4–5; 1–7: 5–7; 1–10 and 0–10: 8–10), Wilson interval; mean answer with a t interval; scales are never mixed. Not comparable with the ACSI."},
		{Name: "CES", Text: "Customer Effort Score 2.0: mean agreement that the company made it easy (1–7, or 1–5) with a t interval, and the share answering easy (5–7 on 1–7, 4–5 on 1–5) with a Wilson interval."},
		{Name: "Composite indices", Text: "Fidelis definitions, no industry standard: each customer's latest answer to each item rescaled to 0–100, weighted mean over answered items (customers answering under the minimum weight share are excluded); population mean with a t interval."},
		{Name: "Comment drivers", Text: "words and phrases over-represented in detractors' versus promoters' comments by weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, Political Analysis 16(4)); z > 1.96 is conventionally significant."},
		{Name: "Theme sentiment", Text: "the NPS of the scored comments that mention a theme (a proxy from the scores, not text sentiment)."},
		{Name: "Exit reasons", Text: "exits by reason, ranked by count and by net revenue to the exit (revenue lost to date); CLV lost " + v.CLV + ".",
			Msg: fidelis.M("exits by reason, ranked by count and by net revenue to the exit (revenue lost to date); CLV lost %s.", fidelis.M(v.CLV))},
		{Name: "Defector profiles", Text: "defectors (an exit record in the window) against loyal customers (no exit record, a purchase within the activity window ending at the last order): share with each attribute value, two-proportion z or Fisher exact test, Benjamini–Hochberg q-values across all values."},
	}
	return d
}

// warn records a warning, in English and as a message for translated reports.
func (v *VoC) warn(key string, args ...any) {
	m := fidelis.M(key, args...)
	v.Warnings = append(v.Warnings, m.String())
	v.WarningMsgs = append(v.WarningMsgs, m)
}
