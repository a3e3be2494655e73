package analysis

import (
	"context"

	"fidelis"
	"fidelis/advocacy"
	"fidelis/metric"
)

func init() { Register("engagement", runEngagement) }

// Engagement is the channel-engagement section.
type Engagement struct {
	Channels     []advocacy.ChannelEngagement   `json:"channels"`
	Periods      []advocacy.EngagementPeriod    `json:"periods"`
	Multichannel metric.Proportion              `json:"multichannel_share_pooled"`
	Retention    []advocacy.EngagementRetention `json:"repeat_purchase_by_engagement"`
	RetentionBy  []advocacy.EngagementRetention `json:"repeat_purchase_by_engagement_by,omitempty"`
	Notes        []string                       `json:"definitions"`
}

func runEngagement(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (any, error) {
	if a.Counts[fidelis.Interactions] == 0 {
		return nil, nil
	}
	q := o.query()
	cells, err := st.Engagement(ctx, q)
	if err != nil {
		return nil, err
	}
	mix, err := st.EngagementMix(ctx, q)
	if err != nil {
		return nil, err
	}
	act, err := st.Activity(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &Engagement{Channels: advocacy.EngagementChannels(cells), Periods: advocacy.EngagementPeriods(cells, mix, act, o.Grain),
		Notes: []string{
			"Interactions per customer = interactions ÷ active (buying) customers of the period, and ÷ engaged customers (with any interaction).",
			"Depth: mean of the recorded depth per channel, in the data's unit (pages for email/web, seconds for app, store, support, chat in the demo).",
			"Multichannel share = engaged customers using at least two channels in the period ÷ engaged customers.",
			"Engagement and retention: customers who bought in a period, grouped by their interactions in it, and the share who bought again within the activity window after it (periods whose follow-up is not complete are left out).",
		}}
	var k, n int64
	for _, x := range mix {
		n += x.Customers
		if x.Channels >= 2 {
			k += x.Customers
		}
	}
	out.Multichannel = metric.NewProportion(k, n)
	rc, err := st.EngagementRetention(ctx, q)
	if err != nil {
		return nil, err
	}
	out.Retention = advocacy.EngagementRetentions(rc)
	if o.By != "" {
		qb := q
		qb.By = o.By
		if rc, err = st.EngagementRetention(ctx, qb); err != nil {
			return nil, err
		}
		out.RetentionBy = advocacy.EngagementRetentions(rc)
	}
	return out, nil
}
