package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"

	"fidelis"
	"fidelis/analysis"
	"fidelis/report"
	"fidelis/voc"
)

func init() {
	register("voc", "voice of the customer: NPS, CSAT, CES with intervals, indices, comment drivers, themes, exit reasons", runVoC)
}

func runVoC(ctx context.Context, e *env, args []string) error {
	var f analysisFlags
	fs := newFlags(e, "voc", "voc [--db PATH] [--grain month] [--by ATTR] [--from DATE] [--to DATE] [--index-config FILE] [--json]")
	f.register(fs)
	cfgPath := fs.String("index-config", "", "JSON file defining the composite indices (items, scales, weights; see package voc)")
	limit := fs.Int("comments", analysis.DefaultVoCOptions().CommentLimit, "analyse at most this many comments, newest first (0: all)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	o, err := f.options()
	if err != nil {
		return err
	}
	vo := analysis.DefaultVoCOptions()
	vo.CommentLimit = *limit
	if *cfgPath != "" {
		fh, err := os.Open(*cfgPath)
		if err != nil {
			return fidelis.Errorf(fidelis.EInvalid, "index config: %v", err)
		}
		vo.Config, err = voc.LoadConfig(fh)
		fh.Close()
		if err != nil {
			return err
		}
	}
	st, err := openStore(ctx, e, f.storeFlags, true)
	if err != nil {
		return err
	}
	defer st.Close()
	// Price exits with the customer-base model when the orders allow a fit.
	if a, err := analysis.Basics(ctx, st, o); err == nil {
		if fc, err := analysis.Scores(ctx, st, a, "", false); err == nil {
			vo.Values, vo.ValuesDefinition = analysis.ValuesIfStayed(fc)
		}
	}
	v, err := analysis.VoiceOfCustomer(ctx, st, o, vo)
	if err != nil {
		return err
	}
	if v == nil {
		return fidelis.Errorf(fidelis.EInvalid, "the store has no survey answers and no exits").
			WithHint("fidelis import surveys FILE --db %s (and exits FILE)", f.db)
	}
	if f.json {
		return report.JSON(e.stdout, v)
	}
	printVoC(e.stdout, v)
	return nil
}

func npsCI(r voc.NPSResult) string {
	if r.N == 0 {
		return "–"
	}
	s := fmt.Sprintf("%+.1f [%+.1f, %+.1f]", r.Score.Value, r.Score.Low, r.Score.High)
	if r.Small {
		s += " small n"
	}
	return s
}

func estCI(e voc.Estimate, dec int) string {
	if math.IsNaN(e.Value) {
		return "–"
	}
	s := fmt.Sprintf("%.*f", dec, e.Value)
	if !math.IsNaN(e.Low) {
		s += fmt.Sprintf(" [%.*f–%.*f]", dec, e.Low, dec, e.High)
	}
	if e.Small {
		s += " small n"
	}
	return s
}

func diffText(d voc.NPSDiff) string {
	if math.IsNaN(d.Z) {
		return "–"
	}
	sig := "not significant"
	if d.Significant {
		sig = "significant"
	}
	return fmt.Sprintf("%+.1f [%+.1f, %+.1f] p=%.3f %s", d.Diff, d.Low, d.High, d.P, sig)
}

func printVoC(w io.Writer, v *analysis.VoC) {
	tab := func() *tabwriter.Writer { return tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight) }
	fmt.Fprintf(w, "Voice of the customer by %s. Intervals are 95%%; \"small n\" marks n < %d (a ±10-point NPS interval needs n ≈ %d).\n", v.Grain, v.MinSample, v.NPSMargin10)
	fmt.Fprintln(w, "\nResponses")
	tw := tab()
	fmt.Fprintln(tw, "kind\tscale\tanswers\t")
	for _, r := range v.Responses {
		fmt.Fprintf(tw, "%s\t%s\t%d\t\n", r.Kind, r.Scale, r.N)
	}
	tw.Flush()
	fmt.Fprintf(w, "response rate: %s\n", v.ResponseRate)

	if v.NPS.N > 0 {
		fmt.Fprintln(w, "\nNPS = % promoters (9–10) − % detractors (0–6); interval: adjusted Wald (Rocks 2016)")
		tw = tab()
		fmt.Fprintln(tw, "period\tn\tpromoters %\tpassives %\tdetractors %\tNPS [95% CI]\t")
		for _, p := range v.NPSPeriods {
			name := p.Period
			if !p.Complete {
				name += " (incomplete)"
			}
			r := p.NPS
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t\n", name, r.N, pctS(r.Promoters.Value), pctS(r.Passives.Value), pctS(r.Detractors.Value), npsCI(r))
		}
		fmt.Fprintf(tw, "all\t%d\t%s\t%s\t%s\t%s\t\n", v.NPS.N, pctS(v.NPS.Promoters.Value), pctS(v.NPS.Passives.Value), pctS(v.NPS.Detractors.Value), npsCI(v.NPS))
		tw.Flush()
		if c := v.NPSChange; c != nil {
			fmt.Fprintf(w, "change %s → %s (last two complete periods): %s (n %d vs %d)\n", c.From, c.To, diffText(c.Diff), c.Diff.NB, c.Diff.NA)
		}
		for _, g := range []struct {
			title string
			gs    []analysis.NPSGroup
		}{{"NPS by " + v.By, v.NPSSegments}, {"NPS by channel", v.NPSChannels}} {
			if len(g.gs) == 0 {
				continue
			}
			fmt.Fprintf(w, "\n%s (each group against all other respondents)\n", g.title)
			tw = tab()
			fmt.Fprintln(tw, "group\tn\tNPS [95% CI]\tdifference from the rest [95% CI]\t")
			for _, x := range g.gs {
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t\n", x.Name, x.NPS.N, npsCI(x.NPS), diffText(x.VsRest))
			}
			tw.Flush()
		}
	}
	if len(v.CSAT)+len(v.CES) > 0 {
		fmt.Fprintln(w, "\nCSAT (top-box share) and CES 2.0 (mean agreement, share easy), one row per scale; scales never mixed")
		tw = tab()
		fmt.Fprintln(tw, "metric\tscale\tn\tcounting as top box / easy\tshare % [95% CI]\tmean [95% CI]\t")
		for _, r := range v.CSAT {
			fmt.Fprintf(tw, "CSAT\t%s\t%d\t%s\t%s\t%s\t\n", r.Scale, r.N, boxText(r.TopBox), ci(r.Share), estCI(r.Mean, 2))
		}
		for _, r := range v.CES {
			fmt.Fprintf(tw, "CES\t%s\t%d\t%s\t%s\t%s\t\n", r.Scale, r.N, boxText(r.TopBox), ci(r.Share), estCI(r.Mean, 2))
		}
		tw.Flush()
	}
	if len(v.Indices) > 0 {
		fmt.Fprintln(w, "\nComposite indices (0–100; Fidelis definitions, no industry standard)")
		tw = tab()
		fmt.Fprintln(tw, "index\tmean [95% CI]\tcustomers\texcluded\titems (kinds read: answers)\t")
		for _, ix := range v.Indices {
			var items []string
			for _, it := range ix.Items {
				items = append(items, fmt.Sprintf("%s %s ×%.3g (%s: %d)", it.Name, it.Scale, it.Weight, strings.Join(it.Kinds, "|"), it.Answered))
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t\n", ix.Name, estCI(ix.Mean, 1), ix.Included, ix.Excluded, strings.Join(items, "; "))
		}
		tw.Flush()
		for _, ix := range v.Indices {
			if ix.Note != "" {
				fmt.Fprintf(w, "%s: %s\n", ix.Name, ix.Note)
			}
			for _, s := range ix.Segments {
				fmt.Fprintf(w, "  %s, %s = %s: %s\n", ix.Name, v.By, s.Segment, estCI(s.Mean, 1))
			}
		}
	}
	if v.Drivers != nil {
		fmt.Fprintf(w, "\nComment drivers, %d comments: %s\n", v.Comments, v.Drivers.Method)
		printDrivers(w, "all languages", *v.Drivers, 10)
		for _, l := range v.DriversByLanguage {
			printDrivers(w, "language "+l.Language, l.Drivers, 5)
		}
	}
	if len(v.Themes) > 0 {
		fmt.Fprintln(w, "\nThemes (share of comments mentioning them; sentiment = NPS of the scored comments that do)")
		tw = tab()
		fmt.Fprintln(tw, "theme\tmentions\tshare % [95% CI]\tsentiment NPS [95% CI]\tlast periods (mentions)\t")
		for _, t := range v.Themes {
			var last []string
			for _, p := range t.Periods[max(0, len(t.Periods)-4):] {
				last = append(last, fmt.Sprintf("%s %d", p.Period, p.Mentions))
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t\n", t.Name, t.Mentions, ci(t.Share), npsCI(t.Sentiment), strings.Join(last, ", "))
		}
		tw.Flush()
	}
	if v.Exits != nil {
		a := v.Exits.All
		fmt.Fprintf(w, "\nExit reasons (%d exits, revenue to date lost %.2f; CLV %s)\n", a.N, a.Revenue, v.CLV)
		tw = tab()
		fmt.Fprintln(tw, "reason\texits\tshare % [95% CI]\trevenue lost\trevenue share %\tCLV lost\t")
		for _, r := range a.ByCount {
			clv := "n/a"
			if a.ByCLV != nil && r.CLVKnown > 0 {
				clv = fmt.Sprintf("%.2f", r.CLV)
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%.2f\t%s\t%s\t\n", r.Reason, r.Count, ci(r.Share), r.Revenue, pctS(r.RevenueShare), clv)
		}
		tw.Flush()
		if len(a.ByRevenue) > 0 {
			fmt.Fprintf(w, "most revenue lost: %s (%.2f)\n", a.ByRevenue[0].Reason, a.ByRevenue[0].Revenue)
		}
		for _, s := range v.Exits.Segments {
			if len(s.Table.ByCount) > 0 {
				top := s.Table.ByCount[0]
				fmt.Fprintf(w, "  %s = %s: %d exits, top reason %s (%s %%)\n", v.By, s.Key, s.Table.N, top.Reason, ci(top.Share))
			}
		}
	}
	if d := v.Defection; d != nil {
		fmt.Fprintf(w, "\nDefectors (%d) vs loyal customers (%d) as of %s: attribute values by q-value (Benjamini–Hochberg)\n", d.Defectors, d.Loyal, date(d.AsOf))
		tw = tab()
		fmt.Fprintln(tw, "attribute\tvalue\tdefectors % [95% CI]\tloyal % [95% CI]\tdifference pp\ttest\tq\t\t")
		for i, x := range d.Effects {
			if i == 15 {
				break
			}
			mark := ""
			if x.Significant {
				mark = "significant"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%+.1f\t%s\t%.3g\t%s\t\n", x.Attribute, x.Value, ci(x.Defectors), ci(x.Loyal), x.Diff, x.Test, x.Q, mark)
		}
		tw.Flush()
	}
	if len(v.Warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings")
		for _, s := range v.Warnings {
			fmt.Fprintf(w, "  - %s\n", s)
		}
	}
}

func boxText(b []int) string {
	if len(b) == 0 {
		return "–"
	}
	if len(b) == 1 || b[0] == b[len(b)-1] {
		return fmt.Sprint(b[0])
	}
	return fmt.Sprintf("%d–%d", b[0], b[len(b)-1])
}

func printDrivers(w io.Writer, title string, r voc.DriversResult, top int) {
	fmt.Fprintf(w, "%s: %d detractor and %d promoter comments", title, r.A.Comments, r.B.Comments)
	if r.Small {
		fmt.Fprint(w, " (small n)")
	}
	fmt.Fprintln(w)
	for _, side := range []voc.DriverSide{r.A, r.B} {
		var terms []string
		for i, t := range side.Terms {
			if i == top {
				break
			}
			terms = append(terms, fmt.Sprintf("%s (z %.1f, %d×)", t.Term, t.Z, t.Count))
		}
		ex := ""
		if len(side.Terms) > 0 && len(side.Terms[0].Examples) > 0 {
			ex = fmt.Sprintf(" — e.g. %q", side.Terms[0].Examples[0])
		}
		fmt.Fprintf(w, "  %s: %s%s\n", side.Label, strings.Join(terms, ", "), ex)
	}
}
