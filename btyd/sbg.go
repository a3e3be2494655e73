package btyd

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// SBG is the shifted-beta-geometric contractual retention model of Fader & Hardie (2007), "How to
// project customer retention", Journal of Interactive Marketing 21(1), 76–90.
//
// Each customer renews at the end of every period with probability 1−θ, θ ~ Beta(α, β) across
// customers. The probability of churning at the end of period t and of surviving past t are (paper,
// eqs. 5 and 6)
//
//	P(T=t) = B(α+1, β+t−1) / B(α, β),   S(t) = B(α, β+t) / B(α, β),
//
// and a cohort of n_0 customers of which n_t remain after period t (t = 1..m) has the likelihood
//
//	LL(α, β) = Σ_{t=1}^{m} (n_{t−1} − n_t) ln P(T=t) + n_m ln S(m).
type SBG struct {
	Alpha, Beta float64
}

// SBGNames are the sBG parameter names in [Result.Names] order.
var SBGNames = []string{"alpha", "beta"}

// Params returns the parameters in [SBGNames] order.
func (m SBG) Params() []float64 { return []float64{m.Alpha, m.Beta} }

type sbgObj struct{ surv []float64 }

func (o *sbgObj) eval(p, grad []float64) float64 {
	a, b := p[0], p[1]
	lb0 := mathext.Lbeta(a, b)
	ca := mathext.Digamma(a) - mathext.Digamma(a+b)
	cb := mathext.Digamma(b) - mathext.Digamma(a+b)
	var ll, ga, gb float64
	m := len(o.surv) - 1
	for t := 1; t <= m; t++ {
		lost := o.surv[t-1] - o.surv[t]
		if lost == 0 {
			continue
		}
		ft := float64(t)
		ll += lost * (mathext.Lbeta(a+1, b+ft-1) - lb0)
		if grad != nil {
			d := mathext.Digamma(a + b + ft)
			ga += lost * (mathext.Digamma(a+1) - d - ca)
			gb += lost * (mathext.Digamma(b+ft-1) - d - cb)
		}
	}
	if n := o.surv[m]; n > 0 {
		fm := float64(m)
		ll += n * (mathext.Lbeta(a, b+fm) - lb0)
		if grad != nil {
			d := mathext.Digamma(a + b + fm)
			ga += n * (mathext.Digamma(a) - d - ca)
			gb += n * (mathext.Digamma(b+fm) - d - cb)
		}
	}
	if grad != nil {
		grad[0], grad[1] = ga, gb
	}
	return ll
}

// FitSBG fits the sBG model to one cohort's survivors: survivors[0] is the cohort size and
// survivors[t] the number still active after t periods (non-increasing).
func FitSBG(survivors []float64, opts *FitOptions) (SBG, *Result, error) {
	if len(survivors) < 2 {
		return SBG{}, nil, errors.New("btyd: sBG needs the cohort size and at least one period")
	}
	for t, n := range survivors {
		if !finite(n) || n < 0 || (t > 0 && n > survivors[t-1]) {
			return SBG{}, nil, fmt.Errorf("btyd: survivors[%d] = %v: survivors must be finite, ≥ 0 and non-increasing", t, n)
		}
	}
	if survivors[0] == 0 {
		return SBG{}, nil, errors.New("btyd: empty cohort")
	}
	if survivors[len(survivors)-1] == survivors[0] {
		return SBG{}, nil, errors.New("btyd: nobody churned: the sBG model is not identified (retention 100%)")
	}
	surv := append([]float64(nil), survivors...)
	pr := &problem{model: "sbg", names: SBGNames, n: survivors[0], rows: len(survivors) - 1,
		build: func(w []float64) objective { return &sbgObj{surv: surv} }}
	// Start from the first period's churn rate as the mean of θ, with α+β = 2.
	c := (survivors[0] - survivors[1]) / survivors[0]
	c = math.Min(math.Max(c, 0.01), 0.99)
	res, err := fit(pr, []float64{2 * c, 2 * (1 - c)}, opts)
	if err != nil {
		return SBG{}, nil, err
	}
	return SBG{res.Params[0], res.Params[1]}, res, nil
}

// LogLik returns the log-likelihood of a survivors series.
func (m SBG) LogLik(survivors []float64) float64 {
	return (&sbgObj{surv: survivors}).eval(m.Params(), nil)
}

// PChurn is P(T = t), the probability that a new customer churns at the end of period t ≥ 1:
// P(1) = α/(α+β), P(t) = P(t−1) (β+t−2)/(α+β+t−1) (Fader & Hardie 2007, eq. 7).
func (m SBG) PChurn(t int) float64 {
	if t < 1 {
		return 0
	}
	return math.Exp(mathext.Lbeta(m.Alpha+1, m.Beta+float64(t)-1) - mathext.Lbeta(m.Alpha, m.Beta))
}

// Survival is S(t) = B(α, β+t)/B(α, β), the share of a cohort still active after t periods.
func (m SBG) Survival(t float64) float64 {
	if t <= 0 {
		return 1
	}
	return math.Exp(mathext.Lbeta(m.Alpha, m.Beta+t) - mathext.Lbeta(m.Alpha, m.Beta))
}

// Retention is the projected retention rate of period t, r_t = S(t)/S(t−1) = (β+t−1)/(α+β+t−1)
// (Fader & Hardie 2007, eq. 8): increasing in t, as the cohort's high-churn members leave first.
func (m SBG) Retention(t int) float64 {
	if t < 1 {
		return 1
	}
	ft := float64(t)
	return (m.Beta + ft - 1) / (m.Alpha + m.Beta + ft - 1)
}

// ExpectedLifetime is the mean number of periods a new customer stays, Σ_{t≥0} S(t) =
// (α+β−1)/(α−1) for α > 1 (counting period 0; the first payment), and +Inf for α ≤ 1, where the
// Beta mixture puts enough mass near θ = 0 to make the mean infinite.
func (m SBG) ExpectedLifetime() float64 {
	if m.Alpha <= 1 {
		return math.Inf(1)
	}
	return (m.Alpha + m.Beta - 1) / (m.Alpha - 1)
}

// DEL is the discounted expected lifetime of a new customer at discount rate d > 0 per period,
// Σ_{t≥0} S(t)/(1+d)^t = ₂F₁(1, β; α+β; 1/(1+d)) (Fader & Hardie 2010, "Customer-Base Valuation in
// a Contractual Setting: The Perils of Ignoring Heterogeneity", Marketing Science 29(1), eq. 4).
// Multiplied by the margin per period it is the expected discounted value of a new customer. It is
// evaluated by summing the series (terms decay at least geometrically at rate 1/(1+d)); d ≤ 0
// gives [SBG.ExpectedLifetime].
func (m SBG) DEL(d float64) float64 {
	if d <= 0 {
		return m.ExpectedLifetime()
	}
	return 1 + m.DERL(d, 0)/(1+d)
}

// DERL is the discounted expected residual lifetime of a customer still active after n periods:
// the expected number of further payments (periods n+1, n+2, ...), the first undiscounted,
//
//	DERL(d | n) = Σ_{t>n} S(t)/S(n) / (1+d)^(t−n−1) = (β+n)/(α+β+n) · ₂F₁(1, β+n+1; α+β+n+1; 1/(1+d))
//
// (Fader & Hardie 2010, eq. 6, in this indexing). Multiplied by the margin per period it is the
// residual value of an existing customer. d ≤ 0 gives the undiscounted mean (β+n)/(α−1), +Inf for
// α ≤ 1.
func (m SBG) DERL(d float64, n int) float64 {
	a, b := m.Alpha, m.Beta+float64(n)
	if d <= 0 {
		if a <= 1 {
			return math.Inf(1)
		}
		// Σ_{k≥1} Π_{j<k} ... at d = 0: (b/(a+b)) · (a+b)/(a−1)... = b/(a−1).
		return b / (a - 1)
	}
	z := 1 / (1 + d)
	// ₂F₁(1, b+1; a+b+1; z) = Σ_k Π_{j<k} (b+1+j)/(a+b+1+j) z^k.
	sum, term := 1.0, 1.0
	for k := 0; k < 1e7; k++ {
		fk := float64(k)
		term *= (b + 1 + fk) / (a + b + 1 + fk) * z
		sum += term
		if term < 1e-15*sum {
			break
		}
	}
	return b / (a + b) * sum
}
