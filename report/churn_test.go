package report_test

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"fidelis"
	"fidelis/analysis"
	"fidelis/churn"
	"fidelis/report"
)

// withChurn adds a hand-made backtest to the small analysis: BG/NBD below chance, most customers
// lapsing, the trees not beating the baselines, Pareto/NBD missing.
func withChurn() *analysis.Analysis {
	a := small()
	sc := func(auc float64) *churn.Scores {
		bins, _ := churn.Reliability([]float64{0.15, 0.55, 0.95, 0.95}, []float64{0, 1, 1, 1})
		return &churn.Scores{AUC: auc, AUCLow: auc - 0.01, AUCHigh: auc + 0.01, Brier: 0.1, ECE: 0.02, LiftTop10: 1.2, RevenueTop10: 0.3, Reliability: bins}
	}
	why := fidelis.M("%s fit stopped at its %s deadline", "Pareto/NBD", "1m30s")
	missing := &churn.Scores{AUC: math.NaN(), Missing: why.String(), MissingMsg: why}
	methods := map[string]*churn.Scores{churn.MethodGBDT: sc(0.78), churn.MethodLogistic: sc(0.77), churn.MethodBGNBD: sc(0.33),
		churn.MethodPareto: missing, churn.MethodHiatus: sc(0.79)}
	bt := &churn.Backtest{HorizonDays: 90, Pooled: methods, Winner: churn.MethodHiatus, RunnerUp: churn.MethodGBDT,
		Margin: 0.01, MarginLow: -0.002, MarginHigh: 0.02,
		Cutoffs: []*churn.Cutoff{{AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Test: 1000, LapseRate: 0.8, Methods: methods}}}
	recency := fidelis.M("days since the last purchase")
	member := fidelis.M("programme member")
	region := fidelis.M("region is %s", "North")
	scoring := &churn.Scoring{AsOf: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), Method: churn.MethodHiatus,
		Importance: []churn.Importance{{Feature: "recency_days", Msg: recency, Share: 0.6}, {Feature: "region:North", Msg: region, Share: 0.4}},
		NoteMsgs:   fidelis.Msgs{fidelis.M("%s: p_alive_paretonbd is empty", why)}}
	top := []churn.Customer{{Customer: "C1", Risk: 0.91, Recency: 200, Revenue: 1234.5, Reasons: []churn.Reason{
		{Key: "recency_days", Msg: recency, Value: 200}, {Key: "member", Msg: member, Value: 0}, {Key: "p_alive", Msg: fidelis.M("P(alive), BG/NBD"), Value: 0.0023}}}}
	basis := fidelis.M("Winner of the %d-day churn backtest: %s (AUC %.3f); risk stays 1 − P(alive) of the customer-base model", 90, fidelis.M("the hiatus rule"), 0.79)
	a.Sections = map[string]any{"churn": &analysis.Churn{Backtest: bt, Scoring: scoring, Top: top, Basis: analysis.RiskBasis{Method: churn.MethodHiatus, Msg: basis}}}
	return a
}

// Every feature label and every reason a base model can be missing is in the catalogue, so that
// reasons and importance read in every report language.
func TestChurnMessagesTranslated(t *testing.T) {
	for _, k := range append(churn.Labels(), churn.MissingMessages...) {
		if _, ok := report.Catalogue()[k]; !ok {
			t.Errorf("%q is not in the catalogue", k)
		}
	}
}

func TestChurnSection(t *testing.T) {
	for _, c := range []struct {
		lang, format string
		want         []string
	}{
		{"en", "html", []string{"the churn model, backtested", "★ Hiatus rule", "Best ranking: Hiatus rule, AUC 0.790", "do not beat", "worse than chance",
			"80.0% of customers lapse", "could not be fitted: Pareto/NBD fit stopped at its 1m30s deadline", "Perfect calibration", "<svg",
			"Winner of the 90-day churn backtest: the hiatus rule", "What drives the risk", "<td>days since the last purchase</td><td>60.0%</td>", "region is North",
			"days since the last purchase: 200; programme member: no; P(alive), BG/NBD: 0.0023", "p_alive_paretonbd is empty"}},
		{"en", "md", []string{"| Boosted trees | 0.780 (0.770–0.790) |", "Best ranking: Hiatus rule", "| 1 Jan 2026 | 1,000 | 80.0% |", "| C1 | 91.0% | 200 |"}},
		{"pl", "md", []string{"Najlepszy ranking: Reguła przerwy", "nie dało się dopasować: dopasowanie Pareto/NBD przerwane", "górne 10% nie pokaże przyrostu powyżej 1,25×",
			"Zwycięzca 90-dniowego testu", "| dni od ostatniego zakupu | 60,0% |", "region to North", "dni od ostatniego zakupu: 200; członek programu: nie; P(aktywny), BG/NBD: 0,0023"}},
		{"ro", "html", []string{"Cel mai bun clasament", "zile de la ultima achiziție: 200", "Câștigătorul testului"}},
		{"lv", "html", []string{"Labākā ierindošana", "dienas kopš pēdējā pirkuma: 200", "uzvarētājs"}},
	} {
		var b bytes.Buffer
		if err := report.Render(&b, withChurn(), report.Options{Lang: c.lang, Format: c.format}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s %s: no %q", c.lang, c.format, w)
			}
		}
		if strings.Contains(out, "%!") {
			t.Errorf("%s %s: a formatting error: %s", c.lang, c.format, out[strings.Index(out, "%!")-80:strings.Index(out, "%!")+20])
		}
	}
}

// When the trees have the best AUC but not by a margin the backtest can tell from noise, the note
// says exactly that (not that another method is used).
func TestChurnNoteTreesWithinNoise(t *testing.T) {
	a := withChurn()
	ch := a.Sections["churn"].(*analysis.Churn)
	ch.Backtest.Winner, ch.Backtest.Pooled[churn.MethodGBDT].AUC = churn.MethodGBDT, 0.80
	var b bytes.Buffer
	if err := report.Render(&b, a, report.Options{Lang: "en", Format: "md"}); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "Boosted trees ranks best, but the boosted trees' lead") || strings.Contains(out, "so the better of those is the one to use") {
		t.Errorf("notes:\n%s", out)
	}
}
