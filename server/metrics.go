package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus series, registered on the server's own registry (no
// package globals: two servers in one process, as in tests, keep separate counts).
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	ingested *prometheus.CounterVec
	cache    *prometheus.CounterVec
	analysis *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fidelis_http_requests_total",
			Help: "HTTP requests by route pattern and status code."}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "fidelis_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}, []string{"route"}),
		ingested: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fidelis_ingest_rows_total",
			Help: "Rows received by POST /v1/import/{kind}, by kind and outcome (stored, updated, rejected, duplicate)."}, []string{"kind", "outcome"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fidelis_analysis_cache_total",
			Help: "Analysis cache lookups by result (hit, miss)."}, []string{"result"}),
		analysis: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "fidelis_analysis_duration_seconds",
			Help:    "Time to compute an analysis (cache misses only), by what was computed.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 12)}, []string{"what"}),
	}
	reg.MustRegister(m.requests, m.latency, m.ingested, m.cache, m.analysis,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
}
