package churn

// BootstrapAUC exposes the bootstrap to the external tests.
var BootstrapAUC = bootstrapAUC

// Interval exposes the percentile interval.
var Interval = interval
