package analysis

import (
	"context"
	"math"

	"fidelis"
	"fidelis/metric"
)

func init() { Register("lifetime", runLifetime) }

// Lifetime is the customer-lifetime section: Kaplan-Meier survival of customers' first active
// spell (a lapse is a gap longer than the activity window), overall and per segment.
type Lifetime struct {
	WindowDays int               `json:"window_days"`
	Overall    metric.Survival   `json:"overall"`
	BySegment  []metric.Survival `json:"by_segment,omitempty"`
	// Milestones are the days at which the report reads the curves.
	Milestones []int64 `json:"milestones"`
}

// LifetimeMilestones are the days after the first purchase at which survival is reported (none
// before the window: a lapse is only seen once the window has passed).
var LifetimeMilestones = []int64{180, 365, 730}

func runLifetime(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (any, error) {
	w := int(math.Round(float64(a.Window) * a.Grain.Days()))
	q := fidelis.Query{Grain: o.Grain, To: o.To, Segment: o.Segment}
	cells, err := st.Lifetimes(ctx, q, w)
	if err != nil || len(cells) == 0 {
		return nil, err
	}
	l := &Lifetime{WindowDays: w, Overall: metric.KaplanMeier(cells)[0], Milestones: LifetimeMilestones}
	if o.By != "" {
		q.By = o.By
		if cells, err = st.Lifetimes(ctx, q, w); err != nil {
			return nil, err
		}
		l.BySegment = metric.KaplanMeier(cells)
	}
	return l, nil
}
