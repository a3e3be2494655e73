package fidelis

import "context"

// EngagementStore is the channel-engagement part of Store: interactions (email, web, app,
// store, support, chat, ...) counted per channel and period, and engagement set against repeat
// purchase.
type EngagementStore interface {
	// Engagement returns, per segment, period and channel, the interactions of [q.From, q.To).
	Engagement(ctx context.Context, q Query) ([]EngagementCell, error)
	// EngagementMix returns, per segment and period, the engaged customers by how many distinct
	// channels they used in the period.
	EngagementMix(ctx context.Context, q Query) ([]ChannelMix, error)
	// EngagementRetention relates engagement to repeat purchase: for every period i of the window
	// whose follow-up (the q.ActivityWindow() periods after i) ends before the last order's
	// period, the customers who bought in i, by their number of interactions in i, and how many of
	// them bought again in the follow-up. The store returns exact interaction counts; grouping
	// them into buckets is the metric's rule (advocacy.InteractionBuckets), not the store's.
	EngagementRetention(ctx context.Context, q Query) ([]EngagementRetentionCell, error)
}

// EngagementCell counts one channel's interactions in one period.
type EngagementCell struct {
	Segment      string
	Period       int64
	Channel      string
	Interactions int64
	Customers    int64   // distinct customers
	Depth        float64 // sum of depth (pages, seconds: units differ by channel)
	DepthN       int64   // interactions with a depth
}

// ChannelMix counts the customers with interactions in period Period by number of channels.
type ChannelMix struct {
	Segment   string
	Period    int64
	Channels  int64 // distinct channels used in the period
	Customers int64
}

// EngagementRetentionCell is the repeat purchase of the buyers with exactly Interactions
// interactions in the period of purchase, pooled over periods.
type EngagementRetentionCell struct {
	Segment      string
	Interactions int64 // interactions of the customer in the period of purchase
	Buyers       int64 // customer-periods with a purchase
	Returned     int64 // of those, followed by a purchase within the follow-up
}
