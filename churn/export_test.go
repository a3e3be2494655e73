package churn

import (
	"context"

	"fidelis"
)

// BootstrapAUC exposes the bootstrap to the external tests.
var BootstrapAUC = bootstrapAUC

// Interval exposes the percentile interval.
var Interval = interval

// TrainingMatrix is the feature matrix and labels Train builds from rows, with the BG/NBD
// features of a fit on them.
func TrainingMatrix(rows []fidelis.ChurnRow, h int) (*Matrix, []float64) {
	y, _ := labels(rows)
	base := FitBase(context.Background(), rows, false, Options{})
	return matrix(newSchema(rows), rows, base.extrasFor(rows, float64(h)), nil), y
}

// TrainSample exposes the stratified training sample.
var TrainSample = trainSample
