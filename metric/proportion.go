// Package metric is Fidelis' catalogue of loyalty metrics: pure Go over the small aggregates a
// Store returns. Each metric is defined once, with its formula and source in its doc comment.
package metric

import (
	"math"

	"fidelis/internal/nanjson"
)

// Z95 is the two-sided 95% standard-normal quantile, Φ⁻¹(0.975).
const Z95 = 1.959963984540054

// SmallSample is the n below which a proportion is flagged as unreliable: under 30 the normal
// approximations behind the intervals and tests are poor, and the Wilson interval is wider than
// ±15 points for any p in the middle of the range.
const SmallSample = 30

// Proportion is a share k/n with its 95% Wilson score interval. In JSON the NaN of an empty
// denominator is null.
type Proportion struct {
	K     int64   `json:"k"`
	N     int64   `json:"n"`
	Value float64 `json:"value"`        // k/n, NaN when n = 0
	Low   float64 `json:"low"`          // Wilson lower bound
	High  float64 `json:"high"`         // Wilson upper bound
	Small bool    `json:"small_sample"` // n < SmallSample
	// List names the customer list behind K where K counts listable customers (a cohort cell:
	// analysis.CohortList); empty otherwise.
	List string `json:"list,omitempty"`
}

// MarshalJSON writes NaN (n = 0) as null.
func (p Proportion) MarshalJSON() ([]byte, error) {
	type plain Proportion
	return nanjson.Marshal(plain(p))
}

// NewProportion returns k/n with its 95% Wilson interval.
func NewProportion(k, n int64) Proportion {
	p := Proportion{K: k, N: n, Value: math.NaN(), Low: math.NaN(), High: math.NaN(), Small: n < SmallSample}
	if n > 0 {
		p.Value = float64(k) / float64(n)
		p.Low, p.High = Wilson(k, n, Z95)
	}
	return p
}

// Wilson returns the Wilson score interval for k successes in n trials at normal quantile z
// (Wilson 1927, JASA 22(158); recommended over the Wald interval by Brown, Cai & DasGupta 2001,
// Statistical Science 16(2)):
//
//	centre = (p̂ + z²/2n) / (1 + z²/n),  half = z·sqrt(p̂(1−p̂)/n + z²/4n²) / (1 + z²/n).
//
// It stays inside [0, 1] and is sensible at k = 0 and k = n. n = 0 gives NaN bounds.
func Wilson(k, n int64, z float64) (low, high float64) {
	if n <= 0 {
		return math.NaN(), math.NaN()
	}
	nf := float64(n)
	p := float64(k) / nf
	z2 := z * z
	den := 1 + z2/nf
	centre := (p + z2/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / den
	return math.Max(0, centre-half), math.Min(1, centre+half)
}
