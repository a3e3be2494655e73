package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"fidelis"
)

func init() { AddCase("ConcurrentStreams", testConcurrentStreams) }

// testConcurrentStreams: shapes that merge two ordered queries (ProgramCustomers, ChurnRows) read
// both at once; many of them at a time, as a server computing several analyses runs them, must
// neither deadlock on a bounded connection pool (each holding one connection while waiting for
// a second) nor return anything but what one alone returns.
func testConcurrentStreams(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadAdvocacy(t, st)
	asOf, until := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	run := func(ctx context.Context, i int) (string, error) {
		var out []string
		var err error
		if i%2 == 0 {
			err = st.ProgramCustomers(ctx, fidelis.Query{Grain: fidelis.Month, To: until},
				func(c fidelis.ProgramCustomer) error { out = append(out, fmt.Sprintf("%+v", c)); return nil })
		} else {
			err = st.ChurnRows(ctx, asOf, until, func(r fidelis.ChurnRow) error { out = append(out, fmt.Sprintf("%+v", r)); return nil })
		}
		return fmt.Sprint(out), err
	}
	want := make([]string, 2)
	for i := range want {
		var err error
		if want[i], err = run(context.Background(), i); err != nil {
			t.Fatal(err)
		}
	}
	// 24 at once: three times the ClickHouse store's pool of 8 connections. A deadlock ends at
	// the deadline as an error rather than hanging the test.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const n = 24
	got, errs := make([]string, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = run(ctx, i)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("stream %d of %d at once: %v", i, n, errs[i])
		}
		if !reflect.DeepEqual(got[i], want[i%2]) {
			t.Errorf("stream %d of %d at once differs from one alone:\n%s\nwant\n%s", i, n, got[i], want[i%2])
		}
	}
}
