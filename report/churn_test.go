package report_test

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

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
	missing := &churn.Scores{AUC: math.NaN(), Missing: "the model could not be fitted on this store"}
	methods := map[string]*churn.Scores{churn.MethodGBDT: sc(0.78), churn.MethodLogistic: sc(0.77), churn.MethodBGNBD: sc(0.33),
		churn.MethodPareto: missing, churn.MethodHiatus: sc(0.79)}
	bt := &churn.Backtest{HorizonDays: 90, Pooled: methods, Winner: churn.MethodHiatus, RunnerUp: churn.MethodGBDT,
		Margin: 0.01, MarginLow: -0.002, MarginHigh: 0.02,
		Cutoffs: []*churn.Cutoff{{AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Test: 1000, LapseRate: 0.8, Methods: methods}}}
	a.Sections = map[string]any{"churn": &analysis.Churn{Backtest: bt}}
	return a
}

func TestChurnSection(t *testing.T) {
	for _, c := range []struct {
		lang, format string
		want         []string
	}{
		{"en", "html", []string{"the churn model, backtested", "★ Hiatus rule", "Best ranking: Hiatus rule, AUC 0.790", "do not beat", "worse than chance",
			"80.0% of customers lapse", "could not be fitted", "Perfect calibration", "<svg"}},
		{"en", "md", []string{"| Boosted trees | 0.780 (0.770–0.790) |", "Best ranking: Hiatus rule"}},
		{"pl", "md", []string{"Najlepszy ranking: Reguła przerwy", "nie dało się dopasować", "górne 10% nie pokaże przyrostu powyżej 1,25×"}},
		{"ro", "html", []string{"Cel mai bun clasament"}},
		{"lv", "html", []string{"Labākā ierindošana"}},
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
