package btyd

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/stat/distuv"
)

// FitOptions tunes a maximum-likelihood fit. The zero value (or nil) gives the defaults.
type FitOptions struct {
	// Init holds starting values on the natural scale, in the model's parameter order; nil picks
	// the model's data-driven defaults.
	Init []float64
	// MaxIterations bounds the BFGS major iterations (default 1000).
	MaxIterations int
	// GradTol is the convergence threshold on the infinity norm of the gradient of the mean
	// log-likelihood per customer with respect to the log-parameters (default 1e-7).
	GradTol float64
	// Workers is the number of goroutines that evaluate the likelihood over rows when there are many
	// rows (default GOMAXPROCS).
	Workers int
	// NoStdErrors skips the Hessian and standard errors.
	NoStdErrors bool
	// Bootstrap is the number of Poisson-bootstrap replicates for percentile intervals (0 = none).
	// Each replicate redraws every row's weight as Poisson(weight) and refits.
	Bootstrap int
	// Seed seeds the bootstrap's PCG generator.
	Seed uint64
	// Level is the two-sided level of bootstrap intervals (default 0.95).
	Level float64
	// Context, if set, stops the fit when done: it is checked at every optimiser iteration and
	// bootstrap replicate (and, for Pareto/NBD, within each likelihood evaluation), and the Fit
	// functions then return its error.
	Context context.Context
	// Budget, if positive, bounds the optimiser's time: past it the fit stops and returns the best
	// point found, with Converged false and Reason saying so in words (not an error). A caller
	// that must answer in bounded time (the model gate) uses it rather than a Context deadline, so
	// that a slow model is reported as a failed candidate rather than aborting the analysis.
	Budget time.Duration
}

func (o *FitOptions) withDefaults() FitOptions {
	var c FitOptions
	if o != nil {
		c = *o
	}
	if c.MaxIterations <= 0 {
		c.MaxIterations = 1000
	}
	if c.GradTol <= 0 {
		c.GradTol = 1e-7
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.Level <= 0 || c.Level >= 1 {
		c.Level = 0.95
	}
	return c
}

// Result describes a maximum-likelihood fit. Params are never NaN; when the optimiser did not
// converge, Converged is false and Reason says why, and Params hold the best point found.
type Result struct {
	Model  string   // "bgnbd", "mbgnbd", "paretonbd", "bgbb", "gammagamma" or "sbg"
	Names  []string // parameter names in order, e.g. r, alpha, a, b
	Params []float64
	// StdErrors are asymptotic standard errors from the inverse observed information, mapped from
	// log-parameters by the delta method (se(θ) = θ·se(log θ)). Nil when not computed or when the
	// information matrix is not positive definite (see Reason).
	StdErrors []float64
	// Cov is the asymptotic covariance matrix of Params (row-major, len(Names)²), or nil.
	Cov    []float64
	LogLik float64 // total log-likelihood, Σ weight × LL(row)
	N      float64 // number of customers (Σ weights)
	Rows   int     // number of distinct rows the likelihood was evaluated on

	Converged  bool
	Reason     string // optimiser status, and any problem with the standard errors
	Iterations int
	Evals      int // likelihood-and-gradient evaluations
	Elapsed    time.Duration

	// Lower and Upper are bootstrap percentile bounds at level Level, when requested.
	Lower, Upper []float64
	Level        float64
	Replicates   int // successful bootstrap replicates
}

// Param returns the named parameter, or NaN when the model has none of that name.
func (r *Result) Param(name string) float64 {
	if i := slices.Index(r.Names, name); i >= 0 {
		return r.Params[i]
	}
	return math.NaN()
}

// StdError returns the named parameter's standard error, or NaN when unavailable.
func (r *Result) StdError(name string) float64 {
	if i := slices.Index(r.Names, name); i >= 0 && r.StdErrors != nil {
		return r.StdErrors[i]
	}
	return math.NaN()
}

// objective is a model's log-likelihood over a fixed set of rows with given weights.
type objective interface {
	// eval returns the total log-likelihood at natural parameters p and, when grad is not nil,
	// stores dLL/dp in it.
	eval(p, grad []float64) float64
}

// problem ties a model to the generic fitter.
type problem struct {
	model string
	names []string
	n     float64
	rows  int
	// build returns the objective with the given weights (nil: the data's own).
	build func(w []float64) objective
	// weights returns the data's weights, for the bootstrap.
	weights []float64
	// bounds, if set, are the |log θ| of each parameter beyond which the objective is penalised
	// (default logBound for all); a fit ending within 1 of one is reported as not identified.
	bounds []float64
	// curvature, if set, is the Hessian of LL per unit weight in log-parameters (k×k, row-major)
	// at the optimum of a sample of the rows (see coarseStart). For an objective without its own
	// Hessian, maximize then runs Newton's method with this matrix held fixed (the chord method):
	// each step costs one evaluation of the likelihood and its gradient, and as the sample's
	// curvature is within sampling error of the full data's, each step shrinks the distance to the
	// optimum by about that error, where BFGS needs some 30 evaluations to learn the curvature.
	curvature []float64
}

const logBound = 35 // default |log θ| beyond which the objective is penalised (θ in [6e-16, 1.6e15])

// stoppable is an objective whose single evaluation can take long enough to need stopping inside
// (Pareto/NBD over a million rows): withContext returns a copy whose eval returns NaN soon after
// ctx is done.
type stoppable interface {
	withContext(ctx context.Context) objective
}

// maximize runs BFGS on −LL/n in log-parameter space from p0.
func maximize(pr *problem, obj objective, p0 []float64, o FitOptions) *Result {
	start := time.Now()
	k := len(p0)
	res := &Result{Model: pr.model, Names: pr.names, N: pr.n, Rows: pr.rows, Level: o.Level}
	bound := func(i int) float64 {
		if pr.bounds != nil {
			return pr.bounds[i]
		}
		return logBound
	}
	// run bounds the optimisation: the caller's Context and the Budget. The final evaluations
	// (log-likelihood and standard errors at the best point) use obj itself, bounded by the
	// Context alone.
	parent := o.Context
	if parent == nil {
		parent = context.Background()
	}
	run, cancel := parent, context.CancelFunc(func() {})
	if o.Budget > 0 {
		run, cancel = context.WithTimeout(parent, o.Budget)
	}
	defer cancel()
	runObj := obj
	if s, ok := obj.(stoppable); ok {
		runObj = s.withContext(run)
	}
	final := obj
	if s, ok := obj.(stoppable); ok && o.Context != nil {
		final = s.withContext(o.Context)
	}
	cur := runObj
	scale := pr.n
	if scale <= 0 {
		scale = 1
	}
	// Cache the last evaluation: gonum asks for Func and Grad at the same point separately.
	var (
		lastU    = make([]float64, k)
		lastF    = math.NaN()
		lastLL   = math.NaN() // the log-likelihood at lastU
		lastG    = make([]float64, k)
		lastGL   = make([]float64, k) // lastG without the bound penalty
		p        = make([]float64, k)
		gp       = make([]float64, k)
		haveLast bool
		evals    int
		// bestF is the smallest objective seen, at bestU; stale counts the evaluations in a row
		// within 1e-5 of bestU that did not lower it.
		bestF = math.Inf(1)
		bestU = make([]float64, k)
		stale int
	)
	evalAt := func(u []float64) {
		if haveLast && slices.Equal(u, lastU) {
			return
		}
		copy(lastU, u)
		haveLast = true
		evals++
		pen := 0.0
		for i, ui := range u {
			c := math.Max(-bound(i), math.Min(bound(i), ui))
			pen += (ui - c) * (ui - c)
			p[i] = math.Exp(c)
		}
		ll := cur.eval(p, gp)
		lastLL = ll
		if !finite(ll) || slices.ContainsFunc(gp, func(v float64) bool { return !finite(v) }) {
			// Outside the numerically usable region: a large value that line searches back away from.
			lastF = 1e30
			for i := range lastG {
				lastG[i], lastGL[i] = 0, 0
			}
			return
		}
		lastF = -ll/scale + pen
		switch near := true; {
		case lastF < bestF:
			bestF, stale = lastF, 0
			copy(bestU, u)
		default:
			for i, ui := range u {
				near = near && math.Abs(ui-bestU[i]) < 1e-5
			}
			if near {
				stale++
			} else {
				stale = 0
			}
		}
		for i, ui := range u {
			c := math.Max(-bound(i), math.Min(bound(i), ui))
			lastGL[i] = -gp[i] * p[i] / scale
			lastG[i] = lastGL[i] + 2*(ui-c)
		}
	}
	// Parameters that run into their bound with the likelihood still rising outwards are fixed
	// there and the rest refitted (an active set): the penalty's kink at the bound otherwise
	// leaves BFGS creeping along a flat ridge with failing line searches for hundreds of
	// evaluations (Pareto/NBD as s, β → ∞, issue #14). optimize sees only the free coordinates.
	fixed := make([]bool, k)
	full := make([]float64, k)
	expand := func(x []float64) []float64 {
		j := 0
		for i := range full {
			if !fixed[i] {
				full[i] = x[j]
				j++
			}
		}
		return full
	}
	free := func(u []float64) []float64 {
		var x []float64
		for i, ui := range u {
			if !fixed[i] {
				x = append(x, ui)
			}
		}
		return x
	}
	// outward reports whether parameter i is at or past a bound with the likelihood rising
	// beyond it, at the last evaluation.
	outward := func(i int) bool {
		return (lastU[i] >= bound(i)-1e-6 && lastGL[i] < 0) || (lastU[i] <= -bound(i)+1e-6 && lastGL[i] > 0)
	}
	hit := false
	prob := optimize.Problem{
		Func: func(x []float64) float64 { evalAt(expand(x)); return lastF },
		Grad: func(g, x []float64) {
			evalAt(expand(x))
			copy(g, free(lastG))
		},
		Status: func() (optimize.Status, error) {
			if err := run.Err(); err != nil {
				return optimize.Failure, err
			}
			// Line searches that cannot improve on the best point any more, trying ever closer to it
			// (the likelihood's rounding, ~1e-11 per customer where s·ln β is ~1e5), would otherwise
			// retry for up to 50 iterations; the verdict below still rests on the final gradient.
			if stale >= 15 {
				return optimize.FunctionConvergence, nil
			}
			if haveLast && lastF < 1e29 {
				for i := range lastU {
					if !fixed[i] && outward(i) {
						hit = true
						return optimize.MethodConverge, nil
					}
				}
			}
			return optimize.NotTerminated, nil
		},
	}
	u0 := make([]float64, k)
	for i, v := range p0 {
		if !(v > 0) || !finite(v) {
			v = 1
		}
		u0[i] = math.Log(v)
	}
	settings := &optimize.Settings{
		GradientThreshold: o.GradTol,
		MajorIterations:   o.MaxIterations,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-13, Relative: 1e-13, Iterations: 50},
	}
	best := slices.Clone(u0)
	status := "not started"
	var (
		iters int
		err   error
	)
	// Newton's method where the objective has its Hessian: a handful of evaluations where BFGS
	// needs twenty or more (issue #14). When it does not converge inside the bounds, BFGS with
	// the active set below runs from the start, as it did before Newton.
	newtonDone := false
	var nr newtonResult
	_, exact := runObj.(hessianObjective)
	if exact || pr.curvature != nil {
		nr = newton(runObj, pr.curvature, u0, scale, o.GradTol, bound, run)
		evals += nr.evals
		iters += nr.iters
		if nr.ok {
			best, newtonDone, status = nr.u, true, "GradientThreshold"
		}
	}
	for round := 0; round <= k && run.Err() == nil && !newtonDone; round++ {
		x0 := free(best)
		if len(x0) == 0 {
			break
		}
		hit, stale = false, 0
		r, e := optimize.Minimize(prob, x0, settings, &optimize.BFGS{})
		err = e
		if r != nil {
			best = slices.Clone(expand(r.X))
			status = r.Status.String()
			iters += r.Stats.MajorIterations
		}
		if parent.Err() != nil {
			// Cancelled: fit returns the Context's error, not this result.
			return res
		}
		// Fix what ran outwards into a bound, free what the likelihood now pulls back inside.
		evalAt(best)
		changed := false
		for i := range best {
			switch {
			case !fixed[i] && outward(i):
				fixed[i], changed = true, true
				best[i] = math.Copysign(bound(i), best[i])
			case fixed[i] && !outward(i):
				fixed[i], changed = false, true
			}
		}
		if !changed && !hit {
			break
		}
	}
	// Polish: BFGS can stop on a stalled line search next to the optimum; a second short run from
	// there, with a fresh Hessian approximation, usually reaches the gradient threshold.
	evalAt(best)
	if x0 := free(best); len(x0) > 0 && gmax(free(lastG)) > o.GradTol && run.Err() == nil && !newtonDone {
		f0 := lastF
		stale = 0
		if r2, err2 := optimize.Minimize(prob, x0, settings, &optimize.LBFGS{}); r2 != nil && r2.F <= f0 {
			best, err = slices.Clone(expand(r2.X)), err2
			status = r2.Status.String()
			iters += r2.Stats.MajorIterations
		}
	}
	// The final evaluation is bounded by the Context alone: past the Budget it still reports the
	// log-likelihood at the best point.
	if newtonDone {
		// Newton's last evaluation was at best, inside the bounds (no penalty).
		copy(lastU, best)
		lastLL, lastF = nr.ll, -nr.ll/scale
		for i, ui := range best {
			lastGL[i] = -nr.g[i] * math.Exp(ui) / scale
			lastG[i] = lastGL[i]
		}
	} else {
		cur, haveLast = final, false
		evalAt(best)
	}
	g := gmax(free(lastG))
	res.Params = make([]float64, k)
	for i, ui := range best {
		res.Params[i] = math.Exp(math.Max(-bound(i), math.Min(bound(i), ui)))
	}
	// evalAt(best) evaluated the objective at exactly these parameters.
	res.LogLik = lastLL
	res.Iterations = iters
	switch {
	case !finite(res.LogLik):
		res.Reason = "log-likelihood is not finite at the final point"
	case run.Err() != nil && parent.Err() == nil:
		res.Reason = fmt.Sprintf("stopped after the time budget of %v (%d evaluations over %d distinct rows) before converging; the parameters are the best point found, gradient norm %.3g", o.Budget, evals, pr.rows, g)
	case g <= 1e-4 && lastF < 1e29:
		res.Converged = true
		res.Reason = status
		if err != nil && g > o.GradTol {
			res.Reason = fmt.Sprintf("%s (gradient %.2g, accepted)", status, g)
		}
	default:
		res.Reason = fmt.Sprintf("did not converge: %s, gradient norm %.3g", status, g)
		if err != nil {
			res.Reason += ": " + err.Error()
		}
	}
	for i, ui := range best {
		if math.Abs(ui) >= bound(i)-1 {
			res.Converged = false
			res.Reason = fmt.Sprintf("parameter %s ran to the boundary (%.3g): the model is not identified by these data", pr.names[i], res.Params[i])
			if pr.model == "paretonbd" && (pr.names[i] == "s" || pr.names[i] == "beta") && ui > 0 {
				res.Reason += " (s and β growing together mean no spread in customers' dropout rates: the data fit a common dropout rate, which Pareto/NBD reaches only in the limit)"
			}
		}
	}
	res.Evals = evals
	if !o.NoStdErrors && finite(res.LogLik) && parent.Err() == nil {
		if newtonDone {
			stdErrors(res, final, nr.g, nr.hess)
		} else {
			stdErrors(res, final, nil, nil)
		}
	}
	res.Elapsed = time.Since(start)
	return res
}

// numericInfo fills info with the observed information −H in log-parameters, H by central
// differences of the analytic gradient (2k evaluations, error ~1e-10), or, given g0, the
// gradient at params in natural parameters, by forward differences from it (k evaluations, step
// 1e-6: error ~1e-6 relative, far below what a standard error means).
func numericInfo(info *mat.SymDense, params []float64, obj objective, g0 []float64) {
	k := len(params)
	u := make([]float64, k)
	for i, v := range params {
		u[i] = math.Log(v)
	}
	grad := func(uu []float64) []float64 {
		p := make([]float64, k)
		for i, v := range uu {
			p[i] = math.Exp(v)
		}
		g := make([]float64, k)
		obj.eval(p, g)
		for i := range g {
			g[i] *= p[i]
		}
		return g
	}
	h, gd := 1e-5, []float64(nil)
	if g0 != nil {
		h, gd = 1e-6, make([]float64, k)
		for i := range gd {
			gd[i] = g0[i] * params[i]
		}
	}
	rowsH := make([][]float64, k)
	for i := 0; i < k; i++ {
		up, dn := slices.Clone(u), slices.Clone(u)
		up[i] += h
		gu, gdi, step := grad(up), gd, h
		if g0 == nil {
			dn[i] -= h
			gdi, step = grad(dn), 2*h
		}
		rowsH[i] = make([]float64, k)
		for j := range gu {
			rowsH[i][j] = (gu[j] - gdi[j]) / step
		}
	}
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			info.SetSym(i, j, -(rowsH[i][j]+rowsH[j][i])/2)
		}
	}
}

func gmax(g []float64) float64 {
	m := 0.0
	for _, v := range g {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// stdErrors fills StdErrors and Cov from the Hessian with respect to log-parameters, H_ij =
// ∂/∂u_i (θ_j ∂LL/∂θ_j) (analytic where the objective has it, else central differences of the
// analytic gradient), and cov(θ) = D H⁻¹ D, D = diag(θ).
// g and hess, when not nil, are the gradient and Hessian at res.Params in natural parameters (g
// alone: the Hessian by forward differences from it).
func stdErrors(res *Result, obj objective, g, hess []float64) {
	k := len(res.Params)
	info := mat.NewSymDense(k, nil)
	h, ok := obj.(hessianObjective)
	if ok && hess == nil {
		g, hess = make([]float64, k), make([]float64, k*k)
		h.evalHess(res.Params, g, hess)
	}
	if hess != nil {
		// The analytic Hessian in log-parameters: ∂²LL/∂u_i∂u_j = θ_i θ_j H_ij + δ_ij θ_i g_i.
		for i, pi := range res.Params {
			for j := i; j < k; j++ {
				v := pi * res.Params[j] * hess[i*k+j]
				if i == j {
					v += pi * g[i]
				}
				info.SetSym(i, j, -v)
			}
		}
	} else {
		numericInfo(info, res.Params, obj, g)
	}
	var ch mat.Cholesky
	if !ch.Factorize(info) {
		res.Converged = false
		res.Reason += "; the likelihood is flat or not at a maximum in some direction (observed information not positive definite): the data do not identify all parameters, no standard errors"
		return
	}
	var cov mat.SymDense
	if err := ch.InverseTo(&cov); err != nil {
		res.Converged = false
		res.Reason += "; information matrix singular: the data do not identify all parameters, no standard errors"
		return
	}
	res.StdErrors = make([]float64, k)
	res.Cov = make([]float64, k*k)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			res.Cov[i*k+j] = res.Params[i] * res.Params[j] * cov.At(i, j)
		}
		res.StdErrors[i] = res.Params[i] * math.Sqrt(math.Max(cov.At(i, i), 0))
	}
	if !slices.ContainsFunc(res.StdErrors, finite) {
		// No usable standard error at all: not a fit to report as plainly converged.
		res.Converged = false
		res.Reason += "; no finite standard error: the data do not identify the parameters"
	}
}

// fit runs the full procedure: the point estimate, standard errors and the optional bootstrap.
// It fails only when o.Context is done.
func fit(pr *problem, p0 []float64, opts *FitOptions) (*Result, error) {
	o := opts.withDefaults()
	if o.Init != nil && len(o.Init) == len(p0) {
		p0 = o.Init
	}
	start := time.Now()
	res := maximize(pr, pr.build(nil), p0, o)
	if o.Bootstrap > 0 && pr.weights != nil {
		bootstrap(pr, res, o)
	}
	res.Elapsed = time.Since(start)
	if o.Context != nil && o.Context.Err() != nil {
		return nil, o.Context.Err()
	}
	return res, nil
}

// bootstrap refits on Poisson-resampled weights (Hanley & MacGibbon 2006; a large-n approximation
// of the multinomial bootstrap that keeps rows compressed) and stores percentile intervals.
func bootstrap(pr *problem, res *Result, o FitOptions) {
	rng := rand.New(rand.NewPCG(o.Seed, 0x6274796462747964))
	k := len(res.Params)
	draws := make([][]float64, k)
	bo := o
	bo.NoStdErrors = true
	for b := 0; b < o.Bootstrap; b++ {
		if o.Context != nil && o.Context.Err() != nil {
			return
		}
		w := make([]float64, len(pr.weights))
		for i, wi := range pr.weights {
			w[i] = poisson(rng, wi)
		}
		r := maximize(pr, pr.build(w), res.Params, bo)
		if !r.Converged {
			continue
		}
		for i, v := range r.Params {
			draws[i] = append(draws[i], v)
		}
	}
	res.Replicates = len(draws[0])
	if res.Replicates < 2 {
		return
	}
	res.Lower, res.Upper = make([]float64, k), make([]float64, k)
	a := (1 - o.Level) / 2
	for i := range draws {
		slices.Sort(draws[i])
		res.Lower[i] = quantileSorted(draws[i], a)
		res.Upper[i] = quantileSorted(draws[i], 1-a)
	}
}

func quantileSorted(x []float64, q float64) float64 {
	pos := q * float64(len(x)-1)
	i := int(pos)
	if i >= len(x)-1 {
		return x[len(x)-1]
	}
	f := pos - float64(i)
	return x[i]*(1-f) + x[i+1]*f
}

func poisson(rng *rand.Rand, lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	if lambda < 30 {
		// Knuth's multiplication method.
		l, k, p := math.Exp(-lambda), 0.0, 1.0
		for {
			p *= rng.Float64()
			if p <= l {
				return k
			}
			k++
		}
	}
	return distuv.Poisson{Lambda: lambda, Src: rng}.Rand()
}

// parallelSum evaluates f over [0, n) split into chunks on up to workers goroutines and returns the
// sum of the returned log-likelihoods and gradients. Small inputs run on the calling goroutine.
func parallelSum(n, workers, k int, grad []float64, f func(lo, hi int, grad []float64) float64) float64 {
	const minChunk = 4096
	if workers > n/minChunk {
		workers = n / minChunk
	}
	if workers <= 1 {
		if grad != nil {
			clear(grad)
		}
		return f(0, n, grad)
	}
	lls := make([]float64, workers)
	grads := make([][]float64, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		if grad != nil {
			grads[w] = make([]float64, k)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			lls[w] = f(lo, hi, grads[w])
		}()
	}
	wg.Wait()
	ll := 0.0
	if grad != nil {
		clear(grad)
	}
	for w := range lls {
		ll += lls[w]
		for i := range grad {
			grad[i] += grads[w][i]
		}
	}
	return ll
}

// forEachChunk runs f over [0, n) split into up to workers contiguous chunks, one goroutine each;
// small inputs run on the calling goroutine.
func forEachChunk(n, workers int, f func(lo, hi int)) {
	const minChunk = 4096
	if workers > n/minChunk {
		workers = n / minChunk
	}
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(n*w/workers, n*(w+1)/workers)
		}()
	}
	wg.Wait()
}

// coarseStart returns a starting point for a fit to many rows: the optimum on a systematic sample
// of about 16k of them (every k-th row, its weight times k). From the models' data-driven
// defaults Newton's method needs ~7 iterations; from the sample's optimum, within its sampling
// error of the full one, it needs ~3 on the full rows. It returns p0 for fewer than 64k rows, a
// given Init, or a sample fit that did not converge; the full fit's optimum does not depend on it.
// With curvature it also returns the sample's Hessian of LL per unit weight in log-parameters
// (see problem.curvature; from the sample fit's covariance), or nil.
func coarseStart(rows []Row, p0 []float64, o FitOptions, curvature bool, fit func([]Row, *FitOptions) (*Result, error)) ([]float64, []float64) {
	k := len(rows) / 16384
	if k < 4 || o.Init != nil || o.Context != nil && o.Context.Err() != nil {
		return p0, nil
	}
	sub := make([]Row, 0, len(rows)/k+1)
	for j := 0; j < len(rows); j += k {
		r := rows[j]
		r.Weight *= float64(k)
		sub = append(sub, r)
	}
	so := o
	so.NoStdErrors, so.Bootstrap, so.Init = !curvature, 0, p0
	res, err := fit(sub, &so)
	if err != nil || !res.Converged {
		return p0, nil
	}
	if !curvature || res.Cov == nil || !(res.N > 0) {
		return res.Params, nil
	}
	// Cov = D C D with D = diag(θ) and C the inverse of the information in log-parameters.
	n := len(res.Params)
	c := mat.NewSymDense(n, nil)
	for i, pi := range res.Params {
		for j := i; j < n; j++ {
			c.SetSym(i, j, res.Cov[i*n+j]/(pi*res.Params[j]))
		}
	}
	var ch mat.Cholesky
	var info mat.SymDense
	if !ch.Factorize(c) || ch.InverseTo(&info) != nil {
		return res.Params, nil
	}
	h := make([]float64, n*n)
	for i := range n {
		for j := range n {
			h[i*n+j] = -info.At(i, j) / res.N
		}
	}
	if !allFinite(h) {
		return res.Params, nil
	}
	return res.Params, h
}
