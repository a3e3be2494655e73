// Package load is a bounded load generator for the Fidelis API: a fixed number of clients send a
// mix of dashboard and API requests for a fixed time, then ingest batches of orders, and the run
// reports latency quantiles per route, errors, and the ingest rate with a count check. It talks
// HTTP over loopback like any client; fidelis bench-serve wires it to an in-process server.
package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"
)

// Config describes one run.
type Config struct {
	Base        string   // http://127.0.0.1:PORT
	ReadToken   string   // for the GET routes
	IngestToken string   // for the ingest phase
	Routes      []string // GET targets, chosen at random by each client
	Clients     int
	Duration    time.Duration // of the read phase
	// Batches of BatchRows new orders are sent by the clients in the ingest phase; every
	// Retry-th batch is sent twice, as a client retrying after a lost answer would.
	Batches, BatchRows, Retry int
	// Customers are the ids the generated orders name.
	Customers []string
}

// Route is what one route's requests measured.
type Route struct {
	Route    string  `json:"route"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	P50      float64 `json:"p50_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
}

// Result is the run's outcome.
type Result struct {
	Routes       []Route `json:"routes"`
	ReadSeconds  float64 `json:"read_seconds"`
	Errors       int     `json:"errors"`
	FirstError   string  `json:"first_error,omitempty"`
	IngestRows   int64   `json:"ingest_rows_stored"`
	IngestDups   int64   `json:"ingest_rows_duplicate"`
	IngestSecs   float64 `json:"ingest_seconds"`
	RowsPerSec   float64 `json:"ingest_rows_per_second"`
	IngestP50    float64 `json:"ingest_batch_p50_ms"`
	IngestP99    float64 `json:"ingest_batch_p99_ms"`
	IngestErrors int     `json:"ingest_errors"`
}

type sample struct {
	route string
	ms    float64
	err   string
}

// Run runs the read phase, then the ingest phase.
func Run(ctx context.Context, c Config) (Result, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.Clients * 2}, Timeout: 10 * time.Minute}
	var res Result
	var mu sync.Mutex
	var samples []sample
	rctx, cancel := context.WithTimeout(ctx, c.Duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < c.Clients && len(c.Routes) > 0; i++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(seed, 1))
			var local []sample
			for rctx.Err() == nil {
				route := c.Routes[rnd.IntN(len(c.Routes))]
				t0 := time.Now()
				status, err := get(rctx, client, c.Base+route, c.ReadToken)
				if rctx.Err() != nil { // the phase ended mid-request: not a server error
					break
				}
				s := sample{route: route, ms: float64(time.Since(t0).Microseconds()) / 1000}
				if err != nil {
					s.err = err.Error()
				} else if status != 200 {
					s.err = fmt.Sprintf("%s: status %d", route, status)
				}
				local = append(local, s)
			}
			mu.Lock()
			samples = append(samples, local...)
			mu.Unlock()
		}(uint64(i + 1))
	}
	wg.Wait()
	res.ReadSeconds = time.Since(start).Seconds()
	res.Routes, res.Errors, res.FirstError = summarise(samples)

	// Ingest: batches of new orders from every client at once; the server applies them in turn.
	batches := make(chan int)
	go func() {
		defer close(batches)
		for b := 0; b < c.Batches; b++ {
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	var ing []float64
	start = time.Now()
	for i := 0; i < c.Clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				body := orders(b, c.BatchRows, c.Customers)
				sends := 1
				if c.Retry > 0 && b%c.Retry == 0 {
					sends = 2
				}
				for k := 0; k < sends; k++ {
					t0 := time.Now()
					stored, dups, err := post(ctx, client, c.Base+"/v1/import/orders", c.IngestToken, body)
					ms := float64(time.Since(t0).Microseconds()) / 1000
					mu.Lock()
					ing = append(ing, ms)
					if err != nil {
						res.IngestErrors++
						if res.FirstError == "" {
							res.FirstError = err.Error()
						}
					}
					res.IngestRows += stored
					res.IngestDups += dups
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	res.IngestSecs = time.Since(start).Seconds()
	if res.IngestSecs > 0 {
		res.RowsPerSec = float64(res.IngestRows) / res.IngestSecs
	}
	sort.Float64s(ing)
	res.IngestP50, res.IngestP99 = quantile(ing, 0.5), quantile(ing, 0.99)
	return res, ctx.Err()
}

// orders is batch b: rows new orders with ids unique across the run.
func orders(b, rows int, customers []string) []byte {
	var buf bytes.Buffer
	buf.WriteString("order_id,customer_id,timestamp,amount\n")
	for r := 0; r < rows; r++ {
		n := b*rows + r
		fmt.Fprintf(&buf, "load-%d,%s,2024-%02d-%02d,%d.%02d\n", n, customers[n%len(customers)], 1+n%12, 1+n%28, 5+n%200, n%100)
	}
	return buf.Bytes()
}

func get(ctx context.Context, c *http.Client, url, token string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func post(ctx context.Context, c *http.Client, url, token string, body []byte) (stored, dups int64, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return 0, 0, fmt.Errorf("ingest: status %d: %.300s", resp.StatusCode, b)
	}
	var s struct{ Stored, Duplicates int64 }
	if err := json.Unmarshal(b, &s); err != nil {
		return 0, 0, err
	}
	return s.Stored, s.Duplicates, nil
}

func summarise(samples []sample) ([]Route, int, string) {
	by := map[string][]float64{}
	errs := map[string]int{}
	total, first := 0, ""
	for _, s := range samples {
		by[s.route] = append(by[s.route], s.ms)
		if s.err != "" {
			errs[s.route]++
			total++
			if first == "" {
				first = s.err
			}
		}
	}
	var out []Route
	for r, ms := range by {
		sort.Float64s(ms)
		out = append(out, Route{Route: r, Requests: len(ms), Errors: errs[r], P50: quantile(ms, 0.5), P99: quantile(ms, 0.99), Max: ms[len(ms)-1]})
	}
	slices.SortFunc(out, func(a, b Route) int { return bytes.Compare([]byte(a.Route), []byte(b.Route)) })
	return out, total, first
}

// quantile is the nearest-rank quantile of sorted values (0 for none).
func quantile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[min(len(sorted)-1, max(0, i))]
}
