package analysis

import (
	"context"

	"fidelis"
	"fidelis/metric"
)

// CohortMatrices returns the cohort retention matrix of the whole base, or one per segment of
// o.By, for the window of o: what `fidelis cohorts` prints and the API's /v1/cohorts returns. The
// last period counts as complete when the window ends before the data does.
func CohortMatrices(ctx context.Context, st fidelis.Store, o Options) ([]metric.CohortMatrix, error) {
	if o.Grain == "" {
		o.Grain = fidelis.Month
	}
	first, last, err := st.Span(ctx)
	if err != nil {
		return nil, err
	}
	if err := fidelis.CheckPeriods(o.Grain, first, last, o.From, o.To); err != nil {
		return nil, err
	}
	cells, err := st.Cohorts(ctx, fidelis.Query{Grain: o.Grain, From: o.From, To: o.To, By: o.By, Segment: o.Segment})
	if err != nil {
		return nil, err
	}
	lastIdx := o.Grain.Index(last)
	complete := false
	if !o.To.IsZero() && o.To.Before(last) {
		lastIdx, complete = o.Grain.Index(o.To.AddDate(0, 0, -1)), true
	}
	ms := metric.Cohorts(cells, o.Grain, lastIdx, complete)
	LinkCohorts(ms, o.By != "")
	return ms, nil
}
