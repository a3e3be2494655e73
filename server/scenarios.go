package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"fidelis"
	"fidelis/analysis"
	"fidelis/scenario"
)

type whatIfInput struct {
	Filters
	Lever   string  `query:"lever" required:"true" enum:"retention,churn,frequency,detractors,top-risk" doc:"what changes: retention or churn (points per month), frequency, detractors or top-risk (percent; top-risk: lapses among the churn model's riskiest decile)"`
	Delta   float64 `query:"delta" required:"true" minimum:"-100" maximum:"100" doc:"the change: +5 points of retention, -10 percent detractors, ..."`
	Horizon int     `query:"horizon" minimum:"1" maximum:"120" default:"12" doc:"months"`
	Within  string  `query:"within" maxLength:"200" doc:"ATTR=VALUE: the question for one segment's customers (fidelis whatif --segment)"`
}

// WhatIfResult is fidelis whatif --json, with the note the CLI prints to stderr.
type WhatIfResult struct {
	scenario.Result
	Note string `json:"note,omitempty" doc:"why the value per customer is history rather than a model's prediction, when it is"`
}

type riskInput struct {
	Filters
	MinRisk  float64 `query:"min_risk" minimum:"0" maximum:"1" default:"0.5" doc:"keep customers whose churn risk is at least this"`
	MinAlive float64 `query:"min_alive" minimum:"0" maximum:"1" default:"0.05" doc:"leave out customers whose P(alive) is below this (almost surely gone: a win-back list)"`
	Top      int     `query:"top" minimum:"0" maximum:"1000000" default:"100" doc:"the N customers with the most value at stake (0: all)"`
	Churn    bool    `query:"churn" doc:"rank by the churn model's backtest winner (its probability of no purchase in its horizon, column p_lapse) when it is not a P(alive) model (fidelis risk --churn)"`
}

type predictInput struct {
	Filters
	Page    int `query:"page" minimum:"1" default:"1"`
	PerPage int `query:"per_page" minimum:"1" maximum:"1000" default:"100"`
}

// Predictions is a page of every customer's scores from the model the holdout check selected.
type Predictions struct {
	Model   string `json:"model" doc:"the purchase model that passed the holdout check, refitted on all history; empty when none passed"`
	Note    string `json:"note,omitempty" doc:"why p_alive, expected_purchases and predicted_clv are null, when they are"`
	Months  int    `json:"horizon_months"`
	Total   int    `json:"total"`
	Page    int    `json:"page"`
	PerPage int    `json:"per_page"`
	// Customers are in the forecast's order, which stays put while the store does not change.
	Customers []analysis.CustomerScore `json:"customers"`
}

// routeScenarios registers the routes of the per-customer and what-if commands: whatif, risk and
// predict.
func (s *Server) routeScenarios() {
	get := func(id, path, summary string) huma.Operation {
		return scopeOp(huma.Operation{OperationID: id, Method: http.MethodGet, Path: path, Summary: summary, Tags: []string{"analyses"}, Errors: []int{400, 404}}, ScopeRead)
	}
	huma.Register(s.api, get("whatif", "/v1/whatif", "What one change (retention, churn, frequency, detractors, top-risk lapses) is worth over a horizon (fidelis whatif --json)"),
		func(ctx context.Context, in *whatIfInput) (*body[WhatIfResult], error) {
			q := analysis.WhatIf{Lever: in.Lever, Delta: in.Delta, Months: in.Horizon}
			if in.Within != "" {
				k, v, ok := strings.Cut(in.Within, "=")
				if !ok || k == "" || v == "" {
					return nil, apiError(ctx, fidelis.Errorf(fidelis.EInvalid, "within=%s: want ATTR=VALUE, e.g. region=North", in.Within))
				}
				q.By, q.Value = fidelis.CleanName(k), v
			}
			key := fmt.Sprintf("/v1/whatif:%s:%g:%d:%s=%s", q.Lever, q.Delta, q.Months, q.By, q.Value)
			v, err := s.cached(ctx, key, in.Filters, false, func(ctx context.Context, _ analysis.Options) (any, error) {
				a, err := s.full(ctx, in.Filters)
				if err != nil {
					return nil, err
				}
				if q.Lever == "top-risk" {
					q.Churn = analysis.Section[analysis.Churn](a, "churn")
				}
				s.store.RLock()
				defer s.store.RUnlock()
				if err := s.checkBy(ctx, q.By); err != nil {
					return nil, err
				}
				res, note, err := analysis.RunWhatIf(ctx, s.cfg.Store, a, q)
				return &WhatIfResult{Result: res, Note: note}, err
			})
			if err != nil {
				return nil, apiError(ctx, err)
			}
			return &body[WhatIfResult]{v.(*WhatIfResult)}, nil
		})
	huma.Register(s.api, get("risk", "/v1/risk", "Customers ranked by churn risk and value at stake (fidelis risk --out FILE.json)"),
		func(ctx context.Context, in *riskInput) (*body[[]analysis.RiskRow], error) {
			key := fmt.Sprintf("/v1/risk:%g:%g:%d:%t", in.MinRisk, in.MinAlive, in.Top, in.Churn)
			v, err := s.cached(ctx, key, in.Filters, false, func(ctx context.Context, o analysis.Options) (any, error) {
				a, err := s.full(ctx, in.Filters)
				if err != nil {
					return nil, err
				}
				var plapse map[string]float64
				if in.Churn {
					if ch := analysis.Section[analysis.Churn](a, "churn"); ch != nil {
						plapse = ch.Risk()
					}
				}
				s.store.RLock()
				defer s.store.RUnlock()
				f, err := analysis.Scores(ctx, s.cfg.Store, a, o.By, true)
				if err != nil {
					return nil, err
				}
				rows := analysis.RiskRows(f, plapse, analysis.RiskOptions{MinRisk: in.MinRisk, MinAlive: in.MinAlive, Top: in.Top})
				if rows == nil {
					rows = []analysis.RiskRow{}
				}
				return &rows, nil
			})
			if err != nil {
				return nil, apiError(ctx, err)
			}
			return &body[[]analysis.RiskRow]{v.(*[]analysis.RiskRow)}, nil
		})
	huma.Register(s.api, get("predict", "/v1/predict", "Every customer's P(alive), expected purchases, expected spend and CLV from the model the holdout check selected, a page at a time"),
		func(ctx context.Context, in *predictInput) (*body[Predictions], error) {
			key := fmt.Sprintf("/v1/predict:%d:%d", in.Page, in.PerPage)
			v, err := project(s, ctx, key, in.Filters, func(a *analysis.Analysis) (*Predictions, error) {
				f := a.Forecast()
				if f == nil {
					return nil, fidelis.Errorf(fidelis.ENotFound, "no forecast on this store: too few orders to fit a customer-base model (see /v1/fit)")
				}
				p := &Predictions{Months: f.Months, Total: len(f.Scores), Page: in.Page, PerPage: in.PerPage}
				if f.Trusted() {
					p.Model = analysis.ModelNames[f.Fit.Model]
				} else {
					p.Note = f.Selection.Gate.Verdict
				}
				lo := min(len(f.Scores), (in.Page-1)*in.PerPage)
				p.Customers = f.Scores[lo:min(len(f.Scores), lo+in.PerPage)]
				return p, nil
			})
			return &body[Predictions]{v}, err
		})
}
