package churn_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"fidelis"
	"fidelis/churn"
)

// seriesStore serves sizes[k] rows at the cut-off whose AsOf is day k (customers numbered in
// order, X the cut-off) and records the series it opens.
type seriesStore struct {
	sizes  []int
	opened [][]fidelis.ChurnCut
}

func cutDay(k int) time.Time { return time.Date(2024, 1, 1+k, 0, 0, 0, 0, time.UTC) }

func (s *seriesStore) ChurnRows(ctx context.Context, asOf, until time.Time, fn func(fidelis.ChurnRow) error) error {
	cs, err := s.ChurnSeries(ctx, []fidelis.ChurnCut{{AsOf: asOf, Until: until}})
	if err != nil {
		return err
	}
	rows, err := cs.Rows(ctx, 0)
	for _, r := range rows {
		if err == nil {
			err = fn(r)
		}
	}
	return err
}

func (s *seriesStore) ChurnSeries(_ context.Context, cuts []fidelis.ChurnCut) (fidelis.ChurnSeries, error) {
	s.opened = append(s.opened, cuts)
	return sizedSeries{s: s, cuts: cuts}, nil
}

type sizedSeries struct {
	s    *seriesStore
	cuts []fidelis.ChurnCut
}

func (ss sizedSeries) day(k int) int { return int(ss.cuts[k].AsOf.Sub(cutDay(0)).Hours() / 24) }

func (ss sizedSeries) Rows(_ context.Context, k int) ([]fidelis.ChurnRow, error) {
	rows := make([]fidelis.ChurnRow, ss.s.sizes[ss.day(k)])
	for i := range rows {
		rows[i] = fidelis.ChurnRow{Customer: fmt.Sprintf("C%07d", i), X: float64(ss.day(k))}
	}
	return rows, nil
}

// StoreRows reads the planned cut-offs from one series, opened at the first of them, and any
// other cut-off from a series of its own.
func TestStoreRowsReadsThePlanInOneSeries(t *testing.T) {
	st := &seriesStore{sizes: []int{0, 70_000, 5, 240_000}}
	var plan []fidelis.ChurnCut
	for k := range 3 {
		plan = append(plan, fidelis.ChurnCut{AsOf: cutDay(k), Until: cutDay(k + 1)})
	}
	src := churn.StoreRows(st, plan)
	read := func(k, until int) {
		t.Helper()
		rows, err := src(context.Background(), cutDay(k), cutDay(until))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != st.sizes[k] {
			t.Fatalf("cut-off %d: %d rows, want %d", k, len(rows), st.sizes[k])
		}
		for i, r := range rows {
			if r.Customer != fmt.Sprintf("C%07d", i) || r.X != float64(k) {
				t.Fatalf("cut-off %d: row %d is %s (X %v)", k, i, r.Customer, r.X)
			}
		}
	}
	read(0, 1)
	read(1, 2)
	read(3, 3) // not planned
	read(2, 3)
	want := [][]fidelis.ChurnCut{plan, {{AsOf: cutDay(3), Until: cutDay(3)}}}
	if !reflect.DeepEqual(st.opened, want) {
		t.Errorf("series opened %v, want %v", st.opened, want)
	}
}

// Reads lists exactly the reads BacktestAndScore makes, in order (so that StoreRows serves them
// all from one series), with and without an origin left out for a short history.
func TestReadsAreTheBacktestsReads(t *testing.T) {
	end := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, start := range []time.Time{end.AddDate(-3, 0, 0), end.AddDate(0, -12, 0)} {
		o := churn.Options{HorizonDays: 90, Cutoffs: 3, Bootstrap: 10, Seed: 1}
		var got []fidelis.ChurnCut
		inner := synthSource(1500)
		src := func(ctx context.Context, asOf, until time.Time) ([]fidelis.ChurnRow, error) {
			got = append(got, fidelis.ChurnCut{AsOf: asOf, Until: until})
			return inner(ctx, asOf, until)
		}
		if _, _, err := churn.BacktestAndScore(context.Background(), src, start, end, o); err != nil {
			t.Fatal(err)
		}
		if want := churn.Reads(start, end, o); !reflect.DeepEqual(got, want) {
			t.Errorf("start %s: reads %v, planned %v", start.Format(time.DateOnly), got, want)
		}
	}
}
