package btyd

import "math"

// MBGNBD is the modified BG/NBD model of Batislam, Denizel & Filiztekin (2007), "Empirical
// validation and comparison of models for customer base analysis", International Journal of
// Research in Marketing 24(3), 201–209.
//
// As BG/NBD, except that a customer may also drop out right after the first (trial) purchase, so a
// customer with no repeat purchase need not be alive. The likelihood of (x, t_x, T) is
//
//	L(r, α, a, b | x, t_x, T) = B(a, b+x+1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
//	                          + B(a+1, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x)),
//
// the second term present for every x (with t_x = 0 when x = 0).
type MBGNBD struct {
	R, Alpha, A, B float64
}

// MBGNBDNames are the MBG/NBD parameter names in [Result.Names] order.
var MBGNBDNames = []string{"r", "alpha", "a", "b"}

// Params returns the parameters in [MBGNBDNames] order.
func (m MBGNBD) Params() []float64 { return []float64{m.R, m.Alpha, m.A, m.B} }

// FitMBGNBD fits the MBG/NBD model by maximum likelihood to weighted rows.
func FitMBGNBD(rows []Row, opts *FitOptions) (MBGNBD, *Result, error) {
	if err := validateRows(rows); err != nil {
		return MBGNBD{}, nil, err
	}
	d := compileRows(rows)
	o := opts.withDefaults()
	pr := &problem{model: "mbgnbd", names: MBGNBDNames, n: totalWeight(rows), rows: len(rows), weights: d.w,
		build: func(w []float64) objective { return &bgnbdObj{d: d.withWeights(w), workers: o.Workers, mod: true} }}
	start, _ := coarseStart(rows, bgnbdStart(rows), o, false, func(sub []Row, so *FitOptions) (*Result, error) {
		_, r, err := FitMBGNBD(sub, so)
		return r, err
	})
	res, err := fit(pr, start, &o)
	if err != nil {
		return MBGNBD{}, nil, err
	}
	p := res.Params
	return MBGNBD{p[0], p[1], p[2], p[3]}, res, nil
}

// LogLik returns the total log-likelihood Σ weight × ln L of the rows.
func (m MBGNBD) LogLik(rows []Row) float64 {
	return (&bgnbdObj{d: compileRows(rows), workers: 1, mod: true}).eval(m.Params(), nil)
}

// PAlive is P(alive | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)) (Batislam et al. 2007).
func (m MBGNBD) PAlive(x, tx, T float64) float64 {
	if x == 0 {
		tx = 0
	}
	l := math.Log(m.A) - math.Log(m.B+x) + (m.R+x)*(math.Log(m.Alpha+T)-math.Log(m.Alpha+tx))
	return 1 / (1 + math.Exp(l))
}

// ExpectedPurchases is E[Y(t) | x, t_x, T] (Batislam et al. 2007):
//
//	E[Y(t)|…] = (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))]
//	            / (1 + a/(b+x) ((α+T)/(α+t_x))^(r+x)),
//
// with the bracket evaluated through Euler's transformation as for [BGNBD.ExpectedPurchases].
func (m MBGNBD) ExpectedPurchases(t, x, tx, T float64) float64 {
	return expectedPurchases(m, t, x, tx, T)
}

// activeExpected is the bracket of ExpectedPurchases: E[Y(t) | active at T, x, T].
func (m MBGNBD) activeExpected(t, x, T float64) float64 {
	return bgnbdBracket(m.R, m.Alpha, m.A, m.B, t, x, T, 1)
}

// ExpectedCumulative is E[X(t)] = b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))]: the BG/NBD
// expression with b+1 for b, times the probability b/(a+b) of surviving the trial purchase.
func (m MBGNBD) ExpectedCumulative(t float64) float64 {
	if t <= 0 {
		return 0
	}
	return m.B / (m.A + m.B) * bgnbdBracket(m.R, m.Alpha, m.A, m.B, t, 0, 0, 1)
}
