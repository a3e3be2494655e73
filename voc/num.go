package voc

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"fidelis/metric"
)

// Share is a proportion K/N with its 95% Wilson score interval, computed by metric.NewProportion
// (Wilson 1927, JASA 22(158)). Value, Low and High are fractions in [0, 1]; they are NaN (null in
// JSON) when N = 0. Small is true when N < metric.SmallSample.
type Share = metric.Proportion

// NewShare returns k/n with its 95% Wilson interval (metric.NewProportion).
func NewShare(k, n int64) Share { return metric.NewProportion(k, n) }

// Estimate is a point estimate with a two-sided 95% interval [Low, High], the sample size N behind
// it, the interval method and a small-sample flag (N < metric.SmallSample). Values are NaN (null
// in JSON) when they cannot be computed, e.g. a t interval from a single observation.
type Estimate struct {
	Value  float64 `json:"value"`
	Low    float64 `json:"low"`
	High   float64 `json:"high"`
	SE     float64 `json:"se"`
	N      int64   `json:"n"`
	Method string  `json:"method"`
	Small  bool    `json:"small_sample"`
}

// MarshalJSON writes NaN values as null.
func (e Estimate) MarshalJSON() ([]byte, error) {
	type plain Estimate
	return marshalNaN(plain(e))
}

// MethodT names Student's t interval for a mean.
const MethodT = "t"

// MeanT returns the mean of a sample summarised by its size n, sum and sum of squares, with the
// two-sided 95% Student's t interval
//
//	x̄ ± t(0.975; n−1) · s/√n,  s² = (Σx² − n·x̄²)/(n − 1)
//
// (any statistics text, e.g. Moore, McCabe & Craig, Introduction to the Practice of Statistics,
// §7.1). The t quantile comes from gonum's distuv.StudentsT. With n = 1 the interval is NaN; with
// n = 0 everything is NaN.
func MeanT(n int64, sum, sumSq float64) Estimate {
	e := Estimate{Value: math.NaN(), Low: math.NaN(), High: math.NaN(), SE: math.NaN(), N: n,
		Method: MethodT, Small: n < metric.SmallSample}
	if n <= 0 {
		return e
	}
	nf := float64(n)
	e.Value = sum / nf
	if n < 2 {
		return e
	}
	v := (sumSq - nf*e.Value*e.Value) / (nf - 1)
	if v < 0 { // rounding when all values are equal
		v = 0
	}
	e.SE = math.Sqrt(v / nf)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nf - 1}.Quantile(0.975)
	e.Low, e.High = e.Value-t*e.SE, e.Value+t*e.SE
	return e
}

// meanOfCounts is MeanT over a frequency table: counts[i] answers of value lo+i.
func meanOfCounts(lo int, counts []int64) Estimate {
	var n int64
	var s, s2 float64
	for i, c := range counts {
		x := float64(lo + i)
		n += c
		s += float64(c) * x
		s2 += float64(c) * x * x
	}
	return MeanT(n, s, s2)
}

// TwoSidedP returns the two-sided normal p-value of a z statistic, 2·(1 − Φ(|z|)) = erfc(|z|/√2).
func TwoSidedP(z float64) float64 {
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}
