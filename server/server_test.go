package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/ingest"
	"fidelis/server"
	"fidelis/synth"
)

// The synthetic company's files, written once for every test of the package.
var (
	dataOnce sync.Once
	dataDir  string
	dataMan  synth.Manifest
	dataErr  error
)

func companyFiles(t *testing.T) synth.Manifest {
	t.Helper()
	dataOnce.Do(func() {
		dataDir, dataErr = os.MkdirTemp("", "fidelis-server-test-")
		if dataErr == nil {
			dataMan, dataErr = synth.Write(context.Background(), dataDir, synth.Config{Customers: 400, Seed: 3}, nil)
		}
	})
	if dataErr != nil {
		t.Fatal(dataErr)
	}
	return dataMan
}

func TestMain(m *testing.M) {
	code := m.Run()
	if dataDir != "" {
		os.RemoveAll(dataDir)
	}
	os.Exit(code)
}

// fixture is a server on a fresh store holding the synthetic company (or nothing, with empty),
// with one token per scope combination the tests need.
type fixture struct {
	t      *testing.T
	dir    string
	srv    *server.Server
	st     fidelis.Store
	tokens *server.Tokens
	audit  *bytes.Buffer
	now    time.Time
	clock  *fakeClock
	secret map[string]string // by name: read, ingest, admin, readingest
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newFixture(t *testing.T, empty bool, tweak func(*server.Config)) *fixture {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	st, err := duckdb.Open(ctx, filepath.Join(dir, "store.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if !empty {
		m := companyFiles(t)
		for _, k := range fidelis.Kinds {
			if p, ok := m.Files[k]; ok {
				if _, err := ingest.Import(ctx, st, k, p, ingest.Options{Rejects: filepath.Join(dir, string(k)+".rejects.csv")}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	toks, err := server.OpenTokens(filepath.Join(dir, "store.duckdb.tokens"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, dir: dir, st: st, tokens: toks, audit: &bytes.Buffer{}, clock: &fakeClock{t: time.Now()}, secret: map[string]string{}}
	for name, scopes := range map[string][]string{"read": {"read"}, "ingest": {"ingest"}, "admin": {"admin"}, "readingest": {"read", "ingest"}} {
		_, s, err := toks.Create(name, scopes, 0, f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.secret[name] = s
	}
	cfg := server.Config{Store: st, Tokens: toks, Audit: lockedWriter{f.audit, &sync.Mutex{}}, Now: f.clock.Now, Rate: 1e6, Burst: 1e6}
	if tweak != nil {
		tweak(&cfg)
	}
	if f.srv, err = server.New(cfg); err != nil {
		t.Fatal(err)
	}
	return f
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// do serves one request in process and returns the recorder.
func (f *fixture) do(method, target, token string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	f.t.Helper()
	r := httptest.NewRequest(method, target, body)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

func decode[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("%v in %s", err, w.Body.String())
	}
	return v
}

type problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Message, Location string
		Value             any
	} `json:"errors"`
}

func TestAuth(t *testing.T) {
	f := newFixture(t, true, nil)
	_, expiring, err := f.tokens.Create("short", []string{"read"}, time.Hour, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, revoked, err := f.tokens.Create("gone", []string{"read", "ingest"}, 0, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Revoke through a second handle on the file, as `fidelis token revoke` does beside a running
	// server; the server sees it once a second has passed.
	other, err := server.OpenTokens(filepath.Join(f.dir, "store.duckdb.tokens"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Revoke("gone", f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(2 * time.Hour) // past the expiring token's hour, and past the re-read interval
	csv := "order_id,customer_id,timestamp,amount\n1,C1,2024-01-02,5\n"
	for _, c := range []struct {
		name, method, path, auth, token string
		want                            int
		detail                          string
	}{
		{"no token", "GET", "/v1/dimensions", "", "", 401, "bearer token is required"},
		{"not bearer", "GET", "/v1/dimensions", "Basic abc", "", 401, "Bearer <token>"},
		{"unknown", "GET", "/v1/dimensions", "", "fid_nope", 401, "unknown token"},
		{"expired", "GET", "/v1/dimensions", "", expiring, 401, "expired"},
		{"revoked", "GET", "/v1/dimensions", "", revoked, 401, "revoked"},
		{"read may read", "GET", "/v1/dimensions", "", f.secret["read"], 200, ""},
		{"ingest may not read", "GET", "/v1/dimensions", "", f.secret["ingest"], 403, "lacks the read scope"},
		{"read may not ingest", "POST", "/v1/import/orders", "", f.secret["read"], 403, "lacks the ingest scope"},
		{"ingest may ingest", "POST", "/v1/import/orders", "", f.secret["ingest"], 200, ""},
		{"ingest may not forget", "POST", "/v1/forget", "", f.secret["ingest"], 403, "lacks the admin scope"},
		{"metrics need a token", "GET", "/metrics", "", "", 401, "bearer token is required"},
		{"openapi needs a token", "GET", "/openapi.json", "", "", 401, "bearer token is required"},
		{"healthz needs none", "GET", "/healthz", "", "", 200, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			hdr := []string{}
			if c.method == "POST" {
				body = strings.NewReader(csv)
				hdr = append(hdr, "Content-Type", "text/csv")
				if strings.HasSuffix(c.path, "forget") {
					body = strings.NewReader(`{"customer_ids":["C1"]}`)
					hdr = []string{"Content-Type", "application/json"}
				}
			}
			if c.auth != "" {
				hdr = append(hdr, "Authorization", c.auth)
			}
			w := f.do(c.method, c.path, c.token, body, hdr...)
			if w.Code != c.want {
				t.Fatalf("status %d, want %d: %s", w.Code, c.want, w.Body.String())
			}
			if c.detail != "" {
				if p := decode[problem](t, w); !strings.Contains(p.Detail, c.detail) {
					t.Errorf("detail %q, want it to say %q", p.Detail, c.detail)
				}
			}
			if c.want == 401 && w.Header().Get("WWW-Authenticate") == "" {
				t.Error("a 401 without WWW-Authenticate")
			}
		})
	}
}

func TestSessionCookie(t *testing.T) {
	f := newFixture(t, true, nil)
	for _, c := range []struct {
		name, token string
		want        int
	}{{"ingest-only token", f.secret["ingest"], 403}, {"unknown", "fid_x", 401}, {"missing", "", 400}} {
		w := f.do("POST", "/login", "", strings.NewReader("token="+url.QueryEscape(c.token)), "Content-Type", "application/x-www-form-urlencoded")
		if w.Code != c.want {
			t.Errorf("%s: login status %d, want %d", c.name, w.Code, c.want)
		}
	}
	// Without a token, GET /login is the sign-in form, and the dashboard's address leads to it.
	if w := f.do("GET", "/login", "", nil); w.Code != 200 || !strings.Contains(w.Body.String(), `<form method="post" action="/login">`) {
		t.Errorf("GET /login: %d %s", w.Code, w.Body.String())
	}
	if w := f.do("GET", "/", "", nil); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" {
		t.Errorf("GET / without a session: %d %v", w.Code, w.Header())
	}
	w := f.do("GET", "/login?token="+url.QueryEscape(f.secret["readingest"]), "", nil)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Fatalf("login: %d %v", w.Code, w.Header())
	}
	cookie := w.Result().Cookies()[0]
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie %+v: want HttpOnly and SameSite=Strict", cookie)
	}
	withCookie := func(method, path string, body io.Reader) int {
		r := httptest.NewRequest(method, path, body)
		r.AddCookie(cookie)
		r.Header.Set("Content-Type", "text/csv")
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, r)
		return w.Code
	}
	if got := withCookie("GET", "/v1/dimensions", nil); got != 200 {
		t.Errorf("GET with the session: %d, want 200", got)
	}
	// The token behind the session may ingest, the session may not: cookies ride along on
	// cross-site form posts, so a cookie never authorises a write.
	if got := withCookie("POST", "/v1/import/orders", strings.NewReader("order_id,customer_id,timestamp,amount\n1,C1,2024-01-02,5\n")); got != 403 {
		t.Errorf("POST with the session: %d, want 403", got)
	}
	if _, err := f.tokens.Revoke("readingest", f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(2 * time.Second)
	if got := withCookie("GET", "/v1/dimensions", nil); got != 401 {
		t.Errorf("GET with the session of a revoked token: %d, want 401", got)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, true, nil)
	for _, path := range []string{"/healthz", "/", "/v1/dimensions"} {
		w := f.do("GET", path, f.secret["read"], nil, "Origin", "https://evil.example")
		h := w.Header()
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", path, h)
		}
		if h.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: CORS allowed without configuration", path)
		}
	}
	g := newFixture(t, true, func(c *server.Config) { c.CORSOrigins = []string{"https://crm.example"} })
	if w := g.do("GET", "/v1/dimensions", g.secret["read"], nil, "Origin", "https://crm.example"); w.Header().Get("Access-Control-Allow-Origin") != "https://crm.example" {
		t.Errorf("configured origin not allowed: %v", w.Header())
	}
	if w := g.do("GET", "/v1/dimensions", g.secret["read"], nil, "Origin", "https://evil.example"); w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("unconfigured origin allowed")
	}
}

func TestQueryCap(t *testing.T) {
	f := newFixture(t, true, nil)
	w := f.do("GET", "/v1/report?by="+strings.Repeat("x", 5000), f.secret["read"], nil)
	if w.Code != http.StatusRequestURITooLong {
		t.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
}

func TestRateLimit(t *testing.T) {
	f := newFixture(t, true, func(c *server.Config) { c.Rate, c.Burst = 1, 3 })
	var codes []int
	for i := 0; i < 5; i++ {
		codes = append(codes, f.do("GET", "/v1/dimensions", f.secret["read"], nil).Code)
	}
	if codes[2] != 200 || codes[3] != 429 || codes[4] != 429 {
		t.Errorf("statuses %v: want three 200 then 429", codes)
	}
	// Another token has its own bucket.
	if w := f.do("GET", "/v1/dimensions", f.secret["admin"], nil); w.Code != 200 {
		t.Errorf("second token: %d", w.Code)
	}
}

// TestAssetETags: dashboard files carry a content ETag and no-cache, and a revalidation with it
// is answered 304 with no body.
func TestAssetETags(t *testing.T) {
	dash := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>x</title>")}, "js/app.js": {Data: []byte("console.log(1)")}}
	f := newFixture(t, true, func(c *server.Config) { c.Dashboard = dash })
	for _, p := range []string{"/", "/js/app.js"} {
		w := f.do("GET", p, f.secret["read"], nil)
		tag := w.Header().Get("ETag")
		if w.Code != 200 || tag == "" || w.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("%s: %d, ETag %q, Cache-Control %q", p, w.Code, tag, w.Header().Get("Cache-Control"))
		}
		if w := f.do("GET", p, f.secret["read"], nil, "If-None-Match", tag); w.Code != 304 || w.Body.Len() != 0 {
			t.Errorf("%s revalidated with its ETag: %d, %d bytes", p, w.Code, w.Body.Len())
		}
	}
}
