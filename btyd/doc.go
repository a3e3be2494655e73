// Package btyd fits and applies probabilistic customer-base ("buy till you die") models in pure Go:
//
//   - BG/NBD, beta-geometric/NBD (Fader, Hardie & Lee 2005, Marketing Science 24(2)): [BGNBD]
//   - MBG/NBD, modified BG/NBD (Batislam, Denizel & Filiztekin 2007, IJRM 24(3)): [MBGNBD]
//   - Pareto/NBD (Schmittlein, Morrison & Colombo 1987, Management Science 33(1)): [ParetoNBD]
//   - BG/BB, beta-geometric/beta-Bernoulli for discrete opportunities
//     (Fader, Hardie & Shang 2010, Marketing Science 29(6)): [BGBB]
//   - Gamma-Gamma spend model (Fader, Hardie & Lee 2005, JMR 42(4); Fader & Hardie 2013,
//     "The Gamma-Gamma Model of Monetary Value"): [GammaGamma]
//   - shifted-beta-geometric contractual retention (Fader & Hardie 2007, Journal of Interactive
//     Marketing 21(1)): [SBG]
//
// Input is a set of per-customer summaries ([Customer]: frequency x, recency t_x, age T, mean repeat
// spend) which [Compress] collapses to distinct weighted rows ([Row]), so that fitting costs time
// proportional to the number of distinct rows, not customers. Fits are maximum likelihood with
// analytic gradients, optimised by BFGS in log-parameter space (gonum/optimize), with standard
// errors from the observed information (a numerical Hessian of the analytic gradient) via the delta
// method and optional seeded Poisson-bootstrap intervals. The log-likelihood reported is the total
// over customers in the input's own time units.
//
// Time units are whatever the summaries use (days, weeks, ...): parameters such as alpha and beta are
// rates in those units, and prediction horizons are in the same units.
package btyd
