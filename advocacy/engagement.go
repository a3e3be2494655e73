package advocacy

import (
	"slices"
	"sort"

	"fidelis"
	"fidelis/metric"
)

// ChannelEngagement is one channel's engagement over the window.
type ChannelEngagement struct {
	Channel      string  `json:"channel"`
	Interactions int64   `json:"interactions"`
	Customers    int64   `json:"customer_periods"`
	PerCustomer  float64 `json:"interactions_per_engaged_customer"`
	// Depth is the mean depth (pages or seconds, as the data records it for the channel).
	Depth float64 `json:"mean_depth"`
}

// EngagementPeriod is one period's engagement.
type EngagementPeriod struct {
	Segment      string `json:"segment,omitempty"`
	Period       string `json:"period"`
	Index        int64  `json:"-"`
	Interactions int64  `json:"interactions"`
	Engaged      int64  `json:"engaged_customers"`
	Active       int64  `json:"active_customers"`
	// PerActive = interactions ÷ active (buying) customers; PerEngaged = interactions ÷ engaged.
	PerActive  float64 `json:"interactions_per_active_customer"`
	PerEngaged float64 `json:"interactions_per_engaged_customer"`
	// Multichannel = engaged customers using ≥ 2 channels in the period ÷ engaged customers.
	Multichannel metric.Proportion `json:"multichannel_share"`
}

// EngagementRetention is repeat purchase by engagement bucket.
type EngagementRetention struct {
	Segment string            `json:"segment,omitempty"`
	Bucket  string            `json:"interactions_in_period"`
	Rate    metric.Proportion `json:"bought_again_within_window"`
}

// InteractionBuckets group a buyer's interactions in the period of purchase for the repeat
// purchase by engagement table: none, 1–2, 3–5, 6 or more. The one definition of these buckets
// (the store returns exact counts). The edges are Fidelis' choice, not a published standard:
// ranges that roughly double, so "none" (reached only through the purchase itself), occasional,
// regular and heavy contact each hold a share of buyers on typical retail data.
var InteractionBuckets = fidelis.Buckets{{Min: 0, Name: "none"}, {Min: 1, Name: "1–2"}, {Min: 3, Name: "3–5"}, {Min: 6, Name: "6+"}}

// EngagementChannels sums cells per channel (Customers sums distinct customers per period:
// customer-periods), busiest channel first.
func EngagementChannels(cells []fidelis.EngagementCell) []ChannelEngagement {
	m := map[string]*ChannelEngagement{}
	depth, dn := map[string]float64{}, map[string]float64{}
	for _, c := range cells {
		e := m[c.Channel]
		if e == nil {
			e = &ChannelEngagement{Channel: c.Channel}
			m[c.Channel] = e
		}
		e.Interactions += c.Interactions
		e.Customers += c.Customers
		depth[c.Channel] += c.Depth
		dn[c.Channel] += float64(c.DepthN)
	}
	var out []ChannelEngagement
	for ch, e := range m {
		e.PerCustomer = ratio(float64(e.Interactions), float64(e.Customers))
		e.Depth = ratio(depth[ch], dn[ch])
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Interactions > out[j].Interactions })
	return out
}

// EngagementPeriods computes per segment and period interactions per active customer (active as
// in the retention metrics), per engaged customer, and the multichannel share.
func EngagementPeriods(cells []fidelis.EngagementCell, mix []fidelis.ChannelMix, activity []fidelis.ActivityCell, g fidelis.Grain) []EngagementPeriod {
	type key struct {
		seg string
		p   int64
	}
	rows := map[key]*EngagementPeriod{}
	get := func(k key) *EngagementPeriod {
		r := rows[k]
		if r == nil {
			r = &EngagementPeriod{Segment: k.seg, Period: g.Label(k.p), Index: k.p}
			rows[k] = r
		}
		return r
	}
	multi := map[key]int64{}
	for _, c := range cells {
		get(key{c.Segment, c.Period}).Interactions += c.Interactions
	}
	for _, x := range mix {
		r := get(key{x.Segment, x.Period})
		r.Engaged += x.Customers
		if x.Channels >= 2 {
			multi[key{x.Segment, x.Period}] += x.Customers
		}
	}
	for _, a := range activity {
		if r := rows[key{a.Segment, a.Period}]; r != nil {
			r.Active = a.Active
		}
	}
	var out []EngagementPeriod
	for k, r := range rows {
		r.PerActive = ratio(float64(r.Interactions), float64(r.Active))
		r.PerEngaged = ratio(float64(r.Interactions), float64(r.Engaged))
		r.Multichannel = metric.NewProportion(multi[k], r.Engaged)
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Segment != out[j].Segment {
			return out[i].Segment < out[j].Segment
		}
		return out[i].Index < out[j].Index
	})
	return out
}

// EngagementRetentions groups the store's exact interaction counts into InteractionBuckets
// and turns them into repeat-purchase rates with Wilson intervals: of the customers who bought in
// a period with that many interactions, the share who bought again within the activity window.
func EngagementRetentions(cells []fidelis.EngagementRetentionCell) []EngagementRetention {
	return BucketRetentions(cells, InteractionBuckets)
}

// BucketRetentions groups cells into the buckets b: per segment (ascending) and bucket, buckets
// without buyers left out.
func BucketRetentions(cells []fidelis.EngagementRetentionCell, b fidelis.Buckets) []EngagementRetention {
	type key struct {
		seg    string
		bucket int
	}
	sum := map[key][2]int64{}
	var segs []string
	for _, c := range cells {
		if !slices.Contains(segs, c.Segment) {
			segs = append(segs, c.Segment)
		}
		k := key{c.Segment, b.Of(c.Interactions)}
		v := sum[k]
		sum[k] = [2]int64{v[0] + c.Buyers, v[1] + c.Returned}
	}
	sort.Strings(segs)
	var out []EngagementRetention
	for _, seg := range segs {
		for i, bk := range b {
			if v := sum[key{seg, i}]; v[0] > 0 {
				out = append(out, EngagementRetention{Segment: seg, Bucket: bk.Name, Rate: metric.NewProportion(v[1], v[0])})
			}
		}
	}
	return out
}
