package churn_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"fidelis"
	"fidelis/churn"
)

// synthSource serves generated rows for every cut-off (a fresh draw each time, like a store's
// rows at successive origins).
func synthSource(n int) churn.RowSource {
	seed := uint64(0)
	return func(_ context.Context, _, _ time.Time) ([]fidelis.ChurnRow, error) {
		seed++
		return genRows(n, seed), nil
	}
}

// A customer-base model whose fit misses its deadline is marked missing with that reason, its
// features are missing, and the backtest still compares the other methods: a failed base model
// never stalls or sinks the churn model (on the 1M-customer store a Pareto/NBD fit once ran for
// over 30 minutes).
func TestBaseModelPastDeadlineIsMissing(t *testing.T) {
	end := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	o := churn.Options{HorizonDays: 90, Cutoffs: 2, Bootstrap: 20, Seed: 1, BaseDeadline: time.Nanosecond}
	bt, err := churn.Run(context.Background(), synthSource(3000), end.AddDate(-3, 0, 0), end, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{churn.MethodBGNBD, churn.MethodPareto} {
		if s := bt.Pooled[m]; !strings.Contains(s.Missing, "deadline") || !math.IsNaN(s.AUC) {
			t.Errorf("%s: missing %q, AUC %v; want the deadline named and no AUC", m, s.Missing, s.AUC)
		}
	}
	for _, m := range []string{churn.MethodGBDT, churn.MethodLogistic, churn.MethodHiatus} {
		if s := bt.Pooled[m]; s.Missing != "" || !(s.AUC > 0.5) {
			t.Errorf("%s: missing %q, AUC %v", m, s.Missing, s.AUC)
		}
	}
	if notes := strings.Join(bt.Cutoffs[0].Notes, " "); !strings.Contains(notes, "BG/NBD features (p_alive, expected_purchases) are missing") {
		t.Errorf("cut-off notes do not say the features are missing: %q", notes)
	}
	if bt.Winner == churn.MethodBGNBD || bt.Winner == churn.MethodPareto {
		t.Errorf("winner %s is a model that was not fitted", bt.Winner)
	}

	sc, err := churn.ScoreAll(context.Background(), synthSource(3000), end, bt.Winner, o)
	if err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(sc.Notes, " "); !strings.Contains(notes, "p_alive_paretonbd is empty") || !strings.Contains(notes, "learned without the BG/NBD features") {
		t.Errorf("scoring notes: %q", notes)
	}
	if c := sc.Customers[0]; !math.IsNaN(c.PAlive) || !math.IsNaN(c.Pareto) || math.IsNaN(c.Risk) {
		t.Errorf("first customer: P(alive) %v, Pareto %v, risk %v", c.PAlive, c.Pareto, c.Risk)
	}
}

// A cancelled context stops the backtest with its error.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	end := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	_, err := churn.Run(ctx, synthSource(1000), end.AddDate(-3, 0, 0), end, churn.Options{Cutoffs: 2})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
