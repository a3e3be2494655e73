package btyd_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"fidelis/btyd"
)

// dataDir is the team's reference data, ../shared/data from the repository root.
func dataFile(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("reference data %s not found (a fresh clone has no ../shared/data): %v", p, err)
	}
	return p
}

// readCSV reads a CSV with a header into column-name → values.
func readCSV(t testing.TB, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, rec := range recs[1:] {
		for j, h := range recs[0] {
			out[h] = append(out[h], rec[j])
		}
	}
	return out
}

func floats(t testing.TB, s []string) []float64 {
	t.Helper()
	v := make([]float64, len(s))
	for i, x := range s {
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			t.Fatal(err)
		}
		v[i] = f
	}
	return v
}

// cdnowCustomers reads cdnow_customers_summary.csv (2,357 customers, weeks).
func cdnowCustomers(t testing.TB) []btyd.Customer {
	c := readCSV(t, dataFile(t, "cdnow/cdnow_customers_summary.csv"))
	x, tx, T := floats(t, c["frequency"]), floats(t, c["recency"]), floats(t, c["T"])
	cs := make([]btyd.Customer, len(x))
	for i := range x {
		cs[i] = btyd.Customer{ID: c["ID"][i], Frequency: x[i], Recency: tx[i], T: T[i]}
	}
	return cs
}
