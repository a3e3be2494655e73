package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/parquet-go/parquet-go"

	"fidelis/analysis"
)

// TestActionListsReturnTheirCustomers: on the demo company every action is offered, and for
// every one `fidelis actions --list ID --out FILE` writes exactly the number of customers the
// action states, each once, each meeting every condition of the action's rule (read back from
// the file's own columns). The lists are written as CSV; one also as Parquet and one as JSON,
// which must hold the same rows.
func TestActionListsReturnTheirCustomers(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := cli(t, "demo", "--customers", "2000", "--dir", dir); code != 0 {
		t.Fatalf("demo exit %d: %s %s", code, out, errs)
	}
	db := filepath.Join(dir, "fidelis-demo.duckdb")
	// One analysis for every list (each CLI call would run it again); the CLI path is checked
	// below on one action in each file format.
	f := analysisFlags{storeFlags: storeFlags{db: db}, grain: "month"}
	e := &env{stdout: io.Discard, stderr: io.Discard}
	a, err := runAnalysis(context.Background(), e, &f)
	if err != nil {
		t.Fatal(err)
	}
	acts := a.Actions
	var ids []string
	for _, x := range acts {
		ids = append(ids, x.ID)
	}
	for _, want := range []string{"save", "winback", "recovery", "programme", "onboarding", "advocates"} {
		if !slices.Contains(ids, want) {
			t.Errorf("the demo offers no %q action (got %v): the test would not cover it", want, ids)
		}
	}
	for _, x := range acts {
		if x.Command != analysis.ListCommand(x.ID) || len(x.Rule) == 0 || x.Customers == 0 {
			t.Errorf("%s: command %q, rule %v, %d customers", x.ID, x.Command, x.Rule, x.Customers)
			continue
		}
		file := filepath.Join(dir, x.ID+".csv")
		if err := writeActionList(context.Background(), e, f.storeFlags, a, x.ID, file); err != nil {
			t.Fatalf("%s list: %v", x.ID, err)
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(recs) == 0 {
			t.Fatalf("%s: %v", x.ID, err)
		}
		head := recs[0]
		if int64(len(recs)-1) != x.Customers {
			t.Errorf("%s: %d rows, the action states %d customers", x.ID, len(recs)-1, x.Customers)
		}
		col := func(name string) int {
			i := slices.Index(head, name)
			if i < 0 {
				t.Fatalf("%s: no column %q in %v", x.ID, name, head)
			}
			return i
		}
		seen := map[string]bool{}
		for _, r := range recs[1:] {
			id := r[col("customer_id")]
			if seen[id] {
				t.Errorf("%s: %s listed twice", x.ID, id)
			}
			seen[id] = true
			for _, c := range x.Rule {
				v, err := strconv.ParseFloat(r[col(c.Column)], 64)
				if err != nil || !c.Holds(v) {
					t.Errorf("%s: customer %s has %s = %q, the rule says %s", x.ID, id, c.Column, r[col(c.Column)], c)
				}
			}
			if r[col("last_purchase")] == "" || r[col("orders")] == "0" {
				t.Errorf("%s: customer %s without purchases: %v", x.ID, id, r)
			}
		}
		if x.ID == "winback" {
			pq := filepath.Join(dir, "winback.parquet")
			js := filepath.Join(dir, "winback.json")
			for _, p := range []string{pq, js} {
				if code, _, errs := cli(t, "actions", "--db", db, "--list", x.ID, "--out", p); code != 0 {
					t.Fatalf("%s: %s", p, errs)
				}
			}
			b, _ := os.ReadFile(pq)
			if pf, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b))); err != nil || pf.NumRows() != x.Customers {
				t.Errorf("winback parquet: %v", err)
			}
			var objs []map[string]any
			if b, err := os.ReadFile(js); err != nil || json.Unmarshal(b, &objs) != nil || int64(len(objs)) != x.Customers ||
				objs[0]["customer_id"] != recs[1][col("customer_id")] {
				t.Errorf("winback JSON: %v, %d rows", err, len(objs))
			}
		}
	}
	if code, _, errs := cli(t, "actions", "--db", db, "--list", "nosuch", "--out", filepath.Join(dir, "x.csv")); code == 0 || !slices.Contains([]int{1, 2}, code) {
		t.Errorf("unknown action: exit %d %s", code, errs)
	}
}
