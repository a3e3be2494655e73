// Package voc is Fidelis' voice-of-the-customer statistics: NPS, CSAT and CES with their
// intervals, composite advocacy and emotional-loyalty indices, comment drivers and themes, and
// exit-reason (defection) analysis.
//
// Everything here is pure Go over plain inputs — score counts, slices of responses, comments and
// exits — that a Store aggregates and the caller passes in; the package knows nothing of SQL. Every
// result struct carries its n, its interval and a small-sample flag, and marshals to JSON (NaN and
// infinities, which arise only for empty inputs, become null).
//
// Proportions use the Wilson score interval from fidelis/metric; means use Student's t interval;
// NPS uses the adjusted-Wald interval of Rocks (2016). Sources are cited on each function.
package voc
