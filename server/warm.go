package server

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// warmer records the background computation of the default views (Config.Warm).
type warmer struct {
	done chan struct{} // closed when the warm-up loop has ended

	mu      sync.Mutex
	running bool
	version int64 // the store version the last complete warm-up computed
	ok      bool  // whether the last warm-up computed every view
	seconds float64
	err     string
	views   int
}

// warmState is the warm-up as /healthz reports it.
type warmState struct {
	// State is "warming" (a warm-up runs), "ready" (the default views are computed for the store
	// as it is), "pending" (a write changed the store since; a warm-up follows within the delay)
	// or "failed" (the last warm-up stopped at Error).
	State string `json:"state"`
	// Views is how many default views the last (or current) warm-up computed.
	Views int `json:"views"`
	// Seconds is how long the last complete warm-up took (cached views take no time).
	Seconds float64 `json:"seconds"`
	Error   string  `json:"error,omitempty"`
}

// defaultViews are what the dashboard's first page asks for (GET /v1/dimensions and
// /v1/report?grain=month) and the core routes beside it, cheapest first so that they are ready
// while the whole analysis is still being computed.
func (s *Server) defaultViews() []func(ctx context.Context) error {
	var none Filters
	return []func(ctx context.Context) error{
		func(ctx context.Context) error { _, err := s.dimensions(ctx); return err },
		func(ctx context.Context) error { _, err := s.cohorts(ctx, none); return err },
		func(ctx context.Context) error { _, err := s.metrics(ctx, none); return err },
		func(ctx context.Context) error { _, err := s.full(ctx, none); return err },
	}
}

// warmLoop computes the default views at start and again WarmDelay after each change of the
// store (polled: a write anywhere, whichever route made it), until the server closes. The
// computations go through the cache, so requests meanwhile wait for the same computation, and
// views whose kinds did not change are cache hits. Warming holds the store's read lock like any
// analysis, so ingests proceed beside it.
func (s *Server) warmLoop() {
	defer close(s.warm.done)
	poll := min(time.Second, s.cfg.WarmDelay)
	for {
		v := s.cfg.Store.Version()
		s.warmOnce(v)
		for s.cfg.Store.Version() == v {
			select {
			case <-s.life.Done():
				return
			case <-time.After(poll):
			}
		}
		select { // gather a burst of writes into one warm-up
		case <-s.life.Done():
			return
		case <-time.After(s.cfg.WarmDelay):
		}
	}
}

func (s *Server) warmOnce(version int64) {
	w := s.warm
	w.mu.Lock()
	w.running, w.views, w.err = true, 0, ""
	w.mu.Unlock()
	start := time.Now()
	var err error
	for _, view := range s.defaultViews() {
		if err = view(s.life); err != nil {
			break
		}
		w.mu.Lock()
		w.views++
		w.mu.Unlock()
	}
	d := time.Since(start)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.running, w.version, w.ok, w.seconds = false, version, err == nil, d.Seconds()
	if err != nil {
		w.err = err.Error()
		s.cfg.Log.Warn("warm-up stopped", "error", err, "views", w.views, "duration", d)
	} else {
		s.cfg.Log.Info("warm-up done", "views", w.views, "duration", d)
	}
}

// warmState returns the warm-up's state, nil when the server does not warm.
func (s *Server) warmState() *warmState {
	if !s.cfg.Warm {
		return nil
	}
	w := s.warm
	w.mu.Lock()
	defer w.mu.Unlock()
	st := &warmState{Views: w.views, Seconds: w.seconds, Error: w.err}
	switch {
	case w.running:
		st.State = "warming"
	case w.version != s.cfg.Store.Version():
		st.State = "pending"
	case !w.ok:
		st.State = "failed"
	default:
		st.State = "ready"
	}
	return st
}

// registerWarmMetrics adds the warm-up's state to /metrics (the analysis durations are in
// fidelis_analysis_duration_seconds).
func (s *Server) registerWarmMetrics() {
	s.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "fidelis_warm_ready",
		Help: "1 when the default views are computed for the store as it is, else 0 (also 0 when the server does not warm)."},
		func() float64 {
			if st := s.warmState(); st != nil && st.State == "ready" {
				return 1
			}
			return 0
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "fidelis_warm_seconds",
			Help: "Duration of the last complete warm-up of the default views."},
			func() float64 {
				s.warm.mu.Lock()
				defer s.warm.mu.Unlock()
				return s.warm.seconds
			}))
}
