package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"fidelis"
	"fidelis/analysis"
)

func init() {
	registerSection("engagement", "channel engagement: interactions per customer and channel, depth, multichannel share, trends, relation to retention", fidelis.Interactions, printEngagement)
}

func printEngagement(w io.Writer, v *analysis.Engagement) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "channel\tinteractions\tcustomer-periods\tper engaged customer\tmean depth\t")
	for _, c := range v.Channels {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%s\t\n", c.Channel, c.Interactions, c.Customers, c.PerCustomer, num2(c.Depth))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nMultichannel share (≥ 2 channels in a period, pooled): %s %%\n\n", ci(v.Multichannel))
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "period\tinteractions\tengaged\tactive\tper active customer\tper engaged\tmultichannel % [95% CI]\t")
	for _, p := range v.Periods {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t\n", p.Period, p.Interactions, p.Engaged, p.Active, num2(p.PerActive), num2(p.PerEngaged), ci(p.Multichannel))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nRepeat purchase within the activity window by interactions in the purchase period")
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "segment\tinteractions\tbuyers\tbought again % [95% CI]\t")
	rows := append(v.Retention, v.RetentionBy...)
	for _, r := range rows {
		seg := r.Segment
		if seg == "" {
			seg = "all"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t\n", seg, r.Bucket, r.Rate.N, ci(r.Rate))
	}
	tw.Flush()
}
