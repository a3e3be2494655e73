package churn

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync/atomic"
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

// StoreRows reads a store's churn rows into memory, the RowSource of a backtest. A backtest asks
// for later cut-offs in turn, each with about as many customers as the one before or more, so
// each read starts with room for the previous one's count and an eighth more. Rows past that
// room go to chunks of chunkRows, copied once into a slice of the exact length at the end: on the
// 1M store a later cut-off has up to 15% more customers than the one before, and the first read
// has no count to go by, so growing one slice by doubling copied ~300 MB of rows over and over
// (7 CPU-s of the report's churn section) and left up to twice the rows' size allocated.
func StoreRows(cs fidelis.ChurnStore) RowSource {
	var hint atomic.Int64
	return func(ctx context.Context, asOf, until time.Time) ([]fidelis.ChurnRow, error) {
		n := hint.Load()
		rows := make([]fidelis.ChurnRow, 0, n+n/8)
		var chunks [][]fidelis.ChurnRow
		err := cs.ChurnRows(ctx, asOf, until, func(r fidelis.ChurnRow) error {
			if len(rows) < cap(rows) {
				rows = append(rows, r)
				return nil
			}
			if k := len(chunks); k == 0 || len(chunks[k-1]) == chunkRows {
				chunks = append(chunks, make([]fidelis.ChurnRow, 0, chunkRows))
			}
			k := len(chunks) - 1
			chunks[k] = append(chunks[k], r)
			return nil
		})
		if chunks != nil {
			total := len(rows)
			for _, c := range chunks {
				total += len(c)
			}
			all := make([]fidelis.ChurnRow, 0, total)
			all = append(all, rows...)
			rows = nil
			for i, c := range chunks {
				all = append(all, c...)
				chunks[i] = nil
			}
			rows = all
		}
		hint.Store(int64(len(rows)))
		return rows, err
	}
}

// chunkRows is the size of the chunks StoreRows reads into past its first guess (~20 MB).
const chunkRows = 1 << 16

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
