package report_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"fidelis"
	"fidelis/analysis"
	"fidelis/metric"
	"fidelis/report"
)

// small is a hand-built analysis with the core figures only: three monthly periods, a cohort
// matrix whose last cells are unfinished, no optional sections.
func small() *analysis.Analysis {
	ret := func(period string, s, e, n, kept int64) metric.Retention {
		id := metric.NewProportion(kept, s)
		return metric.Retention{Period: period, Start: s, End: e, New: n, Classic: float64(e-n) / float64(s) * 100, IDBased: id,
			Churn: metric.NewProportion(s-kept, s), WinBack: metric.NewProportion(10, 200), Orders: e * 2, Revenue: float64(e) * 151.25}
	}
	row := func(c string, size int64, shares ...int64) metric.CohortRow {
		r := metric.CohortRow{Cohort: c, Size: size}
		for i, k := range shares {
			r.Bounded = append(r.Bounded, metric.NewProportion(k, size))
			r.Unbounded = append(r.Unbounded, metric.NewProportion(k, size))
			r.Incomplete = append(r.Incomplete, i == len(shares)-1)
		}
		return r
	}
	rows := []metric.CohortRow{row("2026-01", 100, 100, 40, 30), row("2026-02", 80, 80, 30), row("2026-03", 50, 50)}
	mean := []metric.Proportion{metric.NewProportion(230, 230), metric.NewProportion(70, 180), metric.NewProportion(30, 100)}
	return &analysis.Analysis{
		Generated: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC), Grain: fidelis.Month, Window: 3, Currency: "EUR",
		Counts: map[fidelis.Kind]int64{fidelis.Customers: 1234, fidelis.Orders: 5678},
		First:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Last: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), LastComplete: true,
		Retention: []metric.Retention{ret("2026-01", 900, 950, 100, 800), ret("2026-02", 950, 1000, 120, 830), ret("2026-03", 1000, 1010, 110, 880)},
		Overall:   metric.NewProportion(2510, 2850),
		Cohorts:   &metric.CohortMatrix{Rows: rows, Mean: mean, MeanUnbounded: mean},
		Purchases: metric.Purchases{Buyers: 1234, Orders: 5678, RepeatRate: metric.NewProportion(700, 1234), Frequency: 4.6, AOV: 75.5, NetRevenue: 428689},
		Value:     metric.Value{Customers: 1234, CLVMean: 347.4, CLVQuantiles: []float64{20, 60, 150, 300, 700, 1100, 2000}, TenureMean: 200, TenureQuantiles: []float64{5, 20, 80, 200, 300, 350, 400}},
	}
}

// TestConcurrentRenders renders reports in two languages at once, many times: each must equal
// the same report rendered alone (the language travels with the render, not in a global).
func TestConcurrentRenders(t *testing.T) {
	a := small()
	want := map[string]string{}
	for _, lang := range []string{"en", "pl"} {
		var b bytes.Buffer
		if err := report.Render(&b, a, report.Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		want[lang] = b.String()
	}
	if want["en"] == want["pl"] || !strings.Contains(want["pl"], `<html lang="pl">`) {
		t.Fatal("the Polish report is not Polish")
	}
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for i := 0; i < 20; i++ {
		for _, lang := range []string{"en", "pl"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var b bytes.Buffer
				if err := report.Render(&b, a, report.Options{Lang: lang}); err != nil {
					errs <- err.Error()
				} else if b.String() != want[lang] {
					errs <- lang + ": a concurrent render differs from the render alone"
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestMissingKeysPerRender: the missing-key hook belongs to one render; a concurrent English
// render reports nothing to it.
func TestMissingKeysPerRender(t *testing.T) {
	a := small()
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for _, lang := range []string{"pl", "en"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := report.Options{Lang: lang}
			if lang == "en" {
				o.Missing = func(k string) { t.Errorf("English render reported %q", k) }
			} else {
				o.Missing = func(k string) { mu.Lock(); seen[k] = true; mu.Unlock() }
			}
			if err := report.Render(&bytes.Buffer{}, a, o); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for k := range seen {
		if strings.ContainsAny(k, "abcdefghijklmnopqrstuvwxyz") && strings.Contains(k, " ") {
			t.Errorf("Polish report: no translation for %q", k)
		}
	}
}
