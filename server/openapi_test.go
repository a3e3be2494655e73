package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// TestOpenAPI loads the generated document with kin-openapi, checks it is valid OpenAPI 3.1,
// exercises every operation in it on the synthetic company, and validates each response (status,
// content type and body) against the document.
func TestOpenAPI(t *testing.T) {
	f := newFixture(t, false, nil)
	w := f.do("GET", "/openapi.json", f.secret["read"], nil)
	if w.Code != 200 {
		t.Fatalf("GET /openapi.json: %d %s", w.Code, w.Body.String())
	}
	ctx := context.Background()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi %q, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/html", func(r io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(r)
		return string(b), err
	})
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	orders := "order_id,customer_id,timestamp,amount\nn1,C1,2024-01-05,10\nn2,C1,2024-01-06,abc\n"
	requests := []struct {
		method, target, token, ctype, body string
		want                               int
	}{
		{"GET", "/v1/report", "read", "", "", 200},
		{"GET", "/v1/report?grain=quarter&by=region&from=2023-01-01", "read", "", "", 200},
		{"GET", "/v1/report?segment=region%3DNorth&segment=gender%3Dfemale", "read", "", "", 200},
		{"GET", "/v1/report?grain=fortnight", "read", "", "", 422},
		{"GET", "/v1/report?by=shoe_size", "read", "", "", 400},
		{"GET", "/v1/report.html?lang=pl", "read", "", "", 200},
		{"GET", "/v1/metrics", "read", "", "", 200},
		{"GET", "/v1/cohorts?by=region", "read", "", "", 200},
		{"GET", "/v1/actions", "read", "", "", 200},
		{"GET", "/v1/targets", "read", "", "", 200},
		{"GET", "/v1/benchmarks?industry=retail", "read", "", "", 200},
		{"GET", "/v1/voc", "read", "", "", 200},
		{"GET", "/v1/advocacy", "read", "", "", 200},
		{"GET", "/v1/program", "read", "", "", 200},
		{"GET", "/v1/engagement", "read", "", "", 200},
		{"GET", "/v1/social", "read", "", "", 200},
		{"GET", "/v1/lifetime", "read", "", "", 200},
		{"GET", "/v1/fit", "read", "", "", 200},
		{"GET", "/v1/churn", "read", "", "", 200},
		{"GET", "/v1/insight", "read", "", "", 200},
		{"GET", "/v1/dimensions", "read", "", "", 200},
		{"GET", "/v1/whatif?lever=retention&delta=5&horizon=12", "read", "", "", 200},
		{"GET", "/v1/whatif?lever=detractors&delta=-10&within=region%3DNorth", "read", "", "", 200},
		{"GET", "/v1/whatif?lever=sunshine&delta=5", "read", "", "", 422},
		{"GET", "/v1/risk?top=10", "read", "", "", 200},
		{"GET", "/v1/predict?per_page=3&page=2", "read", "", "", 200},
		{"GET", "/v1/customers?list=all&per_page=5", "read", "", "", 200},
		{"GET", "/v1/customers?list=segment:region%3DNorth&format=csv", "read", "", "", 200},
		{"GET", "/v1/customers?list=action:nope", "read", "", "", 404},
		{"GET", "/v1/dimensions", "", "", "", 401},
		{"POST", "/v1/import/orders", "ingest", "text/csv", orders, 200},
		{"POST", "/v1/import/orders", "read", "text/csv", orders, 403},
		{"POST", "/v1/delete/orders", "admin", "application/json", `{"ids":["n1","zz"]}`, 200},
		{"POST", "/v1/forget", "admin", "application/json", `{"customer_ids":["C1"]}`, 200},
		{"POST", "/v1/forget", "admin", "application/json", `{"customer_ids":[]}`, 422},
	}
	seen := map[string]bool{}
	for _, r := range requests {
		t.Run(r.method+" "+r.target, func(t *testing.T) {
			var body io.Reader
			if r.body != "" {
				body = strings.NewReader(r.body)
			}
			w := f.do(r.method, r.target, f.secret[r.token], body, "Content-Type", r.ctype)
			if w.Code != r.want {
				t.Fatalf("status %d, want %d: %.400s", w.Code, r.want, w.Body.String())
			}
			req := httptest.NewRequest(r.method, r.target, strings.NewReader(r.body))
			if r.ctype != "" {
				req.Header.Set("Content-Type", r.ctype)
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("not in the document: %v", err)
			}
			seen[route.Method+" "+route.Path] = true
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true}}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: w.Code, Header: w.Header(),
				Body: io.NopCloser(bytes.NewReader(w.Body.Bytes())), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				t.Errorf("response does not match the document: %.2000v", err)
			}
		})
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !seen[method+" "+path] {
				t.Errorf("%s %s is in the document but no test request exercised it", method, path)
			}
		}
	}
}

// TestCache: the second request for one query is served from the cache; an ingest that stores
// something advances the store version, so the next request computes again and sees the row.
func TestCache(t *testing.T) {
	f := newFixture(t, false, nil)
	get := func() (orders float64, body []byte) {
		w := f.do("GET", "/v1/report?grain=quarter", f.secret["readingest"], nil)
		if w.Code != 200 {
			t.Fatalf("%d %s", w.Code, w.Body.String())
		}
		var v struct {
			Counts map[string]float64 `json:"counts"`
		}
		json.Unmarshal(w.Body.Bytes(), &v)
		return v.Counts["orders"], w.Body.Bytes()
	}
	n1, b1 := get()
	n2, b2 := get()
	if n1 == 0 || !bytes.Equal(b1, b2) {
		t.Fatalf("two reads of one version differ (%v, %v orders)", n1, n2)
	}
	if hits := metric(t, f, `fidelis_analysis_cache_total{result="hit"}`); hits < 1 {
		t.Errorf("cache hits %v after a repeated request", hits)
	}
	w := f.do("POST", "/v1/import/orders", f.secret["readingest"], strings.NewReader("order_id,customer_id,timestamp,amount\nfresh1,C1,2024-01-05,10\n"), "Content-Type", "text/csv")
	if w.Code != 200 {
		t.Fatal(w.Body.String())
	}
	if n3, _ := get(); n3 != n1+1 {
		t.Errorf("after storing one order: %v orders, want %v", n3, n1+1)
	}
	// A batch of duplicates changes nothing and keeps the cache.
	misses := metric(t, f, `fidelis_analysis_cache_total{result="miss"}`)
	f.do("POST", "/v1/import/orders", f.secret["readingest"], strings.NewReader("order_id,customer_id,timestamp,amount\nfresh1,C1,2024-01-05,10\n"), "Content-Type", "text/csv")
	get()
	if m := metric(t, f, `fidelis_analysis_cache_total{result="miss"}`); m != misses {
		t.Errorf("a duplicate-only ingest invalidated the cache (%v misses, was %v)", m, misses)
	}
	if v := metric(t, f, `fidelis_ingest_rows_total{kind="orders",outcome="duplicate"}`); v != 1 {
		t.Errorf("ingest duplicate rows %v, want 1", v)
	}
}

// metric reads one series from /metrics.
func metric(t *testing.T, f *fixture, series string) float64 {
	t.Helper()
	w := f.do("GET", "/metrics", f.secret["read"], nil)
	if w.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", w.Code)
	}
	for _, line := range strings.Split(w.Body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			var x float64
			json.Unmarshal([]byte(v), &x)
			return x
		}
	}
	return 0
}

// TestCompare: compare=previous and compare=year add the report of the window before, with its
// dates; the main report is the one without compare.
func TestCompare(t *testing.T) {
	f := newFixture(t, false, nil)
	tok := f.secret["read"]
	base := decode[struct {
		Last string `json:"last_order"`
	}](t, f.do("GET", "/v1/report", tok, nil))
	last, err := time.Parse(time.RFC3339, base.Last)
	if err != nil {
		t.Fatal(err)
	}
	to := time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, time.UTC)
	from := to.AddDate(0, -6, 0)
	q := "/v1/report?from=" + from.Format("2006-01-02") + "&to=" + to.Format("2006-01-02")
	for _, c := range []struct {
		compare, from, to string
	}{
		{"previous", from.AddDate(0, -6, 0).Format("2006-01-02"), from.Format("2006-01-02")},
		{"year", from.AddDate(-1, 0, 0).Format("2006-01-02"), to.AddDate(-1, 0, 0).Format("2006-01-02")},
	} {
		w := f.do("GET", q+"&compare="+c.compare, tok, nil)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", c.compare, w.Code, w.Body.String())
		}
		r := decode[struct {
			Retention []json.RawMessage `json:"retention"`
			Compare   *struct {
				From, To string
				Report   struct {
					Retention []struct {
						Period string `json:"period"`
					} `json:"retention"`
				} `json:"report"`
			} `json:"compare"`
		}](t, w)
		if r.Compare == nil || r.Compare.From != c.from || r.Compare.To != c.to || len(r.Compare.Report.Retention) == 0 || len(r.Retention) == 0 {
			t.Errorf("compare=%s: %+v", c.compare, r.Compare)
		}
	}
	for _, bad := range []string{"/v1/report?compare=previous", "/v1/report?segment=region"} {
		if w := f.do("GET", bad, tok, nil); w.Code != 400 {
			t.Errorf("%s: %d %s", bad, w.Code, w.Body.String())
		}
	}
}
