package btyd

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// GammaGamma is the Gamma-Gamma model of monetary value (Fader, Hardie & Lee 2005, "RFM and CLV:
// Using Iso-Value Curves for Customer Base Analysis", Journal of Marketing Research 42(4), 415–430;
// Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value").
//
// A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, so the mean
// z̄ of x transactions has, given p, q, γ, the density (Fader & Hardie 2013, eq. 4)
//
//	f(z̄ | p, q, γ, x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q z̄^(px−1) x^(px) / (γ + x z̄)^(px+q).
//
// Only customers with x ≥ 1 repeat purchases enter; the model assumes spend independent of
// frequency.
type GammaGamma struct {
	P, Q, Gamma float64
}

// GammaGammaNames are the Gamma-Gamma parameter names in [Result.Names] order.
var GammaGammaNames = []string{"p", "q", "gamma"}

// Params returns the parameters in [GammaGammaNames] order.
func (m GammaGamma) Params() []float64 { return []float64{m.P, m.Q, m.Gamma} }

// ggObj is the Gamma-Gamma log-likelihood over spend rows. The terms that depend on a row only
// through its x (Γ and digamma of px and px+q, log x) are computed once per distinct x per
// evaluation, and log z̄ once per row per fit: at a million customers there are some 600,000 rows
// but only a few hundred distinct x. Each row's term is the same expression of the same values as
// when everything was computed per row, summed in the same order, so the result is bit for bit
// the same.
type ggObj struct {
	rows []SpendRow
	w    []float64
	*ggTerms
}

// ggTerms are a fit's per-row constants, shared by every objective built for it.
type ggTerms struct {
	xs []float64 // the distinct x, in order of first appearance
	xi []int32   // rows[i].X is xs[xi[i]]
	lz []float64 // log z̄ of each row
}

func newGGTerms(rows []SpendRow) *ggTerms {
	t := &ggTerms{xi: make([]int32, len(rows)), lz: make([]float64, len(rows))}
	idx := map[float64]int32{}
	for i, r := range rows {
		j, ok := idx[r.X]
		if !ok {
			j = int32(len(t.xs))
			idx[r.X] = j
			t.xs = append(t.xs, r.X)
		}
		t.xi[i] = j
		t.lz[i] = math.Log(r.Mean)
	}
	return t
}

func newGGObj(rows []SpendRow, w []float64, t *ggTerms) *ggObj {
	if t == nil {
		t = newGGTerms(rows)
	}
	return &ggObj{rows: rows, w: w, ggTerms: t}
}

func (o *ggObj) eval(pp, grad []float64) float64 {
	p, q, g := pp[0], pp[1], pp[2]
	lgq, _ := math.Lgamma(q)
	psq := mathext.Digamma(q)
	lg := math.Log(g)
	// Per distinct x: px, log Γ(px+q) − log Γ(px), log x, and for the gradient ψ(px+q), ψ(px).
	type xTerms struct{ px, l1, l2, lx, d1, dpx float64 }
	xt := make([]xTerms, len(o.xs))
	for j, x := range o.xs {
		px := p * x
		l1, _ := math.Lgamma(px + q)
		l2, _ := math.Lgamma(px)
		xt[j] = xTerms{px: px, l1: l1, l2: l2, lx: math.Log(x)}
		if grad != nil {
			xt[j].d1, xt[j].dpx = mathext.Digamma(px+q), mathext.Digamma(px)
		}
	}
	var ll, gp, gq, gg float64
	for i, r := range o.rows {
		w := o.w[i]
		if w == 0 {
			continue
		}
		t := &xt[o.xi[i]]
		x, z := r.X, r.Mean
		px, l1, l2, lx := t.px, t.l1, t.l2, t.lx
		lz, lgx := o.lz[i], math.Log(g+x*z)
		ll += w * (l1 - l2 - lgq + q*lg + (px-1)*lz + px*lx - (px+q)*lgx)
		if grad != nil {
			d1 := t.d1
			gp += w * x * (d1 - t.dpx + lz + lx - lgx)
			gq += w * (d1 - psq + lg - lgx)
			gg += w * (q/g - (px+q)/(g+x*z))
		}
	}
	if grad != nil {
		grad[0], grad[1], grad[2] = gp, gq, gg
	}
	return ll
}

// FitGammaGamma fits the Gamma-Gamma spend model to (x, mean spend) rows with x ≥ 1 and spend > 0.
func FitGammaGamma(rows []SpendRow, opts *FitOptions) (GammaGamma, *Result, error) {
	if len(rows) == 0 {
		return GammaGamma{}, nil, errors.New("btyd: no customers with repeat purchases and positive spend")
	}
	var n, sm float64
	w := make([]float64, len(rows))
	for i, r := range rows {
		if !(r.X >= 1) || !(r.Mean > 0) || !finite(r.Mean) || !finite(r.X) || !(r.Weight >= 0) {
			return GammaGamma{}, nil, fmt.Errorf("btyd: spend row %d: need frequency ≥ 1 and a positive finite mean spend, got x=%v spend=%v weight=%v", i, r.X, r.Mean, r.Weight)
		}
		n += r.Weight
		sm += r.Weight * r.Mean
		w[i] = r.Weight
	}
	if n <= 0 {
		return GammaGamma{}, nil, errors.New("btyd: total weight is zero")
	}
	mean := sm / n
	terms := newGGTerms(rows)
	pr := &problem{model: "gammagamma", names: GammaGammaNames, n: n, rows: len(rows), weights: w,
		build: func(ww []float64) objective {
			if ww == nil {
				ww = w
			}
			return newGGObj(rows, ww, terms)
		}}
	// Start where E[spend] = pγ/(q−1) matches the sample mean.
	res, err := fit(pr, []float64{2, 3, mean}, opts)
	if err != nil {
		return GammaGamma{}, nil, err
	}
	p := res.Params
	return GammaGamma{p[0], p[1], p[2]}, res, nil
}

// LogLik returns the total log-likelihood of the rows.
func (m GammaGamma) LogLik(rows []SpendRow) float64 {
	w := make([]float64, len(rows))
	for i, r := range rows {
		w[i] = r.Weight
	}
	return newGGObj(rows, w, nil).eval(m.Params(), nil)
}

// ExpectedSpend is the conditional mean transaction value E[Z | z̄, x] (Fader & Hardie 2013, eq. 5):
//
//	E[Z | z̄, x] = p(γ + x z̄) / (px + q − 1),
//
// a weighted average of the population mean pγ/(q−1) and the customer's own mean z̄. It needs
// q > 1; for x = 0 it is the population mean. When q ≤ 1 the population mean is infinite and the
// customer's own mean z̄ is returned (0 for x = 0).
func (m GammaGamma) ExpectedSpend(x, mean float64) float64 {
	if x <= 0 {
		mean = 0
		x = 0
	}
	d := m.P*x + m.Q - 1
	if m.Q <= 1 || d <= 0 {
		return mean
	}
	return m.P * (m.Gamma + x*mean) / d
}

// PopulationMean is E[Z] = pγ/(q−1) (+Inf when q ≤ 1).
func (m GammaGamma) PopulationMean() float64 {
	if m.Q <= 1 {
		return math.Inf(1)
	}
	return m.P * m.Gamma / (m.Q - 1)
}
