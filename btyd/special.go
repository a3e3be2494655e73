package btyd

// trigamma returns ψ₁(x) = d²/dx² ln Γ(x) for x > 0: the recurrence ψ₁(x) = ψ₁(x+1) + 1/x² up to
// x ≥ 20, then the asymptotic series ψ₁(x) ~ 1/x + 1/(2x²) + Σ B₂ₖ/x^(2k+1) (Abramowitz & Stegun
// 6.4.12) to B₁₂, whose first omitted term is below 3e-18 of the sum there.
func trigamma(x float64) float64 {
	s := 0.0
	for ; x < 20; x++ {
		s += 1 / (x * x)
	}
	y := 1 / (x * x)
	// B₂/x³ … B₁₂/x¹³ with B = 1/6, −1/30, 1/42, −1/30, 5/66, −691/2730.
	t := y * (1.0/6 + y*(-1.0/30+y*(1.0/42+y*(-1.0/30+y*(5.0/66+y*(-691.0/2730))))))
	return s + (1+(0.5+t*x)/x)/x
}
