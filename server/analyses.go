package server

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"fidelis"
	"fidelis/analysis"
	"fidelis/insight"
	"fidelis/metric"
	"fidelis/report"
)

// Filters are the query parameters every analysis takes.
type Filters struct {
	From   string `query:"from" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" doc:"first day of the window (YYYY-MM-DD); the window is [from, to)"`
	To     string `query:"to" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" doc:"day after the window (YYYY-MM-DD, exclusive)"`
	Grain  string `query:"grain" enum:"day,week,month,quarter,year" doc:"period length (default month)"`
	By     string `query:"by" maxLength:"64" doc:"break down by a customer attribute (one of /v1/dimensions)"`
	Window int    `query:"window" minimum:"0" maximum:"1000" doc:"activity window in periods (0: about 90 days)"`
	// Segment may repeat: only customers matching every one count.
	Segment []string `query:"segment,explode" maxItems:"8" doc:"only customers with this attribute value, ATTR=VALUE (e.g. region=North); repeat for several (all must hold)"`
}

// options checks the filters and returns the analysis options they describe.
func (f Filters) options() (analysis.Options, error) {
	o := analysis.Options{Grain: fidelis.Month, Window: f.Window}
	if f.Grain != "" {
		g, err := fidelis.ParseGrain(f.Grain)
		if err != nil {
			return o, err
		}
		o.Grain = g
	}
	if f.By != "" {
		o.By = fidelis.CleanName(f.By)
	}
	for _, d := range []struct {
		name, s string
		dst     *time.Time
	}{{"from", f.From, &o.From}, {"to", f.To, &o.To}} {
		if d.s == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.s)
		if err != nil {
			return o, fidelis.Errorf(fidelis.EInvalid, "%s=%s: not a date (want YYYY-MM-DD)", d.name, d.s)
		}
		*d.dst = t
	}
	for _, s := range f.Segment {
		av, err := fidelis.ParseSegment(s)
		if err != nil {
			return o, err
		}
		o.Segment = append(o.Segment, av)
	}
	slices.SortFunc(o.Segment, func(x, y fidelis.AttrValue) int {
		return cmp.Or(strings.Compare(x.Name, y.Name), strings.Compare(x.Value, y.Value))
	})
	o.Segment = slices.Compact(o.Segment)
	if !o.From.IsZero() && !o.To.IsZero() && !o.From.Before(o.To) {
		return o, fidelis.Errorf(fidelis.EInvalid, "from=%s is not before to=%s: the window [from, to) is empty", f.From, f.To)
	}
	return o, nil
}

// key is the normalised form of the filters, for the cache.
func (f Filters) key(o analysis.Options) string {
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02")
	}
	seg := ""
	for _, s := range o.Segment {
		seg += "&seg=" + url.QueryEscape(s.Name) + "=" + url.QueryEscape(s.Value)
	}
	return fmt.Sprintf("g=%s&from=%s&to=%s&by=%s&w=%d%s", o.Grain, day(o.From), day(o.To), o.By, o.Window, seg)
}

// checkBy refuses a breakdown by an attribute the store does not have, listing those it has.
func (s *Server) checkBy(ctx context.Context, by string) error { return s.checkAttr(ctx, "by="+by, by) }

// checkAttr refuses an attribute the customers do not have; param names where it came from.
func (s *Server) checkAttr(ctx context.Context, param, by string) error {
	if by == "" {
		return nil
	}
	dims, err := s.cfg.Store.Dimensions(ctx)
	if err != nil {
		return err
	}
	for _, d := range dims {
		if d == by {
			return nil
		}
	}
	return fidelis.Errorf(fidelis.EInvalid, "%s: the customers have no attribute %q (they have: %s)", param, by, strings.Join(dims, ", "))
}

// The record kinds a result reads, derived from the store methods its computation calls (a
// result that reads another cached result reads that one's kinds too). nil means every kind and
// the settings: the whole analysis reads them all (its counts and data quality included).
var (
	// cohortKinds: Span and Cohorts read the orders; by, segment and Dimensions the customers.
	cohortKinds = []fidelis.Kind{fidelis.Orders, fidelis.Customers}
	// coreKinds: the core metrics and the lifetime section (Activity, Cohorts, Purchases, Values,
	// Lifetimes: orders; SubscriptionMovements: subscriptions; by and segment: customers). Their
	// frame (Counts, Quality) reads every kind and is computed apart (see metrics).
	coreKinds = []fidelis.Kind{fidelis.Orders, fidelis.Customers, fidelis.Subscriptions}
	// dimensionKinds: Dimensions reads the customers' columns and free attributes.
	dimensionKinds = []fidelis.Kind{fidelis.Customers}
)

// cached returns the result named what for the filters, computing it once per store version; it
// reads every kind (see cachedKinds).
func (s *Server) cached(ctx context.Context, what string, f Filters, readStore bool, compute func(ctx context.Context, o analysis.Options) (any, error)) (any, error) {
	return s.cachedKinds(ctx, what, nil, f, readStore, compute)
}

// cachedKinds returns the result named what for the filters, computing it once per version of
// the record kinds it reads (nil: all), so that a write to other kinds keeps it. A computation
// that reads the store holds the store's read lock (readStore); one that only reads another
// cached result must not, or it would wait behind a queued Forget holding the lock itself.
func (s *Server) cachedKinds(ctx context.Context, what string, kinds []fidelis.Kind, f Filters, readStore bool, compute func(ctx context.Context, o analysis.Options) (any, error)) (any, error) {
	o, err := f.options()
	if err != nil {
		return nil, err
	}
	current := func() int64 { return s.cfg.Store.Version(kinds...) }
	e, hit, err := s.cache.get(ctx, current(), what+"?"+f.key(o), current, func() (any, error) {
		// Computed for every caller waiting on it: not cancelled when the first one leaves, but
		// when the server closes.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.AnalysisTimeout)
		defer cancel()
		defer context.AfterFunc(s.life, cancel)()
		if readStore {
			s.store.RLock()
			defer s.store.RUnlock()
			if err := s.checkBy(cctx, o.By); err != nil {
				return nil, err
			}
			for _, sg := range o.Segment {
				if err := s.checkAttr(cctx, "segment="+sg.Name+"="+sg.Value, sg.Name); err != nil {
					return nil, err
				}
			}
		}
		start := time.Now()
		val, err := compute(cctx, o)
		s.m.analysis.WithLabelValues(what).Observe(time.Since(start).Seconds())
		return val, err
	})
	if hit {
		s.m.cache.WithLabelValues("hit").Inc()
	} else {
		s.m.cache.WithLabelValues("miss").Inc()
	}
	if err != nil {
		return nil, err
	}
	return e.val, nil
}

// full returns the whole analysis for the filters (every section and the actions): the one heavy
// computation, which the section routes read from.
func (s *Server) full(ctx context.Context, f Filters) (*analysis.Analysis, error) {
	v, err := s.cached(ctx, "report", f, true, func(ctx context.Context, o analysis.Options) (any, error) {
		o.Insight = s.cfg.Insight
		return analysis.Run(ctx, s.cfg.Store, o)
	})
	if err != nil {
		return nil, err
	}
	return v.(*analysis.Analysis), nil
}

// project returns a view of the whole analysis, itself cached so that its JSON is written once.
func project[T any](s *Server, ctx context.Context, what string, f Filters, view func(a *analysis.Analysis) (*T, error)) (*T, error) {
	v, err := s.cached(ctx, what, f, false, func(ctx context.Context, _ analysis.Options) (any, error) {
		a, err := s.full(ctx, f)
		if err != nil {
			return nil, err
		}
		return view(a)
	})
	if err != nil {
		return nil, apiError(ctx, err)
	}
	return v.(*T), nil
}

// Report is the whole analysis (the JSON of fidelis report --format json) and, when asked, the
// same for a comparison window.
type Report struct {
	analysis.Analysis
	Compare *Comparison `json:"compare,omitempty"`
}

// Comparison is the report of the window compared with: [from, to).
type Comparison struct {
	From   string             `json:"from"`
	To     string             `json:"to"`
	Report *analysis.Analysis `json:"report"`
}

type reportInput struct {
	Filters
	Compare string `query:"compare" enum:"previous,year" doc:"also compute the window just before (previous: as many months when from and to are 1sts, else days) or a year before (year); needs from and to"`
}

// comparison returns the filters of the comparison window, or nil when none is asked for.
func (in *reportInput) comparison() (*Filters, error) {
	if in.Compare == "" {
		return nil, nil
	}
	o, err := in.Filters.options()
	if err != nil {
		return nil, err
	}
	if o.From.IsZero() || o.To.IsZero() {
		return nil, fidelis.Errorf(fidelis.EInvalid, "compare=%s needs both from and to: the window to compare", in.Compare)
	}
	c := in.Filters
	var from, to time.Time
	switch in.Compare {
	case "previous": // as many whole months as the window when it runs from a 1st to a 1st, else days
		if o.From.Day() == 1 && o.To.Day() == 1 {
			months := (o.To.Year()-o.From.Year())*12 + int(o.To.Month()-o.From.Month())
			from = o.From.AddDate(0, -months, 0)
		} else {
			from = o.From.AddDate(0, 0, -int(o.To.Sub(o.From).Hours()/24))
		}
		to = o.From
	case "year":
		from, to = o.From.AddDate(-1, 0, 0), o.To.AddDate(-1, 0, 0)
	}
	c.From, c.To = from.Format("2006-01-02"), to.Format("2006-01-02")
	return &c, nil
}

type body[T any] struct {
	Body *T
}

type filtersInput struct {
	Filters
}

// sectionRoute serves a registered analysis section, as `fidelis NAME --json` prints it.
func sectionRoute[T any](s *Server, path, name, summary string, kind fidelis.Kind) {
	huma.Register(s.api, scopeOp(huma.Operation{OperationID: strings.TrimPrefix(path, "/v1/"), Method: http.MethodGet, Path: path,
		Summary: summary, Tags: []string{"analyses"}, Errors: []int{400, 404}}, ScopeRead),
		func(ctx context.Context, in *filtersInput) (*body[T], error) {
			v, err := project(s, ctx, path, in.Filters, func(a *analysis.Analysis) (*T, error) {
				v := analysis.Section[T](a, name)
				if v == nil {
					return nil, fidelis.Errorf(fidelis.ENotFound, "the store has no %s records for this analysis", kind).
						WithHint("POST /v1/import/%s, or fidelis import %s FILE", kind, kind)
				}
				return v, nil
			})
			return &body[T]{v}, err
		})
}

func (s *Server) routeAnalyses() {
	get := func(id, path, summary string) huma.Operation {
		return scopeOp(huma.Operation{OperationID: id, Method: http.MethodGet, Path: path, Summary: summary, Tags: []string{"analyses"}, Errors: []int{400}}, ScopeRead)
	}
	huma.Register(s.api, get("report", "/v1/report", "Everything: core metrics, every section, the actions (fidelis report --json); with compare, the comparison window's report too"),
		func(ctx context.Context, in *reportInput) (*body[Report], error) {
			cmp, err := in.comparison()
			if err != nil {
				return nil, apiError(ctx, err)
			}
			v, err := project(s, ctx, "/v1/report?compare="+in.Compare, in.Filters, func(a *analysis.Analysis) (*Report, error) {
				r := &Report{Analysis: *a}
				if cmp != nil {
					b, err := s.full(ctx, *cmp)
					if err != nil {
						return nil, fmt.Errorf("compare=%s (%s to %s): %w", in.Compare, cmp.From, cmp.To, err)
					}
					r.Compare = &Comparison{From: cmp.From, To: cmp.To, Report: b}
				}
				return r, nil
			})
			return &body[Report]{v}, err
		})
	type htmlInput struct {
		Filters
		Lang string `query:"lang" enum:"en,pl,ro,lv" doc:"report language (default en)"`
	}
	type htmlOutput struct {
		ContentType string `header:"Content-Type"`
		Body        []byte
	}
	huma.Register(s.api, get("report-html", "/v1/report.html", "The self-contained HTML report, in a language"),
		func(ctx context.Context, in *htmlInput) (*htmlOutput, error) {
			b, err := project(s, ctx, "/v1/report.html:"+in.Lang, in.Filters, func(a *analysis.Analysis) (*[]byte, error) {
				var buf bytes.Buffer
				if err := report.Render(&buf, a, report.Options{Format: "html", Lang: in.Lang}); err != nil {
					return nil, err
				}
				out := buf.Bytes()
				return &out, nil
			})
			if err != nil {
				return nil, err
			}
			return &htmlOutput{ContentType: "text/html; charset=utf-8", Body: *b}, nil
		})
	if o := s.api.OpenAPI().Paths["/v1/report.html"]; o != nil && o.Get != nil {
		if r := o.Get.Responses["200"]; r != nil {
			r.Content = map[string]*huma.MediaType{"text/html": {Schema: &huma.Schema{Type: huma.TypeString}}}
		}
	}
	huma.Register(s.api, get("metrics", "/v1/metrics", "Retention, churn, win-back, purchases, value and lifetime (fidelis metrics --json)"),
		func(ctx context.Context, in *filtersInput) (*body[analysis.Analysis], error) {
			v, err := s.metrics(ctx, in.Filters)
			if err != nil {
				return nil, apiError(ctx, err)
			}
			return &body[analysis.Analysis]{v}, nil
		})
	huma.Register(s.api, get("cohorts", "/v1/cohorts", "Cohort retention matrices, one per segment of by (fidelis cohorts --json)"),
		func(ctx context.Context, in *filtersInput) (*body[[]metric.CohortMatrix], error) {
			v, err := s.cohorts(ctx, in.Filters)
			if err != nil {
				return nil, apiError(ctx, err)
			}
			return &body[[]metric.CohortMatrix]{v}, nil
		})
	huma.Register(s.api, get("actions", "/v1/actions", "The prioritised actions, ranked by money at stake (fidelis actions --json)"),
		func(ctx context.Context, in *filtersInput) (*body[[]analysis.Action], error) {
			v, err := project(s, ctx, "/v1/actions", in.Filters, func(a *analysis.Analysis) (*[]analysis.Action, error) {
				acts := a.Actions
				if acts == nil {
					acts = []analysis.Action{}
				}
				return &acts, nil
			})
			return &body[[]analysis.Action]{v}, err
		})
	huma.Register(s.api, get("targets", "/v1/targets", "Progress towards the targets the server was given (--goals)"),
		func(ctx context.Context, in *filtersInput) (*body[[]insight.Target], error) {
			v, err := project(s, ctx, "/v1/targets", in.Filters, func(a *analysis.Analysis) (*[]insight.Target, error) {
				ts := []insight.Target{}
				if r := analysis.Section[insight.Report](a, "insight"); r != nil && r.Targets != nil {
					ts = r.Targets
				}
				return &ts, nil
			})
			return &body[[]insight.Target]{v}, err
		})
	type benchInput struct {
		Industry string `query:"industry" maxLength:"64" doc:"only this industry's rows (and those for all industries)"`
	}
	huma.Register(s.api, get("benchmarks", "/v1/benchmarks", "Industry benchmark figures with their sources (fidelis benchmarks --json)"),
		func(ctx context.Context, in *benchInput) (*body[[]insight.Benchmark], error) {
			bs := s.cfg.Insight.Benchmarks
			if bs == nil {
				bs = insight.Shipped()
			}
			if in.Industry != "" {
				if err := insight.CheckIndustry(bs, in.Industry); err != nil {
					return nil, apiError(ctx, err)
				}
				bs = insight.ForIndustry(bs, strings.ToLower(in.Industry))
			}
			return &body[[]insight.Benchmark]{&bs}, nil
		})
	sectionRoute[analysis.VoC](s, "/v1/voc", "voc", "NPS, CSAT, CES with intervals, indices, drivers, themes, exit reasons (fidelis voc --json)", fidelis.Surveys)
	sectionRoute[analysis.Advocacy](s, "/v1/advocacy", "advocacy", "Referrals, k-factor, advocates (fidelis advocacy --json)", fidelis.Referrals)
	sectionRoute[analysis.Program](s, "/v1/program", "program", "Loyalty programme health and liability (fidelis program --json)", fidelis.Program)
	sectionRoute[analysis.Engagement](s, "/v1/engagement", "engagement", "Channel engagement (fidelis engagement --json)", fidelis.Interactions)
	sectionRoute[analysis.Social](s, "/v1/social", "social", "Social reach and sentiment (fidelis social --json)", fidelis.Social)
	sectionRoute[analysis.Lifetime](s, "/v1/lifetime", "lifetime", "Customer lifetime (Kaplan-Meier)", fidelis.Orders)
	sectionRoute[analysis.Models](s, "/v1/fit", "models", "Customer-base models fitted to the store, with their holdout check (fit/predict)", fidelis.Orders)
	sectionRoute[analysis.Churn](s, "/v1/churn", "churn", "Who makes no purchase in the next horizon: backtest and scores", fidelis.Orders)
	sectionRoute[insight.Report](s, "/v1/insight", "insight", "Benchmarks, strengths and weaknesses, targets, composition", fidelis.Orders)
	huma.Register(s.api, get("dimensions", "/v1/dimensions", "The customer attributes a breakdown (by) can use"),
		func(ctx context.Context, in *struct{}) (*body[[]string], error) {
			v, err := s.dimensions(ctx)
			if err != nil {
				return nil, apiError(ctx, err)
			}
			return &body[[]string]{v}, nil
		})
}

// metrics is what `fidelis metrics --json` prints: the core figures and the lifetime section,
// computed once per version of the kinds they read (coreKinds), and the counts and data quality
// of the whole store, computed once per version of every kind (cheap beside the core).
func (s *Server) metrics(ctx context.Context, f Filters) (*analysis.Analysis, error) {
	v, err := s.cached(ctx, "/v1/metrics", f, false, func(ctx context.Context, _ analysis.Options) (any, error) {
		core, err := s.cachedKinds(ctx, "core", coreKinds, f, true, func(ctx context.Context, o analysis.Options) (any, error) {
			o.Only = []string{"lifetime"}
			return analysis.Run(ctx, s.cfg.Store, o)
		})
		if err != nil {
			return nil, err
		}
		frame, err := s.cached(ctx, "frame", f, true, func(ctx context.Context, o analysis.Options) (any, error) {
			return analysis.Basics(ctx, s.cfg.Store, o)
		})
		if err != nil {
			return nil, err
		}
		m, fr := *core.(*analysis.Analysis), frame.(*analysis.Analysis)
		m.Cohorts = nil // fidelis cohorts prints those
		m.Counts, m.Quality, m.Currency = fr.Counts, fr.Quality, fr.Currency
		return &m, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*analysis.Analysis), nil
}

// cohorts returns the cohort matrices (one per segment of by), once per version of cohortKinds.
func (s *Server) cohorts(ctx context.Context, f Filters) (*[]metric.CohortMatrix, error) {
	v, err := s.cachedKinds(ctx, "/v1/cohorts", cohortKinds, f, true, func(ctx context.Context, o analysis.Options) (any, error) {
		ms, err := analysis.CohortMatrices(ctx, s.cfg.Store, o)
		return &ms, err
	})
	if err != nil {
		return nil, err
	}
	return v.(*[]metric.CohortMatrix), nil
}

// dimensions returns the attributes a breakdown can use, once per version of the customers.
func (s *Server) dimensions(ctx context.Context) (*[]string, error) {
	v, err := s.cachedKinds(ctx, "/v1/dimensions", dimensionKinds, Filters{}, true, func(ctx context.Context, _ analysis.Options) (any, error) {
		d, err := s.cfg.Store.Dimensions(ctx)
		if d == nil {
			d = []string{}
		}
		return &d, err
	})
	if err != nil {
		return nil, err
	}
	return v.(*[]string), nil
}
