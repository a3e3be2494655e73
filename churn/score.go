package churn

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"fidelis"
)

// Reason is one feature's push on a customer's risk: its value and its contribution to the
// log-odds of lapsing (positive: towards lapsing).
type Reason struct {
	Feature string `json:"feature"`
	// Label is the feature's English label; Msg the same as a message, for translation.
	Label        string      `json:"label"`
	Msg          fidelis.Msg `json:"-"`
	Key          string      `json:"key"`
	Level        string      `json:"level,omitempty"`
	Value        float64     `json:"value"`
	Contribution float64     `json:"contribution"`
}

// Customer is one customer's score as of the end of the data.
type Customer struct {
	Customer string `json:"customer_id"`
	// Risk is the winning method's probability of no purchase in the horizon (for bgnbd and
	// paretonbd: 1 − P(alive)).
	Risk     float64 `json:"risk"`
	GBDT     float64 `json:"p_lapse_gbdt"`
	Logistic float64 `json:"p_lapse_logistic"`
	PAlive   float64 `json:"p_alive_bgnbd"`
	Pareto   float64 `json:"p_alive_paretonbd"`
	Hiatus   bool    `json:"hiatus_lapsed"`
	Recency  float64 `json:"days_since_last_purchase"`
	Revenue  float64 `json:"revenue_to_date"`
	// Reasons are the (at most three) features pushing the trees' score most towards lapsing.
	Reasons []Reason `json:"reasons"`
}

// Importance is a feature's share of the trees' total split gain.
type Importance struct {
	Feature string      `json:"feature"`
	Label   string      `json:"label"`
	Msg     fidelis.Msg `json:"-"`
	Key     string      `json:"key"`
	Level   string      `json:"level,omitempty"`
	Share   float64     `json:"share"`
}

// Scoring is the final model, trained on the last complete outcome window, applied to every
// customer as of the end of the data.
type Scoring struct {
	AsOf       time.Time    `json:"as_of"`
	TrainAsOf  time.Time    `json:"train_as_of"`
	Method     string       `json:"method"`
	Importance []Importance `json:"importance"`
	// Notes say what is missing from the scores and why (a base model that failed its fit).
	Notes     []string     `json:"notes,omitempty"`
	NoteMsgs  fidelis.Msgs `json:"-"`
	Customers []Customer   `json:"-"`
	Model     *Model       `json:"-"`
}

// ScoreAll trains on rows as of end−H (outcomes in [end−H, end)) and scores every customer as of
// end with the given method's probability as Risk.
func ScoreAll(ctx context.Context, src RowSource, end time.Time, method string, o Options) (*Scoring, error) {
	return scoreAll(ctx, src, end, method, o, nil)
}

// scoreAll is ScoreAll, taking the training rows and their base models from last when it holds
// the rows as of end−H with outcomes up to end.
func scoreAll(ctx context.Context, src RowSource, end time.Time, method string, o Options, last *cutoffRows) (*Scoring, error) {
	o = o.withDefaults()
	progress(o, "final model")
	h := time.Duration(o.HorizonDays) * 24 * time.Hour
	var train []fidelis.ChurnRow
	var base BaseModels
	if last != nil && last.asOf.Equal(end.Add(-h)) && last.until.Equal(end) {
		train, base = last.rows, last.base
		*last = cutoffRows{} // the caller's copy must not keep the rows alive
	} else {
		progress(o, fmt.Sprintf("rows as of %s", end.Add(-h).Format(time.DateOnly)))
		var err error
		if train, err = src(ctx, end.Add(-h), end); err != nil {
			return nil, err
		}
	}
	y, _ := labels(train)
	if p, n := classes(y); len(train) < minTrain || min(p, n) < minClass {
		return nil, fidelis.Errorf(fidelis.EInvalid, "too few customers to train on as of %s: %d customers, %d lapsed, %d bought again (need %d, and %d of each)",
			end.Add(-h).Format(time.DateOnly), len(train), p, n, minTrain, minClass)
	}
	if base.memo == nil { // not fitted yet
		progress(o, "fitting the customer-base models")
		base = FitBase(ctx, train, false, o)
	}
	m, err := Train(ctx, train, base, o)
	if err != nil {
		return nil, err
	}
	train = nil
	progress(o, fmt.Sprintf("rows as of %s", end.Format(time.DateOnly)))
	rows, err := src(ctx, end, end)
	if err != nil {
		return nil, err
	}
	progress(o, "fitting the customer-base models")
	base = FitBase(ctx, rows, true, o)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	progress(o, fmt.Sprintf("scoring %d customers", len(rows)))
	x, sc := m.Score(rows, base)
	s := &Scoring{AsOf: end, TrainAsOf: end.Add(-h), Method: method, Model: m, Customers: make([]Customer, len(rows))}
	if m.BGNBDMissing.Key != "" {
		s.NoteMsgs = append(s.NoteMsgs, fidelis.M("%s on the training rows: the trees learned without the BG/NBD features", m.BGNBDMissing))
	}
	if base.bgErr != nil {
		s.NoteMsgs = append(s.NoteMsgs, fidelis.M("%s: p_alive_bgnbd is empty and the BG/NBD features are missing from every score", errMsg(base.bgErr)))
	}
	if base.paretoEr != nil {
		s.NoteMsgs = append(s.NoteMsgs, fidelis.M("%s: p_alive_paretonbd is empty", errMsg(base.paretoEr)))
	}
	for _, n := range s.NoteMsgs {
		s.Notes = append(s.Notes, n.String())
	}
	for f, v := range m.GBDT.Importance() {
		ft := m.Features[f]
		s.Importance = append(s.Importance, Importance{Feature: ft.Name(), Label: ft.Msg().String(), Msg: ft.Msg(), Key: ft.Key, Level: ft.Level, Share: v})
	}
	slices.SortStableFunc(s.Importance, func(a, b Importance) int { return cmp.Compare(b.Share, a.Share) })
	// Reasons in blocks of rows (see GBDT.contributionsBlock): 512 rows × ~70 features of
	// contributions is under 300 kB per goroutine.
	const block = 512
	p := len(m.Features)
	tmpl := reasonTemplates(m.Features)
	pt := m.GBDT.perfectTrees()
	parallel(len(rows), func(lo, hi int) {
		contrib := make([]float64, block*p)
		for b := lo; b < hi; b += block {
			e := min(hi, b+block)
			m.GBDT.contributionsBlock(pt, x, b, e, contrib)
			for i := b; i < e; i++ {
				r, c := rows[i], sc[i]
				cu := Customer{Customer: r.Customer, GBDT: c.GBDT, Logistic: c.Logistic, PAlive: c.PAlive, Pareto: c.PAlivePareto,
					Hiatus: r.T-r.Tx >= m.Hiatus, Recency: r.T - r.Tx, Revenue: r.Revenue}
				switch method {
				case MethodLogistic:
					cu.Risk = c.Logistic
				case MethodBGNBD:
					cu.Risk = 1 - c.PAlive
				case MethodPareto:
					cu.Risk = 1 - c.PAlivePareto
				case MethodHiatus:
					cu.Risk = c.Hiatus
				default:
					cu.Risk = c.GBDT
				}
				cu.Reasons = topReasons(tmpl, x, i, contrib[(i-b)*p:(i-b+1)*p], 3)
				s.Customers[i] = cu
			}
		}
	})
	return s, nil
}

// StoreRows reads a store's churn rows into memory, the RowSource of a backtest. The rows of the
// cut-offs in plan (see Reads) come from one series (fidelis.ChurnStore.ChurnSeries), opened at
// the first of them: the store reads the orders' purchase days once for all. Any other cut-off
// is a series of its own. The series returns each cut-off's rows in one slice of the exact
// length (growing a slice by doubling copied ~300 MB of rows over and over at a million
// customers).
func StoreRows(cs fidelis.ChurnStore, plan []fidelis.ChurnCut) RowSource {
	var series fidelis.ChurnSeries
	return func(ctx context.Context, asOf, until time.Time) ([]fidelis.ChurnRow, error) {
		k := slices.IndexFunc(plan, func(c fidelis.ChurnCut) bool { return c.AsOf.Equal(asOf) && c.Until.Equal(until) })
		s := series
		switch {
		case k < 0:
			var err error
			if s, err = cs.ChurnSeries(ctx, []fidelis.ChurnCut{{AsOf: asOf, Until: until}}); err != nil {
				return nil, err
			}
			k = 0
		case s == nil:
			var err error
			if s, err = cs.ChurnSeries(ctx, plan); err != nil {
				return nil, err
			}
			series = s
			fallthrough
		default:
			if k == len(plan)-1 {
				series = nil // the plan's last read: its held days can go
			}
		}
		return s.Rows(ctx, k)
	}
}

// reasonTemplates are the features' reasons without a value: names, labels and messages made once
// and shared by every customer's reasons (made per reason, they were three million strings and
// messages at a million customers).
func reasonTemplates(fs []Feature) []Reason {
	out := make([]Reason, len(fs))
	for f, ft := range fs {
		out[f] = Reason{Feature: ft.Name(), Label: ft.Msg().String(), Msg: ft.Msg(), Key: ft.Key, Level: ft.Level}
	}
	return out
}

// topReasons returns the k features with the largest positive contributions (ties to the earlier
// feature), each from its template (see reasonTemplates) with its value and contribution.
func topReasons(tmpl []Reason, x *Matrix, i int, contrib []float64, k int) []Reason {
	top := make([]int, 0, k+1)
	for f, c := range contrib {
		if c <= 0 {
			continue
		}
		// Insert f after every kept feature with a contribution ≥ c (those came first).
		j := len(top)
		for j > 0 && contrib[top[j-1]] < c {
			j--
		}
		if j < k {
			top = slices.Insert(top, j, f)
			if len(top) > k {
				top = top[:k]
			}
		}
	}
	if len(top) == 0 {
		return nil
	}
	out := make([]Reason, len(top))
	for j, f := range top {
		out[j] = tmpl[f]
		out[j].Value, out[j].Contribution = float64(x.Cols[f][i]), contrib[f]
	}
	return out
}
