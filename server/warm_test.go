package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fidelis"
	"fidelis/server"
)

// computed returns how many times what was computed (cache misses that ran the computation).
func computed(t *testing.T, f *fixture, what string) float64 {
	t.Helper()
	return metric(t, f, `fidelis_analysis_duration_seconds_count{what="`+what+`"}`)
}

// TestInvalidationPerKind: an ingest invalidates only the results that read the kind it
// changed. One route of each family: the core metrics and the cohorts (orders, customers,
// subscriptions), the attributes (customers), the whole analysis and what is projected from it
// (every kind: a section, a customer list), the store's counts (every kind).
func TestInvalidationPerKind(t *testing.T) {
	f := newFixture(t, false, nil)
	tok := f.secret["readingest"]
	get := func(path string) []byte {
		t.Helper()
		w := f.do("GET", path, tok, nil)
		if w.Code != 200 {
			t.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String())
		}
		return w.Body.Bytes()
	}
	paths := []string{"/v1/cohorts", "/v1/metrics", "/v1/dimensions", "/v1/voc", "/v1/customers?list=all"}
	readAll := func() {
		for _, p := range paths {
			get(p)
		}
	}
	whats := []string{"/v1/cohorts", "core", "frame", "/v1/dimensions", "report", "/v1/customers:all"}
	counts := func() map[string]float64 {
		m := map[string]float64{}
		for _, w := range whats {
			m[w] = computed(t, f, w)
		}
		return m
	}
	ingestRows := func(kind, csv string) {
		t.Helper()
		w := f.do("POST", "/v1/import/"+kind, tok, strings.NewReader(csv), "Content-Type", "text/csv")
		if w.Code != 200 || !strings.Contains(w.Body.String(), `"stored":1`) {
			t.Fatalf("import %s: %d %s", kind, w.Code, w.Body.String())
		}
	}
	step := func(what string, change func(), recomputed ...string) {
		t.Helper()
		readAll()
		before := counts()
		change()
		readAll()
		after := counts()
		for _, w := range whats {
			want := 0.0
			for _, r := range recomputed {
				if r == w {
					want = 1
				}
			}
			if after[w]-before[w] != want {
				t.Errorf("after %s, %s was computed %v times, want %v", what, w, after[w]-before[w], want)
			}
		}
	}
	surveysBefore := decode[struct{ Counts map[string]int }](t, f.do("GET", "/v1/metrics", tok, nil)).Counts["surveys"]
	step("an ingest of surveys", func() {
		ingestRows("surveys", "response_id,customer_id,timestamp,kind,score\nnew-s1,C0000001,2024-05-01T10:00:00Z,nps,9\n")
	}, "frame", "report", "/v1/customers:all")
	// The kept core metrics still carry the store's counts as they are now.
	if n := decode[struct{ Counts map[string]int }](t, f.do("GET", "/v1/metrics", tok, nil)).Counts["surveys"]; n != surveysBefore+1 {
		t.Errorf("/v1/metrics counts %d surveys after one more, want %d", n, surveysBefore+1)
	}
	cohortsBefore := get("/v1/cohorts")
	step("an ingest of orders", func() {
		ingestRows("orders", "order_id,customer_id,timestamp,amount\nnew-o1,new-customer,2024-05-02T10:00:00Z,10\n")
	}, "/v1/cohorts", "core", "frame", "report", "/v1/customers:all")
	if string(get("/v1/cohorts")) == string(cohortsBefore) {
		t.Error("the cohorts did not change with a new customer's first order")
	}
	step("an ingest of customers", func() {
		ingestRows("customers", "customer_id,region,loyalty_colour\nnew-customer,North,teal\n")
	}, "/v1/cohorts", "core", "frame", "/v1/dimensions", "report", "/v1/customers:all")
	if d := string(get("/v1/dimensions")); !strings.Contains(d, "loyalty_colour") {
		t.Errorf("dimensions after a new attribute: %s", d)
	}
	// Erasure invalidates everything it touches: the customer had an order and a customer record.
	step("forget", func() {
		w := f.do("POST", "/v1/forget", f.secret["admin"], strings.NewReader(`{"customer_ids":["new-customer"]}`), "Content-Type", "application/json")
		if w.Code != 200 {
			t.Fatalf("forget: %d %s", w.Code, w.Body.String())
		}
	}, "/v1/cohorts", "core", "frame", "/v1/dimensions", "report", "/v1/customers:all")
	if d := string(get("/v1/dimensions")); strings.Contains(d, "loyalty_colour") {
		t.Errorf("dimensions after forgetting the only customer with an attribute: %s", d)
	}
}

// blockingStore stalls the whole analysis (its Activity) until released or cancelled.
type blockingStore struct {
	fidelis.Store
	block   atomic.Bool
	started chan struct{}
}

func (b *blockingStore) Activity(ctx context.Context, q fidelis.Query) ([]fidelis.ActivityCell, error) {
	if b.block.Load() {
		select {
		case b.started <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return b.Store.Activity(ctx, q)
}

// TestWarm: the server computes the default views at start, so the dashboard's first request
// is a cache hit; after an ingest it computes them again; /healthz says where the warm-up is.
func TestWarm(t *testing.T) {
	f := newFixture(t, false, func(c *server.Config) { c.Warm, c.WarmDelay = true, 10*time.Millisecond })
	defer f.srv.Close()
	tok := f.secret["readingest"]
	waitReady := func() {
		t.Helper()
		for i := 0; ; i++ {
			st := decode[struct{ Warm struct{ State, Error string } }](t, f.do("GET", "/healthz", "", nil)).Warm
			if st.State == "ready" {
				return
			}
			if st.State == "failed" || i > 6000 {
				t.Fatalf("warm-up: %+v", st)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitReady()
	if n := computed(t, f, "report"); n != 1 {
		t.Errorf("the whole analysis was computed %v times by the warm-up, want 1", n)
	}
	if w := f.do("GET", "/v1/report?grain=month", tok, nil); w.Code != 200 {
		t.Fatal(w.Code)
	}
	if n := computed(t, f, "report"); n != 1 {
		t.Errorf("the dashboard's first request computed the analysis again (%v computations)", n)
	}
	w := f.do("POST", "/v1/import/surveys", tok, strings.NewReader("response_id,customer_id,timestamp,kind,score\nwarm-s1,C0000001,2024-05-01T10:00:00Z,nps,9\n"), "Content-Type", "text/csv")
	if w.Code != 200 {
		t.Fatal(w.Body.String())
	}
	// The ingest is not seen as warm until the views are computed again.
	for i := 0; computed(t, f, "report") < 2; i++ {
		if i > 6000 {
			t.Fatal("no warm-up after the ingest")
		}
		time.Sleep(10 * time.Millisecond)
	}
	waitReady()
	if n := computed(t, f, "/v1/cohorts"); n != 1 {
		t.Errorf("the cohorts were computed %v times; a survey ingest should keep them", n)
	}
	if v := metric(t, f, "fidelis_warm_ready"); v != 1 {
		t.Errorf("fidelis_warm_ready %v", v)
	}
}

// TestWarmNeverBlocks: a warm-up stuck in a slow computation lets ingests through, and Close
// cancels it.
func TestWarmNeverBlocks(t *testing.T) {
	var b *blockingStore
	f := newFixture(t, false, func(c *server.Config) {
		b = &blockingStore{Store: c.Store, started: make(chan struct{}, 1)}
		b.block.Store(true)
		c.Store, c.Warm, c.WarmDelay = b, true, 10*time.Millisecond
	})
	<-b.started // the warm-up is inside the whole analysis
	var st struct{ Warm struct{ State string } }
	json.Unmarshal(f.do("GET", "/healthz", "", nil).Body.Bytes(), &st)
	if st.Warm.State != "warming" {
		t.Errorf("healthz during the warm-up: %+v", st)
	}
	w := f.do("POST", "/v1/import/orders", f.secret["readingest"], strings.NewReader("order_id,customer_id,timestamp,amount\nblock-o1,C0000001,2024-05-02T10:00:00Z,10\n"), "Content-Type", "text/csv")
	if w.Code != 200 {
		t.Fatalf("ingest during the warm-up: %d %s", w.Code, w.Body.String())
	}
	done := make(chan struct{})
	go func() { f.srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("Close did not cancel the warm-up")
	}
}
