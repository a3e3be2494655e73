package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"fidelis"
	"fidelis/analysis"
)

func init() {
	registerSection("social", "social mentions: likes, shares, comments, reach per platform and period, sentiment, top amplifiers", fidelis.Social, printSocial)
}

func printSocial(w io.Writer, v *analysis.Social) {
	fmt.Fprintf(w, "Sentiment: %d mentions labelled in the data, %d labelled from their text, %d without sentiment\n\n", v.Labelled, v.FromText, v.Unlabelled)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "platform\tmentions\tlikes\tshares\tcomments\treach\tengagement rate %\tpositive % [95% CI]\tnegative % [95% CI]\t")
	for _, p := range v.Platforms {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t\n", p.Platform, p.Mentions, p.Likes, p.Shares, p.Comments, p.Reach, pctS(p.EngagementRate), ci(p.Positive), ci(p.Negative))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "period\tmentions\treach\tpositive % [95% CI]\tnegative % [95% CI]\tnet sentiment\t")
	for _, p := range v.Periods {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t\n", p.Period, p.Mentions, p.Reach, ci(p.Positive), ci(p.Negative), num2(p.NetSentiment))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nTop amplifiers (by reach)")
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "customer\tmentions\tpositive\tnegative\tlikes\tshares\treach\t")
	for _, a := range v.Amplifiers {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", a.Customer, a.Mentions, a.Positive, a.Negative, a.Likes, a.Shares, a.Reach)
	}
	tw.Flush()
}
