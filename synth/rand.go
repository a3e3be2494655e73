package synth

import (
	"math"
	"math/rand/v2"
)

// gammaRand draws from Gamma(shape, rate) by Marsaglia & Tsang (2000), ACM TOMS 26(3), with the
// shape < 1 boost Gamma(a) = Gamma(a+1)·U^(1/a).
func gammaRand(r *rand.Rand, shape, rate float64) float64 {
	boost := 1.0
	if shape < 1 {
		boost = math.Pow(r.Float64(), 1/shape)
		shape++
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+d*(1-v+math.Log(v)) {
			return boost * d * v / rate
		}
	}
}

// betaRand draws from Beta(a, b) as a ratio of gammas.
func betaRand(r *rand.Rand, a, b float64) float64 {
	x := gammaRand(r, a, 1)
	y := gammaRand(r, b, 1)
	return x / (x + y)
}

// poisson draws from Poisson(mean) by inversion for small means and a rounded normal beyond.
func poisson(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 40 {
		k := int(math.Round(mean + math.Sqrt(mean)*r.NormFloat64()))
		return max(k, 0)
	}
	l := math.Exp(-mean)
	k, p := 0, r.Float64()
	for q := l; p > q; q *= mean / float64(k) {
		p -= q
		k++
	}
	return k
}

// pick returns an index drawn from cumulative weights cum (last element the total).
func pick(r *rand.Rand, cum []float64) int {
	u := r.Float64() * cum[len(cum)-1]
	for i, c := range cum {
		if u < c {
			return i
		}
	}
	return len(cum) - 1
}

func cumulative(shares []Share) []float64 {
	out := make([]float64, len(shares))
	s := 0.0
	for i, x := range shares {
		s += x.Share
		out[i] = s
	}
	return out
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// normCDF is Φ.
func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
