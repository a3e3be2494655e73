// Package analysis runs the metric catalogue against a Store and gathers the results into one
// Analysis value, which the CLI prints and package report renders. Each section is filled by its
// own function, so a later capability adds a field and a function here and a section in report.
package analysis

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"time"

	"fidelis"
	"fidelis/metric"
)

// Options choose what an analysis covers.
type Options struct {
	Grain    fidelis.Grain
	From, To time.Time
	By       string // breakdown dimension; "" for none
	Window   int    // activity window in periods; 0 for the grain's default
	Currency string // for display only
	// Segment keeps only the customers with every one of these attribute values.
	Segment []fidelis.AttrValue
	// Core computes only the core metrics: no registered sections, no actions (benchmarks and
	// commands that need nothing else).
	Core bool
	// Only, when not nil, limits the registered sections to those named (and leaves out the
	// actions, which need them all).
	Only []string
	// Progress, when set, is told when each section starts, so a command can show where a long
	// analysis is.
	Progress func(section string)
	// Insight configures the "insight" step (benchmarks, goals). It travels with each Run, so
	// analyses with different settings run at once.
	Insight InsightConfig
}

// Analysis is everything Fidelis computed for one store.
type Analysis struct {
	Generated time.Time     `json:"generated"`
	Grain     fidelis.Grain `json:"grain"`
	Window    int           `json:"activity_window_periods"`
	By        string        `json:"by,omitempty"`
	// Segment is the filter the analysis ran under: only these customers' records count.
	Segment  []fidelis.AttrValue    `json:"segment,omitempty"`
	Currency string                 `json:"currency,omitempty"`
	Counts   map[fidelis.Kind]int64 `json:"counts"`
	First    time.Time              `json:"first_order"`
	Last     time.Time              `json:"last_order"`
	// LastComplete says whether the last period of the data is over (its last day has orders);
	// otherwise figures for it are flagged as incomplete.
	LastComplete bool `json:"last_period_complete"`

	Retention   []metric.Retention   `json:"retention"`
	RetentionBy []metric.Retention   `json:"retention_by,omitempty"`
	Overall     metric.Proportion    `json:"retention_pooled"`
	Cohorts     *metric.CohortMatrix `json:"cohorts,omitempty"`
	Purchases   metric.Purchases     `json:"purchases"`
	PurchasesBy []metric.Purchases   `json:"purchases_by,omitempty"`
	Value       metric.Value         `json:"value"`
	ValueBy     []metric.Value       `json:"value_by,omitempty"`
	// Subscriptions is nil when no subscriptions were imported.
	Subscriptions []metric.Subscription `json:"subscriptions,omitempty"`
	Definitions   []Definition          `json:"definitions"`
	// Sections holds what later capabilities add (voice of the customer, advocacy, models, ...),
	// keyed by the name they registered with; see Register.
	Sections map[string]any `json:"sections,omitempty"`
	// Notes records sections that could not be computed and why (e.g. no surveys imported).
	Notes []string `json:"notes,omitempty"`
	// Actions is the prioritised action list, ranked by money at stake.
	Actions []Action `json:"actions,omitempty"`
	// Quality is what in the store could mislead the figures (see DataQuality).
	Quality *DataQuality `json:"data_quality,omitempty"`

	forecast *Forecast // the models section's per-customer forecast, for the actions
}

// Step computes one optional section of an analysis. It returns nil (and no error) when the
// store holds nothing for it; it may read the core figures already in a.
type Step func(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (any, error)

type step struct {
	name string
	run  Step
}

var steps []step

// Register adds a section computed after the core metrics, in registration order. Each capability
// registers from an init function in its own file, so adding one touches no shared code.
func Register(name string, run Step) { steps = append(steps, step{name, run}) }

// Section returns the section registered under name, typed, or nil when it is absent.
func Section[T any](a *Analysis, name string) *T {
	v, _ := a.Sections[name].(*T)
	return v
}

// Definition states what a number on screen means; every output lists the ones it uses.
type Definition struct {
	Name, Text string
	// Msg, when set, is Text as a message with arguments (for translated reports); otherwise
	// Text is its own message key.
	Msg fidelis.Msg `json:"-"`
}

// Basics returns an Analysis with only the store's counts, order span and the options filled in:
// enough for commands that need the data's time frame but not the metrics.
func Basics(ctx context.Context, st fidelis.Store, o Options) (*Analysis, error) {
	a, err := frame(ctx, st, o)
	if err == nil && a.Counts[fidelis.Orders] == 0 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "the store has no orders to analyse").
			WithHint("fidelis import orders FILE --db PATH (or fidelis demo)")
	}
	return a, err
}

// RunSection computes only the registered section name (with the counts and order span it
// needs), for commands that show one section; the result is in a.Sections[name] (absent when the
// store has nothing for it). Unlike Run it needs no orders.
func RunSection(ctx context.Context, st fidelis.Store, o Options, name string) (*Analysis, error) {
	a, err := frame(ctx, st, o)
	if err != nil {
		return nil, err
	}
	o.Only = []string{name}
	return a, runSteps(ctx, newShared(st), o, a)
}

// query is the store query of o's window, grain, activity window and segment.
func (o Options) query() fidelis.Query {
	return fidelis.Query{Grain: o.Grain, From: o.From, To: o.To, Window: o.Window, Segment: o.Segment}
}

// frame fills the options, the store's counts and the order span.
func frame(ctx context.Context, st fidelis.Store, o Options) (*Analysis, error) {
	if o.Grain == "" {
		o.Grain = fidelis.Month
	}
	q := o.query()
	a := &Analysis{Generated: time.Now().UTC(), Grain: o.Grain, Window: q.ActivityWindow(), By: o.By, Segment: o.Segment, Currency: o.Currency}
	var err error
	if a.Counts, err = st.Counts(ctx); err != nil {
		return nil, err
	}
	if a.First, a.Last, err = st.Span(ctx); err != nil {
		return nil, err
	}
	if err := fidelis.CheckPeriods(o.Grain, a.First, a.Last, o.From, o.To); err != nil {
		return nil, err
	}
	if err := dataQuality(ctx, st, o, a); err != nil {
		return nil, err
	}
	if !a.Last.IsZero() {
		lastIdx := o.Grain.Index(a.Last)
		a.LastComplete = !o.Grain.Start(lastIdx + 1).After(a.Last.Truncate(24 * time.Hour).Add(24 * time.Hour))
	}
	if !o.To.IsZero() && o.To.Before(a.Last) {
		a.LastComplete = true
	}
	return a, nil
}

// Run computes the core analysis and every registered section.
func Run(ctx context.Context, st fidelis.Store, o Options) (*Analysis, error) {
	if o.Grain == "" {
		o.Grain = fidelis.Month
	}
	st = newShared(st) // queries several sections ask alike run once (see shared)
	q := o.query()
	a, err := Basics(ctx, st, o)
	if err != nil {
		return nil, err
	}
	lastIdx := o.Grain.Index(a.Last)
	if !o.To.IsZero() && o.To.Before(a.Last) {
		lastIdx = o.Grain.Index(o.To.Add(-time.Nanosecond))
	}

	cells, err := st.Activity(ctx, q)
	if err != nil {
		return nil, err
	}
	a.Retention = dropFirst(metric.Retentions(cells, o.Grain))
	linkRetention(a.Retention, false)
	a.Overall = metric.Pool(a.Retention)

	cc, err := st.Cohorts(ctx, q)
	if err != nil {
		return nil, err
	}
	if m := metric.Cohorts(cc, o.Grain, lastIdx, a.LastComplete); len(m) > 0 {
		LinkCohorts(m[:1], false)
		a.Cohorts = &m[0]
	}
	pc, err := st.Purchases(ctx, q)
	if err != nil {
		return nil, err
	}
	a.Purchases = metric.PurchaseMetrics([]fidelis.PurchaseCell{metric.TotalPurchases(pc)})[0]
	vc, err := st.Values(ctx, q, metric.ValueProbs)
	if err != nil {
		return nil, err
	}
	if v := metric.Values(vc); len(v) > 0 {
		a.Value = v[0]
	}
	if a.Counts[fidelis.Subscriptions] > 0 {
		sc, err := st.SubscriptionMovements(ctx, q)
		if err != nil {
			return nil, err
		}
		a.Subscriptions = metric.Subscriptions(sc, o.Grain)
	}
	if o.By != "" {
		qb := q
		qb.By = o.By
		if cells, err = st.Activity(ctx, qb); err != nil {
			return nil, err
		}
		a.RetentionBy = dropFirst(metric.Retentions(cells, o.Grain))
		linkRetention(a.RetentionBy, true)
		if pc, err = st.Purchases(ctx, qb); err != nil {
			return nil, err
		}
		a.PurchasesBy = metric.PurchaseMetrics(pc)
		if vc, err = st.Values(ctx, qb, metric.ValueProbs); err != nil {
			return nil, err
		}
		a.ValueBy = metric.Values(vc)
	}
	a.Definitions = a.definitions()
	if o.Core {
		return a, nil
	}
	if err := runSteps(ctx, st, o, a); err != nil {
		return nil, err
	}
	if o.Only == nil {
		if o.Progress != nil {
			o.Progress("actions")
		}
		a.Actions = buildActions(ctx, st, a)
	}
	return a, nil
}

// runSteps computes the registered sections (those in o.Only when it is set) in order.
func runSteps(ctx context.Context, st fidelis.Store, o Options, a *Analysis) error {
	for _, s := range steps {
		if o.Only != nil && !slices.Contains(o.Only, s.name) {
			continue
		}
		if o.Progress != nil {
			o.Progress(s.name)
		}
		v, err := s.run(ctx, st, o, a)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		if v != nil && !reflect.ValueOf(v).IsNil() {
			if a.Sections == nil {
				a.Sections = map[string]any{}
			}
			a.Sections[s.name] = v
		}
	}
	return nil
}

// dropFirst removes periods nobody could be retained into (S = 0): each segment's first period.
func dropFirst(rs []metric.Retention) []metric.Retention {
	out := rs[:0:0]
	for _, r := range rs {
		if r.Start > 0 {
			out = append(out, r)
		}
	}
	return out
}

// RetentionBySegment groups RetentionBy per segment, in order of appearance.
func (a *Analysis) RetentionBySegment() (segs []string, rows map[string][]metric.Retention) {
	rows = map[string][]metric.Retention{}
	for _, r := range a.RetentionBy {
		if _, ok := rows[r.Segment]; !ok {
			segs = append(segs, r.Segment)
		}
		rows[r.Segment] = append(rows[r.Segment], r)
	}
	return segs, rows
}

// Latest returns the last retention row whose period is complete, or the last row.
func (a *Analysis) Latest() (metric.Retention, bool) {
	n := len(a.Retention)
	if n == 0 {
		return metric.Retention{}, false
	}
	if !a.LastComplete && n > 1 {
		return a.Retention[n-2], true
	}
	return a.Retention[n-1], true
}

func (a *Analysis) windowText() string {
	unit := string(a.Grain)
	if a.Window != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s (about %.0f days)", a.Window, unit, math.Round(float64(a.Window)*a.Grain.Days()))
}

// GrainCount is "3 months" as a plural message.
func GrainCount(n int, g fidelis.Grain) fidelis.Msg {
	return fidelis.M("%d "+string(g)+"|%d "+string(g)+"s", n)
}

func (a *Analysis) definitions() []Definition {
	return []Definition{
		{Name: "Active customer", Text: "bought at least once in the activity window of " + a.windowText() + " ending with the period; refunds are not purchases.",
			Msg: fidelis.M("bought at least once in the activity window of %s (about %.0f days) ending with the period; refunds are not purchases.",
				GrainCount(a.Window, a.Grain), math.Round(float64(a.Window)*a.Grain.Days()))},
		{Name: "Retention, classic", Text: "((E − N) / S) × 100: E customers active in the period, N new in it, S active in the previous period. Counts win-backs as retained; can exceed 100."},
		{Name: "Retention, ID-based", Text: "customers active in the previous period who are still active ÷ customers active in the previous period. Follows the same people; churn = 100% − this rate."},
		{Name: "Win-back rate", Text: "lapsed customers (bought before, not active in the previous period) who became active again ÷ lapsed customers."},
		{Name: "Cohort retention", Text: "cohort = customers whose first purchase is in the period. Bounded: bought in period c + k; unbounded: bought in c + k or later. Mean rows weight cohorts by size and include only cohorts that reached k."},
		{Name: "Repeat purchase rate", Text: "customers with ≥ 2 orders ÷ customers with ≥ 1 order, both inside the window."},
		{Name: "Historical CLV", Text: "net revenue to date per customer, refunds deducted."},
		{Name: "Intervals", Text: "95% Wilson score intervals; n < 30 is flagged as a small sample."},
	}
}
