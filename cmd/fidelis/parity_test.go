package main

import (
	"path/filepath"
	"testing"

	"fidelis"
	"fidelis/clickhouse/chtest"
	"fidelis/storetest"
)

// TestEngineParity imports the demo company (1,500 customers, seed 1) into a ClickHouse server and
// into the two-shard cluster through the CLI, as a user would, and checks that the JSON report of
// each is the DuckDB store's: every count, amount and rate equal to 1e-9 relative (engines add
// doubles in different orders; a count or a cent off is far above that). On the cluster it then
// runs every other command that takes --db.
func TestEngineParity(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := cli(t, "demo", "--customers", "1500", "--dir", dir); code != 0 {
		t.Fatalf("demo exit %d: %s %s", code, out, errs)
	}
	report := []string{"report", "--format", "json", "--by", "region"}
	code, want, errs := cli(t, append(report, "--db", filepath.Join(dir, "fidelis-demo.duckdb"))...)
	if code != 0 {
		t.Fatalf("DuckDB report exit %d: %s", code, errs)
	}
	for _, c := range []struct {
		name    string
		cluster bool
	}{{"single", false}, {"cluster", true}} {
		t.Run(c.name, func(t *testing.T) {
			dsn := chtest.DSN(t, c.cluster)
			for _, k := range fidelis.Kinds {
				f := filepath.Join(dir, "fidelis-demo-data", string(k)+".csv")
				if code, _, errs := cli(t, "import", string(k), f, "--db", dsn); code != 0 {
					t.Fatalf("import %s exit %d: %s", k, code, errs)
				}
			}
			if code, _, errs := cli(t, "settings", "set", fidelis.SettingIndustry, "ecommerce,retail", "--db", dsn); code != 0 {
				t.Fatalf("settings exit %d: %s", code, errs)
			}
			code, got, errs := cli(t, append(report, "--db", dsn)...)
			if code != 0 {
				t.Fatalf("report exit %d: %s", code, errs)
			}
			storetest.SameJSON(t, []byte(got), []byte(want), 1e-9, []string{"generated"}, []string{"customers_top"})
			if c.cluster {
				everyCommand(t, dir, dsn)
			}
		})
	}
}
