package server_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/ingest"
	"fidelis/server"
)

type summary struct {
	Read, Stored, Updated, Rejected, Duplicates int64
	Rejects                                     []ingest.Reject
	Currency                                    string
}

func TestIngest(t *testing.T) {
	f := newFixture(t, true, func(c *server.Config) { c.MaxBody = 4096 })
	tok := f.secret["ingest"]
	csv := "order_id,customer_id,timestamp,amount\no1,C1,2024-01-05,10\no2,C1,2024-01-06,abc\no3,C2,2024-01-07,7.5\n"
	ndjson := `{"order_id":"o4","customer_id":"C3","timestamp":"2024-02-01","amount":3}` + "\n" +
		`{"order_id":"o5","customer_id":"C3","timestamp":"2024-02-02","amount":"x"}` + "\n"
	array := `[{"order_id":"o6","customer_id":"C4","timestamp":"2024-03-01","amount":4}]`
	for _, c := range []struct {
		name, ctype, body string
		update            bool
		want              int
		sum               summary // for 200
		detail            string  // for errors
	}{
		{name: "csv with a bad row", ctype: "text/csv", body: csv, want: 200,
			sum: summary{Read: 3, Stored: 2, Rejected: 1, Rejects: []ingest.Reject{{Line: 3, Column: "4", Field: "amount", Value: "abc", Reason: "not a number"}}}},
		{name: "the same batch again adds nothing", ctype: "text/csv", body: csv, want: 200,
			sum: summary{Read: 3, Duplicates: 2, Rejected: 1, Rejects: []ingest.Reject{{Line: 3, Column: "4", Field: "amount", Value: "abc", Reason: "not a number"}}}},
		// JSON objects have no column order; the importer numbers their keys alphabetically, as for files.
		{name: "ndjson", ctype: "application/x-ndjson", body: ndjson, want: 200,
			sum: summary{Read: 2, Stored: 1, Rejected: 1, Rejects: []ingest.Reject{{Line: 2, Column: "1", Field: "amount", Value: "x", Reason: "not a number"}}}},
		{name: "json array", ctype: "application/json", body: array, want: 200, sum: summary{Read: 1, Stored: 1}},
		{name: "a correction with update", ctype: "text/csv", body: "order_id,customer_id,timestamp,amount\no1,C1,2024-01-05,11\n", update: true, want: 200,
			sum: summary{Read: 1, Updated: 1}},
		{name: "malformed json", ctype: "application/json", body: `[{"order_id":"o7",`, want: 400, detail: "malformed JSON"},
		{name: "json that is not an array of objects", ctype: "application/json", body: `{"order_id":"o7"}` + "\n" + `{"x":1,`, want: 400, detail: "malformed JSON"},
		{name: "empty body", ctype: "text/csv", body: "", want: 400, detail: "body is required"},
		{name: "oversized body", ctype: "text/csv", body: "order_id,customer_id,timestamp,amount\n" + strings.Repeat("o9,C9,2024-01-05,10\n", 300), want: 413},
		{name: "missing column", ctype: "text/csv", body: "order_id,customer_id\n1,C1\n", want: 400, detail: "no column for the required orders fields timestamp"},
		{name: "every row rejected", ctype: "text/csv", body: "order_id,customer_id,timestamp,amount\nq1,C1,2024-01-05,x\nq2,C1,2024-01-05,y\n", want: 422, detail: "all 2 rows were rejected"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := "/v1/import/orders"
			if c.update {
				path += "?update=true"
			}
			w := f.do("POST", path, tok, strings.NewReader(c.body), "Content-Type", c.ctype)
			if w.Code != c.want {
				t.Fatalf("status %d, want %d: %s", w.Code, c.want, w.Body.String())
			}
			if c.want != 200 {
				p := decode[problem](t, w)
				if !strings.Contains(p.Detail, c.detail) {
					t.Errorf("detail %q, want %q", p.Detail, c.detail)
				}
				if c.want == 422 && (len(p.Errors) != 2 || p.Errors[0].Location != "body line 2, column 4 (amount)" || p.Errors[0].Message != "not a number") {
					t.Errorf("422 without the row-level reasons: %+v", p.Errors)
				}
				return
			}
			got := decode[summary](t, w)
			if fmt.Sprint(got) != fmt.Sprint(c.sum) {
				t.Errorf("summary %+v\nwant    %+v", got, c.sum)
			}
		})
	}
	counts, err := f.st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts[fidelis.Orders] != 4 {
		t.Errorf("%d orders stored, want 4 (o1, o3, o4, o6)", counts[fidelis.Orders])
	}
	if log := f.audit.String(); strings.Count(log, `"event":"ingest"`) != 6 || !strings.Contains(log, `"token_name":"ingest"`) {
		t.Errorf("audit log:\n%s", log)
	}
}

func TestIngestReadOnly(t *testing.T) {
	f := newFixture(t, true, func(c *server.Config) { c.ReadOnly = true })
	w := f.do("POST", "/v1/import/orders", f.secret["admin"], strings.NewReader("order_id,customer_id,timestamp,amount\n1,C1,2024-01-02,5\n"), "Content-Type", "text/csv")
	if w.Code != 403 || !strings.Contains(w.Body.String(), "read-only") {
		t.Errorf("status %d: %s", w.Code, w.Body.String())
	}
}

// TestConcurrentIngest sends overlapping batches from many clients at once: every distinct id is
// stored exactly once, and the responses account for every row.
func TestConcurrentIngest(t *testing.T) {
	f := newFixture(t, true, nil)
	const clients, batches, rows = 12, 4, 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	var stored, dups int64
	errs := make(chan string, clients*batches)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				var sb strings.Builder
				sb.WriteString("order_id,customer_id,timestamp,amount\n")
				for r := 0; r < rows; r++ {
					// Clients c and c+1 share half their ids: the overlap must be stored once.
					id := (c/2)*batches*rows + b*rows + r
					fmt.Fprintf(&sb, "o%d,C%d,2024-01-%02d,%d\n", id, id%97, 1+id%28, 1+id%50)
				}
				w := f.do("POST", "/v1/import/orders", f.secret["ingest"], strings.NewReader(sb.String()), "Content-Type", "text/csv")
				if w.Code != 200 {
					errs <- w.Body.String()
					continue
				}
				s := decode[summary](t, w)
				mu.Lock()
				stored += s.Stored
				dups += s.Duplicates
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	want := int64(clients / 2 * batches * rows)
	counts, err := f.st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts[fidelis.Orders] != want || stored != want || dups != want {
		t.Errorf("orders in store %d, stored %d, duplicates %d; want %d each", counts[fidelis.Orders], stored, dups, want)
	}
}

// TestSlowClient: a client that sends its body slower than the server allows is cut off, and
// the import is not applied.
func TestSlowClient(t *testing.T) {
	f := newFixture(t, true, func(c *server.Config) { c.BodyTimeout = 300 * time.Millisecond })
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "order_id,customer_id,timestamp,amount\n1,C1,2024-01-02,5\n"
	fmt.Fprintf(conn, "POST /v1/import/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n%s",
		f.secret["ingest"], len(body)+100, body) // promises 100 bytes more than it sends
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 4096)
	n, _ := conn.Read(buf)
	resp := string(buf[:n])
	if !strings.HasPrefix(resp, "HTTP/1.1 408") && !strings.HasPrefix(resp, "HTTP/1.1 400") {
		t.Errorf("response to a stalled body: %q", resp)
	}
	counts, _ := f.st.Counts(context.Background())
	if counts[fidelis.Orders] != 0 {
		t.Errorf("%d orders stored from a request that never finished", counts[fidelis.Orders])
	}
}

// TestSlowHeaders: the http.Server the command runs closes a connection whose headers do not
// arrive in time (the timeouts are set by HTTPServer; here shortened through the same struct).
func TestSlowHeaders(t *testing.T) {
	f := newFixture(t, true, nil)
	hs := f.srv.HTTPServer("127.0.0.1:0")
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 {
		t.Fatalf("timeouts not all set: %+v", hs)
	}
	hs.ReadHeaderTimeout = 200 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	defer hs.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n") // and never the blank line
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 512)
	start := time.Now()
	_, err = conn.Read(buf)
	if err == nil && !strings.Contains(string(buf), "408") {
		t.Errorf("got %q, want the connection closed or a 408", buf)
	}
	if time.Since(start) > 4*time.Second {
		t.Errorf("the server waited for the headers past its timeout")
	}
	_ = http.StatusOK
}

// qualityCounter counts the whole-store quality scans an import asks for.
type qualityCounter struct {
	fidelis.Store
	n atomic.Int64
}

func (q *qualityCounter) Quality(ctx context.Context) (fidelis.Quality, error) {
	q.n.Add(1)
	return q.Store.Quality(ctx)
}

// TestIngestBatchNoStoreScan: an API batch does no whole-store quality scan (two per batch made
// ingest into a million-customer store crawl, and one remained for rows naming no currency), yet
// its orders meet the store's currency as a file's do: rows naming none take it, rows naming
// another are rejected with the reason (a batch was once checked only against itself).
func TestIngestBatchNoStoreScan(t *testing.T) {
	var qc *qualityCounter
	f := newFixture(t, true, func(c *server.Config) { qc = &qualityCounter{Store: c.Store}; c.Store = qc })
	tok := f.secret["ingest"]
	post := func(body string, code int) summary {
		t.Helper()
		w := f.do("POST", "/v1/import/orders", tok, strings.NewReader(body), "Content-Type", "text/csv")
		if w.Code != code {
			t.Fatalf("%d %s, want %d", w.Code, w.Body.String(), code)
		}
		return decode[summary](t, w)
	}
	post("order_id,customer_id,timestamp,amount,currency\nb1,C1,2024-01-05,10,PLN\nb2,C2,2024-01-06,12,PLN\n", 200)
	s := post("order_id,customer_id,timestamp,amount\nb3,C1,2024-02-05,10\n", 200)
	if s.Currency != "PLN" || s.Stored != 1 {
		t.Errorf("a batch without currencies: %+v, want the store's PLN", s)
	}
	w := f.do("POST", "/v1/import/orders", tok, strings.NewReader("order_id,customer_id,timestamp,amount,currency\nb4,C1,2024-02-06,10,USD\n"), "Content-Type", "text/csv")
	if w.Code != 422 || !strings.Contains(w.Body.String(), "USD differs from the store's currency PLN") {
		t.Errorf("a batch in USD into a PLN store: %d %s, want 422 naming both currencies", w.Code, w.Body.String())
	}
	if n := qc.n.Load(); n != 0 {
		t.Errorf("the batches scanned the whole store %d times", n)
	}
}

// TestIngestWarm: with WarmIngest the server reads the stored ids at start; batches after that
// still tell stored ids (the demo company's) from new ones, and Close waits for the read.
func TestIngestWarm(t *testing.T) {
	f := newFixture(t, false, func(c *server.Config) { c.WarmIngest = true })
	select {
	case <-f.srv.IngestWarm():
	case <-time.After(time.Minute):
		t.Fatal("the stored ids were not read within a minute")
	}
	var stored string
	if err := f.st.(*duckdb.Store).DB().QueryRow(`SELECT min(order_id) FROM orders`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	sb.WriteString("order_id,customer_id,timestamp,amount\n")
	fmt.Fprintf(&sb, "%s,C1,2024-01-01,5\nwarm-new-1,C1,2024-01-02,6\n", stored)
	w := f.do("POST", "/v1/import/orders", f.secret["ingest"], strings.NewReader(sb.String()), "Content-Type", "text/csv")
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if s := decode[summary](t, w); s.Stored != 1 || s.Duplicates+s.Rejected != 1 {
		t.Errorf("%+v, want 1 stored and the stored id %s not stored again", s, stored)
	}
	f.srv.Close()
}
