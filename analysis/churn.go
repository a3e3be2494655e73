package analysis

import (
	"context"
	"errors"
	"time"

	"fidelis"
	"fidelis/churn"
)

func init() { Register("churn", runChurn) }

// Churn is the supervised churn section: the rolling-origin backtest of boosted trees against the
// customer-base models and the hiatus rule (package churn), at the report's settings.
type Churn struct {
	Backtest *churn.Backtest `json:"backtest"`
}

// Report settings: a 90-day horizon, two cut-offs and 50 bootstrap replicates keep the
// section to seconds on a typical store; fidelis churn takes other settings.
const (
	ReportChurnHorizon = 90
	reportChurnCutoffs = 2
	reportBootstrap    = 50
)

func runChurn(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (any, error) {
	cs, ok := st.(fidelis.ChurnStore)
	if !ok || a.Last.IsZero() {
		return nil, nil
	}
	src := func(ctx context.Context, asOf, until time.Time) ([]fidelis.ChurnRow, error) {
		var rows []fidelis.ChurnRow
		err := cs.ChurnRows(ctx, asOf, until, func(r fidelis.ChurnRow) error { rows = append(rows, r); return nil })
		return rows, err
	}
	bt, err := churn.Run(ctx, src, a.First, observationEnd(a),
		churn.Options{HorizonDays: ReportChurnHorizon, Cutoffs: reportChurnCutoffs, Bootstrap: reportBootstrap, Seed: 1})
	var fe *fidelis.Error
	if errors.As(err, &fe) && fe.Code == fidelis.EInvalid {
		a.Notes = append(a.Notes, "churn model: "+fe.Message)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Churn{Backtest: bt}, nil
}
