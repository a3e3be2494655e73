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
	// period, the customers who bought in i, by interactions in i (bucket 0: none, 1: 1–2,
	// 2: 3–5, 3: 6 or more), and how many of them bought again in the follow-up.
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

// EngagementRetentionCell is one engagement bucket's repeat purchase, pooled over periods.
type EngagementRetentionCell struct {
	Segment  string
	Bucket   int
	Buyers   int64 // customer-periods with a purchase
	Returned int64 // of those, followed by a purchase within the follow-up
}
