package server_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/ingest"
	"fidelis/server"
	"fidelis/storetest"
)

// segmentOnly writes the synthetic company's files keeping only the customers with region North
// and gender female, and every record of theirs (referrals by referrer), and returns the files.
func segmentOnly(t *testing.T, files map[fidelis.Kind]string) map[fidelis.Kind]string {
	t.Helper()
	dir := t.TempDir()
	read := func(p string) [][]string {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	keep := map[string]bool{}
	cust := read(files[fidelis.Customers])
	reg, gen := slices.Index(cust[0], "region"), slices.Index(cust[0], "gender")
	for _, r := range cust[1:] {
		if r[reg] == "North" && r[gen] == "female" {
			keep[r[0]] = true
		}
	}
	if len(keep) < 20 {
		t.Fatalf("only %d customers in the segment: too few for a test", len(keep))
	}
	out := map[fidelis.Kind]string{}
	for k, p := range files {
		recs := read(p)
		col := slices.Index(recs[0], "customer_id")
		if k == fidelis.Referrals {
			col = slices.Index(recs[0], "referrer_id")
		}
		kept := [][]string{recs[0]}
		for _, r := range recs[1:] {
			if keep[r[col]] {
				kept = append(kept, r)
			}
		}
		out[k] = filepath.Join(dir, filepath.Base(p))
		f, err := os.Create(out[k])
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.WriteAll(kept)
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestSegmentFilter: an analysis filtered to a segment (a fixed attribute and a free one) counts
// exactly what the same analysis counts on a store holding only that segment's customers and
// their records; the drill-down lists under the filter hold only the segment's customers.
func TestSegmentFilter(t *testing.T) {
	f := newFixture(t, false, nil)
	ctx := context.Background()
	dir := t.TempDir()
	only, err := duckdb.Open(ctx, filepath.Join(dir, "only.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer only.Close()
	for k, p := range segmentOnly(t, companyFiles(t).Files) {
		if _, err := ingest.Import(ctx, only, k, p, ingest.Options{Rejects: filepath.Join(dir, string(k)+".rejects.csv")}); err != nil {
			t.Fatal(err)
		}
	}
	toks, err := server.OpenTokens(filepath.Join(dir, "tokens"))
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := toks.Create("r", []string{"read"}, 0, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	osrv, err := server.New(server.Config{Store: only, Tokens: toks, Rate: 1e6, Burst: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	g := &fixture{t: t, srv: osrv}

	filter := "segment=region%3DNorth&segment=gender%3Dfemale"
	for _, route := range []string{"/v1/report?grain=quarter&by=country", "/v1/cohorts?grain=quarter", "/v1/voc", "/v1/program", "/v1/engagement", "/v1/social", "/v1/lifetime"} {
		sep := "?"
		if slices.Contains([]byte(route), '?') {
			sep = "&"
		}
		got := f.do("GET", route+sep+filter, f.secret["read"], nil)
		want := g.do("GET", route, secret, nil)
		if got.Code != 200 || want.Code != 200 {
			t.Fatalf("%s: filtered %d %.300s; segment store %d %.300s", route, got.Code, got.Body.String(), want.Code, want.Body.String())
		}
		t.Run(route, func(t *testing.T) {
			// Left out: what describes the store rather than the customers counted (record counts,
			// data quality and the insight built on them), the filter itself, what is not
			// computed under a filter (churn, advocacy, defection; the actions and notes that
			// follow), and what hangs on the analysis date: a filtered analysis is as of the
			// store's last order, the segment's store as of the segment's own last order, days
			// apart (order span, period completeness, tenure, the last survival steps, which
			// NPS periods are complete and compared).
			storetest.SameJSON(t, got.Body.Bytes(), want.Body.Bytes(), 1e-9,
				[]string{"generated", "counts", "data_quality", "segment", "churn", "insight", "actions", "notes", "advocacy", "defection",
					"first_order", "last_order", "incomplete", "last_period_complete", "complete", "tenure_days_mean", "tenure_days_quantiles",
					"curve", "nps_change", "warnings"}, nil)
		})
	}

	type list struct {
		Total     int
		Customers []struct {
			ID         string            `json:"customer_id"`
			Attributes map[string]string `json:"attributes"`
		}
	}
	got := decode[list](t, f.do("GET", "/v1/customers?list=all&per_page=1000&"+filter, f.secret["read"], nil))
	want := decode[list](t, g.do("GET", "/v1/customers?list=all&per_page=1000", secret, nil))
	if got.Total != want.Total || got.Total == 0 {
		t.Errorf("list=all under the filter: %d customers, the segment's store has %d", got.Total, want.Total)
	}
	for _, c := range got.Customers {
		if c.Attributes["region"] != "North" || c.Attributes["gender"] != "female" {
			t.Errorf("customer %s in the filtered list has %v", c.ID, c.Attributes)
		}
	}
	if w := f.do("GET", "/v1/report?segment=shoe_size%3D42", f.secret["read"], nil); w.Code != 400 {
		t.Errorf("segment on an unknown attribute: %d %s", w.Code, w.Body.String())
	}
	if w := f.do("GET", "/v1/report?segment=region", f.secret["read"], nil); w.Code != 400 {
		t.Errorf("segment without a value: %d %s", w.Code, w.Body.String())
	}
}
