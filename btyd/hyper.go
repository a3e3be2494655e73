package btyd

import "math"

// lnF returns ln F(A, B, p, q) and its partial derivatives, where
//
//	F(A, B, p, q) = ∫_0^∞ (A+v)^(−p) (B+v)^(−q) dv,   A, B > 0, p, q > 0, p+q > 1.
//
// This is the Pareto/NBD's Gauss hypergeometric term in integral form: with A ≥ B (else swap (A, p)
// with (B, q); F is symmetric), substituting and applying Euler's transformation gives
//
//	F = A^(−p) B^(1−q) / (p+q−1) · ₂F₁(1, p; p+q; z),   z = 1 − B/A ∈ [0, 1),
//
// a series whose terms t_0 = 1, t_{n+1} = t_n (p+n)/(p+q+n) z are all positive and decrease by a
// ratio below z. There is no cancellation and no overflow (everything is in logs outside the
// series, whose sum lies in [1, 1/(1−z)]), whatever α vs β, however large x. Terms are summed until
// the geometric tail bound t_n z/(1−z) is below 1e-16 of the sum, at most maxHyperTerms terms; past
// that (z within ~1e-3 of 1) the geometric tail estimate is added, keeping the result finite and
// accurate to a few parts in a thousand there.
//
// Derivatives of the series terms: ∂ ln t_n/∂p = Σ_{k<n} 1/(p+k) − 1/(p+q+k), ∂ ln t_n/∂q =
// −Σ_{k<n} 1/(p+q+k), ∂ t_n/∂z = n t_n / z.
func lnF(A, B, p, q float64) (lf, dA, dB, dp, dq float64) {
	swap := A < B
	if swap {
		A, B, p, q = B, A, q, p
	}
	z := 1 - B/A
	if z < 0 {
		z = 0
	}
	h, hz, hp, hq := hyp1(p, q, z)
	lA, lB := math.Log(A), math.Log(B)
	pq := p + q - 1
	lf = -p*lA + (1-q)*lB - math.Log(pq) + math.Log(h)
	dp = -lA - 1/pq + hp/h
	dq = -lB - 1/pq + hq/h
	dA = -p/A + hz/h*B/(A*A)
	dB = (1-q)/B - hz/h/A
	if swap {
		dA, dB, dp, dq = dB, dA, dq, dp
	}
	return
}

const maxHyperTerms = 20000

// hyp1 returns H = ₂F₁(1, p; p+q; z) for 0 ≤ z < 1 and ∂H/∂z, ∂H/∂p, ∂H/∂q.
func hyp1(p, q, z float64) (h, hz, hp, hq float64) {
	h = 1
	if z == 0 {
		return 1, p / (p + q), 0, 0
	}
	c := 1.0 // Π_{k<n} (p+k)/(p+q+k)
	zn1 := 1.0
	var sp, sq float64 // running Σ 1/(p+k) − 1/(p+q+k) and −Σ 1/(p+q+k)
	tailF := z / (1 - z)
	var t float64
	n := 0
	for n = 0; n < maxHyperTerms; n++ {
		k := float64(n)
		c *= (p + k) / (p + q + k)
		sp += 1/(p+k) - 1/(p+q+k)
		sq -= 1 / (p + q + k)
		// term n+1: c z^(n+1)
		dt := c * zn1 // = t_{n+1}/z
		zn1 *= z
		t = dt * z
		h += t
		hz += (k + 1) * dt
		hp += t * sp
		hq += t * sq
		if t*tailF < 1e-16*h {
			return
		}
	}
	// Geometric tail beyond maxHyperTerms.
	ex := t * tailF
	h += ex
	hz += ex * (float64(n) + 1/(1-z)) / z
	hp += ex * sp
	hq += ex * sq
	return
}
