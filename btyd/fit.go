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
	// bootstrap replicate, and the Fit functions then return its error.
	Context context.Context
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
}

const logBound = 35 // |log θ| beyond which the objective is penalised (θ in [6e-16, 1.6e15])

// maximize runs BFGS on −LL/n in log-parameter space from p0.
func maximize(pr *problem, obj objective, p0 []float64, o FitOptions) *Result {
	start := time.Now()
	k := len(p0)
	res := &Result{Model: pr.model, Names: pr.names, N: pr.n, Rows: pr.rows, Level: o.Level}
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
		p        = make([]float64, k)
		gp       = make([]float64, k)
		haveLast bool
		evals    int
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
			c := math.Max(-logBound, math.Min(logBound, ui))
			pen += (ui - c) * (ui - c)
			p[i] = math.Exp(c)
		}
		ll := obj.eval(p, gp)
		lastLL = ll
		if !finite(ll) || slices.ContainsFunc(gp, func(v float64) bool { return !finite(v) }) {
			// Outside the numerically usable region: a large value that line searches back away from.
			lastF = 1e30
			for i := range lastG {
				lastG[i] = 0
			}
			return
		}
		lastF = -ll/scale + pen
		for i, ui := range u {
			c := math.Max(-logBound, math.Min(logBound, ui))
			lastG[i] = -gp[i]*p[i]/scale + 2*(ui-c)
		}
	}
	prob := optimize.Problem{
		Func: func(u []float64) float64 { evalAt(u); return lastF },
		Grad: func(g, u []float64) { evalAt(u); copy(g, lastG) },
		Status: func() (optimize.Status, error) {
			if o.Context != nil && o.Context.Err() != nil {
				return optimize.Failure, o.Context.Err()
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
	var iters int
	r, err := optimize.Minimize(prob, u0, settings, &optimize.BFGS{})
	if r != nil {
		best = r.X
		status = r.Status.String()
		iters = r.Stats.MajorIterations
	}
	// Polish: BFGS can stop on a stalled line search next to the optimum; a second short run from
	// there, with a fresh Hessian approximation, usually reaches the gradient threshold.
	evalAt(best)
	if gmax(lastG) > o.GradTol {
		if r2, err2 := optimize.Minimize(prob, slices.Clone(best), settings, &optimize.LBFGS{}); r2 != nil && r2.F <= lastF {
			best, err = r2.X, err2
			status = r2.Status.String()
			iters += r2.Stats.MajorIterations
		}
	}
	evalAt(best)
	g := gmax(lastG)
	res.Params = make([]float64, k)
	for i, ui := range best {
		res.Params[i] = math.Exp(math.Max(-logBound, math.Min(logBound, ui)))
	}
	// evalAt(best) evaluated the objective at exactly these parameters.
	res.LogLik = lastLL
	res.Iterations = iters
	switch {
	case !finite(res.LogLik):
		res.Reason = "log-likelihood is not finite at the final point"
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
		if math.Abs(ui) >= logBound-1 {
			res.Converged = false
			res.Reason = fmt.Sprintf("parameter %s ran to the boundary (%.3g): the model is not identified by these data", pr.names[i], res.Params[i])
		}
	}
	res.Evals = evals
	if !o.NoStdErrors && finite(res.LogLik) {
		stdErrors(res, obj)
	}
	res.Elapsed = time.Since(start)
	return res
}

func gmax(g []float64) float64 {
	m := 0.0
	for _, v := range g {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// stdErrors fills StdErrors and Cov from a central-difference Hessian of the analytic gradient with
// respect to log-parameters, H_ij = ∂/∂u_i (θ_j ∂LL/∂θ_j), and cov(θ) = D H⁻¹ D, D = diag(θ).
func stdErrors(res *Result, obj objective) {
	k := len(res.Params)
	u := make([]float64, k)
	for i, v := range res.Params {
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
	const h = 1e-5
	info := mat.NewSymDense(k, nil)
	rowsH := make([][]float64, k)
	for i := 0; i < k; i++ {
		up, dn := slices.Clone(u), slices.Clone(u)
		up[i] += h
		dn[i] -= h
		gu, gd := grad(up), grad(dn)
		rowsH[i] = make([]float64, k)
		for j := range gu {
			rowsH[i][j] = (gu[j] - gd[j]) / (2 * h)
		}
	}
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			info.SetSym(i, j, -(rowsH[i][j]+rowsH[j][i])/2)
		}
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
