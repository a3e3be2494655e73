package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"fidelis"
	"fidelis/server"
	"fidelis/server/load"
)

func init() {
	register("bench-serve", "load-test the API on a store over loopback: p50/p99 per route, errors, peak memory, ingest rate with a count check", runBenchServe)
}

func runBenchServe(ctx context.Context, e *env, args []string) error {
	var sf storeFlags
	fs := newFlags(e, "bench-serve", "bench-serve --db STORE [--clients 32] [--duration 60s] [--batches 100] [--batch-rows 1000] [--json]")
	sf.register(fs, "DuckDB store to serve (it receives the ingest phase's orders: use a copy)")
	clients := fs.Int("clients", 32, "concurrent clients")
	duration := fs.Duration("duration", 60*time.Second, "length of the read phase")
	batches := fs.Int("batches", 100, "ingest batches of new orders after the read phase")
	batchRows := fs.Int("batch-rows", 1000, "orders per ingest batch")
	only := fs.String("routes", "", "comma-separated GET routes for the read phase instead of the default mix (analyses, customer pages, the dashboard); \"none\": ingest only (a first analysis of a million customers takes longer than a bounded run)")
	warmUp := fs.Bool("warm", false, "let the server warm its default views (as fidelis serve does) and wait until /healthz says ready before the first request; the time is reported")
	warmIngest := fs.Bool("warm-ingest", false, "let the server read the stored ids for ingest at start (as fidelis serve does) and wait for that before the ingest phase; the time is reported (without it the first batch of the run waits for that read)")
	asJSON := fs.Bool("json", false, "print JSON")
	prof := fs.String("cpuprofile", "", "write a Go CPU profile of the load phases (server and clients) to this file")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *clients < 1 || *duration <= 0 || *batches < 0 || *batchRows < 1 {
		return fidelis.Errorf(fidelis.EInvalid, "--clients, --duration and --batch-rows must be positive")
	}
	if err := mustExist(ctx, sf, "fidelis demo --customers 100000 --dir DIR, then --db DIR/fidelis-demo.duckdb"); err != nil {
		return err
	}
	st, err := openStore(ctx, e, sf, *batches == 0) // a read-only run may share the store file
	if err != nil {
		return err
	}
	defer st.Close()
	dir, err := os.MkdirTemp("", "fidelis-bench-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	toks, err := server.OpenTokens(filepath.Join(dir, "tokens"))
	if err != nil {
		return err
	}
	_, read, err := toks.Create("bench-read", []string{server.ScopeRead}, 0, time.Now())
	if err != nil {
		return err
	}
	_, ing, err := toks.Create("bench-ingest", []string{server.ScopeIngest}, 0, time.Now())
	if err != nil {
		return err
	}
	// The per-token rate limit is lifted: the run measures the server, not the limiter.
	dash, err := dashboardFS()
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{Store: st, Tokens: toks, Rate: 1e9, Burst: 1 << 30, Dashboard: dash, Warm: *warmUp, WarmIngest: *warmIngest})
	if err != nil {
		return err
	}
	defer srv.Close()
	// How long the server's read of the stored ids takes, from its start.
	idSeconds, idDone, started := 0.0, make(chan struct{}), time.Now()
	go func() {
		<-srv.IngestWarm()
		idSeconds = time.Since(started).Seconds()
		close(idDone)
	}()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := srv.HTTPServer(ln.Addr().String())
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	before, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	customers, err := sampleCustomers(ctx, st)
	if err != nil {
		return err
	}
	warmSeconds := 0.0
	if *warmUp {
		t0 := time.Now()
		if err := waitWarm(ctx, base); err != nil {
			return err
		}
		warmSeconds = time.Since(t0).Seconds()
	}
	// Each route's first request computes what the warm-up did not (then it is cached). The mix:
	// what the dashboard asks for (/, the report, the attributes, customer-list pages) and every
	// analysis route of the API.
	routes := []string{"/", "/v1/report?grain=month", "/v1/dimensions", "/v1/metrics", "/v1/cohorts", "/v1/actions", "/v1/voc",
		"/v1/advocacy", "/v1/program", "/v1/engagement", "/v1/social", "/v1/lifetime", "/v1/fit", "/v1/churn", "/v1/insight",
		"/v1/targets", "/v1/predict?per_page=50", "/v1/customers?list=all&per_page=50", "/v1/customers?list=all&per_page=50&page=100"}
	switch *only {
	case "":
	case "none":
		routes = nil
	default:
		routes = strings.Split(*only, ",")
	}
	var acts []struct{ ID string }
	warm := map[string]float64{}
	for _, r := range routes {
		t0 := time.Now()
		b, status, err := fetch(ctx, base+r, read)
		if err != nil || status != 200 {
			return fmt.Errorf("warm-up %s: status %d %v %.300s", r, status, err, b)
		}
		warm[r] = time.Since(t0).Seconds()
		if r == "/v1/actions" {
			json.Unmarshal(b, &acts)
		}
	}
	if len(acts) > 0 && *only == "" {
		r := "/v1/customers?list=" + url.QueryEscape("action:"+acts[0].ID) + "&per_page=50"
		if _, status, err := fetch(ctx, base+r, read); err == nil && status == 200 {
			routes = append(routes, r)
		}
	}
	if *warmIngest && *batches > 0 {
		select {
		case <-idDone:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	stop, err := startProfile(*prof)
	if err != nil {
		return err
	}
	res, err := load.Run(ctx, load.Config{Base: base, ReadToken: read, IngestToken: ing, Routes: routes, Clients: *clients,
		Duration: *duration, Batches: *batches, BatchRows: *batchRows, Retry: 10, Customers: customers})
	stop()
	if err != nil {
		return err
	}
	after, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	added := after[fidelis.Orders] - before[fidelis.Orders]
	want := int64(*batches * *batchRows)
	retried := int64((*batches + 9) / 10 * *batchRows)
	peak := peakRSS()
	<-idDone // closed at once without --warm-ingest; ends with the server otherwise
	out := struct {
		load.Result
		WarmSeconds    map[string]float64 `json:"first_request_seconds"`
		UntilWarm      float64            `json:"until_warm_seconds,omitempty"`
		UntilIngest    float64            `json:"until_ingest_warm_seconds,omitempty"`
		OrdersBefore   int64              `json:"orders_before"`
		OrdersAdded    int64              `json:"orders_added"`
		OrdersExpected int64              `json:"orders_expected"`
		RetriedRows    int64              `json:"retried_rows"`
		PeakRSSMiB     float64            `json:"peak_rss_mib"`
		Customers      int64              `json:"customers"`
	}{res, warm, warmSeconds, idSeconds, before[fidelis.Orders], added, want, retried, peak, before[fidelis.Customers]}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "store %s: %d customers, %d orders; %d clients for %.0fs over loopback\n", sf.db, out.Customers, out.OrdersBefore, *clients, res.ReadSeconds)
		if *warmUp {
			fmt.Fprintf(e.stdout, "the server's warm-up of its default views took %.1fs\n", warmSeconds)
		}
		if *warmIngest {
			fmt.Fprintf(e.stdout, "the server's read of the stored ids for ingest took %.1fs from its start (the ingest phase began after it)\n", idSeconds)
		}
		fmt.Fprintln(e.stdout)
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "route\tfirst request s\trequests\terrors\tp50 ms\tp99 ms\tmax ms\t")
		for _, r := range res.Routes {
			fmt.Fprintf(tw, "%s\t%.2f\t%d\t%d\t%.2f\t%.2f\t%.1f\t\n", r.Route, warm[r.Route], r.Requests, r.Errors, r.P50, r.P99, r.Max)
		}
		tw.Flush()
		fmt.Fprintf(e.stdout, "\ningest: %d batches of %d orders (every 10th sent twice) from %d clients: %d stored, %d duplicates in %.1fs = %.0f rows/s acknowledged after commit; batch p50 %.0f ms, p99 %.0f ms; %d errors\n",
			*batches, *batchRows, *clients, res.IngestRows, res.IngestDups, res.IngestSecs, res.RowsPerSec, res.IngestP50, res.IngestP99, res.IngestErrors)
		fmt.Fprintf(e.stdout, "count check: orders %d → %d (+%d, expected +%d)\npeak memory (RSS high-water mark of this process, server and clients): %.0f MiB\n",
			out.OrdersBefore, after[fidelis.Orders], added, want, peak)
		if res.FirstError != "" {
			fmt.Fprintf(e.stdout, "first error: %s\n", res.FirstError)
		}
	}
	if added != want || res.IngestRows != want || res.IngestDups != retried || res.Errors+res.IngestErrors > 0 {
		return fmt.Errorf("the run lost, doubled or failed requests: +%d orders (want %d), %d stored, %d duplicates (want %d), %d errors",
			added, want, res.IngestRows, res.IngestDups, retried, res.Errors+res.IngestErrors)
	}
	return nil
}

// sampleCustomers returns up to 10,000 customer ids of the store for the generated orders.
func sampleCustomers(ctx context.Context, st fidelis.Store) ([]string, error) {
	ids, err := st.CustomerIDs(ctx, fidelis.CustomerSelection{})
	if len(ids) > 10000 {
		ids = ids[:10000]
	}
	if len(ids) == 0 {
		ids = []string{"load-customer"}
	}
	return ids, err
}

// peakRSS is the process's resident-set high-water mark in MiB (Linux; 0 elsewhere).
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(v), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// waitWarm polls /healthz until the server's warm-up is ready (or failed, an error).
func waitWarm(ctx context.Context, base string) error {
	for {
		b, _, err := fetch(ctx, base+"/healthz", "")
		if err != nil {
			return err
		}
		var h struct{ Warm struct{ State, Error string } }
		json.Unmarshal(b, &h)
		switch h.Warm.State {
		case "ready":
			return nil
		case "failed":
			return fmt.Errorf("warm-up failed: %s", h.Warm.Error)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// fetch GETs u with the token and returns the body and status.
func fetch(ctx context.Context, u, token string) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return b, resp.StatusCode, err
}
