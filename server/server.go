// Package server is Fidelis' HTTP API: every analysis the CLI has, customer lists behind each
// count, idempotent ingest through the same validation as file import, bearer tokens with scopes,
// session cookies for the dashboard, Prometheus metrics and an audit log. Routes are declared with
// huma, so the OpenAPI 3.1 document at /openapi.json is generated from the handlers' own types.
//
// One store handle serves every request. Reads run concurrently; ingests are serialised (one
// writer); erasure and deletion take the store exclusively, because DuckDB's Forget rewrites and
// reopens the store file. Analyses are cached per version of the record kinds each reads (the
// store advances a kind's version with every committed write to it), and with Config.Warm the
// default views are computed in the background at start and after writes that change them.
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"fidelis"
	"fidelis/analysis"
	"fidelis/ingest"
	"fidelis/internal/nanjson"
)

// Config is what a server needs. Store and Tokens are required; zero values elsewhere take the
// defaults documented on each field.
type Config struct {
	Store  fidelis.Store
	Tokens *Tokens
	// ReadOnly refuses every write (ingest, delete, forget) with 403.
	ReadOnly bool
	Log      *slog.Logger // nil: discard
	// Audit receives one JSON line per ingest, deletion and erasure (who, when, how many); nil
	// keeps none.
	Audit io.Writer
	// Dashboard is served at /; nil serves a page that says the dashboard is not built in.
	Dashboard fs.FS
	// CORSOrigins lists the origins allowed to call the API from a browser; none by default.
	CORSOrigins []string
	// Rate is each token's sustained request rate and Burst its burst (defaults 50/s and 100).
	Rate  rate.Limit
	Burst int
	// MaxBody caps an ingest body in bytes (default 64 MiB); MaxQuery caps a URL's query string
	// (default 4 KiB).
	MaxBody, MaxQuery int64
	// BodyTimeout bounds the reading of an ingest body (default 2 minutes: 64 MiB at 550 KB/s);
	// a client sending slower is cut off with 408.
	BodyTimeout time.Duration
	// AnalysisTimeout bounds one analysis computation (default 10 minutes: a first analysis of a
	// million customers fits models; later requests hit the cache).
	AnalysisTimeout time.Duration
	// Secure marks session cookies Secure (set when serving TLS).
	Secure bool
	// Insight configures the insight step (industry benchmarks, goals) of every analysis.
	Insight analysis.InsightConfig
	// Now is the clock (nil: time.Now), for token expiry tests.
	Now func() time.Time
	// Warm computes the default views (what the dashboard's first page asks for) in the
	// background: at start, and WarmDelay (default 5 s, gathering a burst of writes) after a write
	// changed what they read. Close cancels a warm-up in progress.
	Warm      bool
	WarmDelay time.Duration
	// WarmIngest has a writable server read the stored ids of every kind in the background at
	// start (the DuckDB store's id sets), so that the first API batch of a kind does not wait
	// for them (1–3 s at 10M orders). IngestWarm says when that is done.
	WarmIngest bool
}

// Server serves the API. Create it with New; it is an http.Handler.
type Server struct {
	cfg     Config
	api     huma.API
	mux     *http.ServeMux
	handler http.Handler
	reg     *prometheus.Registry
	m       *metrics

	// store guards the store handle: reads and ingests share it, Forget and Delete take it alone.
	store  sync.RWMutex
	ingest *ingest.Batcher // one writer: batches waiting together are committed together
	// ingestWarm is closed once the store's stored ids are read (Config.WarmIngest), or at once.
	ingestWarm chan struct{}
	cache      *cache
	// life ends when the server closes: computations in flight are cancelled.
	life     context.Context
	close    context.CancelFunc
	warm     *warmer
	sessions *sessions
	limits   *limiters
	auditMu  sync.Mutex
	openapi  []byte
}

// New builds a server on cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Tokens == nil {
		return nil, errors.New("server: Config.Store and Config.Tokens are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Rate == 0 {
		cfg.Rate = 50
	}
	if cfg.Burst == 0 {
		cfg.Burst = 100
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 64 << 20
	}
	if cfg.MaxQuery == 0 {
		cfg.MaxQuery = 4 << 10
	}
	if cfg.AnalysisTimeout == 0 {
		cfg.AnalysisTimeout = 10 * time.Minute
	}
	if cfg.BodyTimeout == 0 {
		cfg.BodyTimeout = 2 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.WarmDelay == 0 {
		cfg.WarmDelay = 5 * time.Second
	}
	// 1024 results: every analysis of a few dozen queries and the customer-list pages a team
	// browses; the least recently used goes first.
	s := &Server{cfg: cfg, mux: http.NewServeMux(), reg: prometheus.NewRegistry(), cache: newCache(1024),
		sessions: newSessions(12 * time.Hour), limits: newLimiters(cfg.Rate, cfg.Burst), ingest: ingest.NewBatcher(cfg.Store)}
	s.life, s.close = context.WithCancel(context.Background())
	s.warm = &warmer{done: make(chan struct{})}
	s.m = newMetrics(s.reg)
	s.registerWarmMetrics()

	hc := huma.DefaultConfig("Fidelis API", "1")
	hc.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
	hc.Info.Description = "Customer-loyalty analytics: analyses with the same JSON as the CLI's --json, customer lists, idempotent ingest. NaN (a rate with no denominator) is written as null."
	hc.OpenAPIPath, hc.DocsPath, hc.SchemasPath = "", "", ""
	hc.CreateHooks = nil // no $schema field: responses are the CLI's JSON, byte for byte in shape
	hc.Formats = map[string]huma.Format{"application/json": s.jsonFormat(), "json": s.jsonFormat()}
	hc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "fidelis token create --scope read,ingest,admin"},
		"cookie": {Type: "apiKey", In: "cookie", Name: sessionCookie, Description: "dashboard session from /login (read only)"},
	}
	s.api = humago.New(s.mux, hc)
	s.api.UseMiddleware(s.authorize)

	s.routeAnalyses()
	s.routeIngest()
	s.routeCustomers()
	s.routeScenarios()
	s.routeAdmin()
	nullableNumbers(s.api.OpenAPI())
	var err error
	if s.openapi, err = json.Marshal(s.api.OpenAPI()); err != nil {
		return nil, err
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.Handle("GET /metrics", s.bearerOnly(ScopeRead, s.metricsHandler()))
	s.mux.Handle("GET /openapi.json", s.bearerOnly(ScopeRead, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(s.openapi)
	})))
	s.mux.HandleFunc("GET /login", s.login)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("POST /logout", s.logout)
	s.mux.Handle("GET /", s.dashboard())
	s.handler = s.guard(s.mux)
	if cfg.Warm {
		go s.warmLoop()
	} else {
		close(s.warm.done)
	}
	s.ingestWarm = make(chan struct{})
	if cfg.WarmIngest && !cfg.ReadOnly {
		go s.warmIngest()
	} else {
		close(s.ingestWarm)
	}
	return s, nil
}

// warmIngest reads the stored ids of every kind, orders first, if the store keeps them.
func (s *Server) warmIngest() {
	defer close(s.ingestWarm)
	st, ok := s.cfg.Store.(interface {
		WarmIDs(context.Context, ...fidelis.Kind) error
	})
	if !ok {
		return
	}
	s.store.RLock() // as an ingest: erasure waits
	defer s.store.RUnlock()
	t0 := time.Now()
	kinds := append([]fidelis.Kind{fidelis.Orders}, fidelis.Kinds...)
	if err := st.WarmIDs(s.life, kinds...); err != nil {
		s.cfg.Log.Warn("reading stored ids for ingest", "error", err)
		return
	}
	s.cfg.Log.Info("ready for ingest: stored ids read", "seconds", time.Since(t0).Seconds())
}

// IngestWarm is closed once the stored ids have been read for ingest (Config.WarmIngest).
func (s *Server) IngestWarm() <-chan struct{} { return s.ingestWarm }

// Close cancels the computations in flight (a warm-up above all) and waits for the warm-up loop
// to end. Ingests in flight are not cancelled: they run to their commit or rollback. Requests
// waiting for a cancelled computation are answered 503.
func (s *Server) Close() {
	s.close()
	<-s.warm.done
	<-s.ingestWarm
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// OpenAPI returns the generated OpenAPI 3.1 document.
func (s *Server) OpenAPI() []byte { return s.openapi }

// HTTPServer returns an http.Server for s on addr with timeouts that bound slow clients: headers
// within 10 s, a whole request body within 5 minutes (a 64 MiB ingest at ~220 KB/s), a response
// within 10 minutes, idle connections closed after 2 minutes.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      s.cfg.AnalysisTimeout + time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Log.Handler(), slog.LevelWarn),
	}
}

// guard wraps every route: security headers, CORS when configured, query-size cap, access log
// and request metrics.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		if s.cfg.Secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		sw := &statusWriter{ResponseWriter: w, status: 200}
		defer func() {
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			s.m.requests.WithLabelValues(route, fmt.Sprint(sw.status)).Inc()
			s.m.latency.WithLabelValues(route).Observe(d.Seconds())
			s.cfg.Log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method), slog.String("route", route),
				slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.Int64("bytes", sw.n), slog.Duration("duration", d),
				slog.String("remote", r.RemoteAddr))
		}()
		if origin := r.Header.Get("Origin"); origin != "" && s.corsAllowed(origin) {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Vary", "Origin")
			if r.Method == http.MethodOptions {
				h.Set("Access-Control-Allow-Methods", "GET, POST")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
				h.Set("Access-Control-Max-Age", "600")
				sw.WriteHeader(http.StatusNoContent)
				return
			}
		}
		if int64(len(r.URL.RawQuery)) > s.cfg.MaxQuery {
			writeProblem(sw, http.StatusRequestURITooLong, fmt.Sprintf("the query string has %d bytes; at most %d are accepted", len(r.URL.RawQuery), s.cfg.MaxQuery))
			return
		}
		next.ServeHTTP(sw, r)
	})
}

func (s *Server) corsAllowed(origin string) bool {
	for _, o := range s.cfg.CORSOrigins {
		if o == "*" || strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

type statusWriter struct {
	http.ResponseWriter
	status int
	n      int64
	wrote  bool
}

// WriteHeader passes on the first status only: net/http ignores a later one anyway (after the
// body began, or a handler's second call) and logs "superfluous response.WriteHeader call".
func (w *statusWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.status, w.wrote = code, true
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writeProblem writes an RFC 9457 problem outside huma (routes that are not API operations).
func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(huma.ErrorModel{Title: http.StatusText(status), Status: status, Detail: detail})
}

// jsonFormat writes JSON with NaN and infinities as null, as the CLI's --json does; a cached
// result is written from its memoised encoding.
func (s *Server) jsonFormat() huma.Format {
	return huma.Format{
		Marshal: func(w io.Writer, v any) error {
			if b, ok := s.cache.encoded(v, encodeJSON); ok {
				_, err := w.Write(b)
				return err
			}
			b, err := encodeJSON(v)
			if err != nil {
				return err
			}
			_, err = w.Write(b)
			return err
		},
		Unmarshal: json.Unmarshal,
	}
}

func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(nanjson.Value(v))
	return b.Bytes(), err
}

// statusOf maps a domain error code to an HTTP status: the one table the design asks for.
var statusOf = map[string]int{
	fidelis.EInvalid:  http.StatusBadRequest,
	fidelis.ENotFound: http.StatusNotFound,
	fidelis.EConflict: http.StatusConflict,
	fidelis.EInternal: http.StatusInternalServerError,
}

// apiError turns an error into a problem response: the domain code picks the status, the message
// is the detail and a hint, if any, the one error entry.
func apiError(ctx context.Context, err error) error {
	var se huma.StatusError
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return huma.NewError(http.StatusServiceUnavailable, "the computation took longer than the server allows; try a narrower window or a coarser grain")
	}
	if ctx.Err() != nil {
		return huma.NewError(499, "the request was cancelled")
	}
	if errors.Is(err, context.Canceled) {
		return huma.NewError(http.StatusServiceUnavailable, "the server is shutting down")
	}
	code := fidelis.ErrorCode(err)
	var details []error
	if h := fidelis.ErrorHint(err); h != "" {
		details = append(details, &huma.ErrorDetail{Message: "Try: " + h})
	}
	return huma.NewError(statusOf[code], err.Error(), details...)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(struct {
		Status   string     `json:"status"`
		ReadOnly bool       `json:"read_only"`
		Warm     *warmState `json:"warm,omitempty"`
	}{"ok", s.cfg.ReadOnly, s.warmState()})
}

// schemaName prefixes huma's schema names with the package (AnalysisBacktest, ChurnBacktest):
// several packages name a type alike.
func schemaName(t reflect.Type, hint string) string {
	name := huma.DefaultSchemaNamer(t, hint)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	pkg := path.Base(t.PkgPath())
	if t.Name() == "" || pkg == "." || pkg == "server" || pkg == "fidelis" {
		return name
	}
	return strings.ToUpper(pkg[:1]) + pkg[1:] + name
}

// nullableNumbers marks every number in the document's schemas as nullable: NaN (a rate with no
// denominator) is written as null, honestly "no value", never zero.
func nullableNumbers(o *huma.OpenAPI) {
	seen := map[*huma.Schema]bool{}
	var walk func(*huma.Schema)
	walk = func(sc *huma.Schema) {
		if sc == nil || seen[sc] {
			return
		}
		seen[sc] = true
		if sc.Type == huma.TypeNumber {
			sc.Nullable = true
		}
		for _, p := range sc.Properties {
			walk(p)
		}
		walk(sc.Items)
		if ap, ok := sc.AdditionalProperties.(*huma.Schema); ok {
			walk(ap)
		}
		for _, x := range sc.OneOf {
			walk(x)
		}
		for _, x := range sc.AnyOf {
			walk(x)
		}
		for _, x := range sc.AllOf {
			walk(x)
		}
	}
	for _, sc := range o.Components.Schemas.Map() {
		walk(sc)
	}
}
