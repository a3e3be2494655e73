package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func cdnowPath(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", "cdnow", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("reference data %s not found (a fresh clone has no ../shared/data): %v", p, err)
	}
	return p
}

// runCLI runs the CLI in-process and returns the exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), &env{stdout: &out, stderr: &errb, stdin: strings.NewReader("")}, args)
	return code, out.String(), errb.String()
}

func TestFitCDNOWJSON(t *testing.T) {
	in := cdnowPath(t, "cdnow_customers_summary.csv")
	code, out, errs := runCLI(t, "fit", "--model", "bgnbd", "--input", in, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, k := range []string{"model", "params", "log_likelihood", "std_errors", "n", "converged", "reason", "seconds"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing %q in %s", k, out)
		}
	}
	if len(got) != 8 {
		t.Errorf("want exactly 8 keys, got %d: %s", len(got), out)
	}
	p := got["params"].(map[string]any)
	// Fader, Hardie & Lee (2005): r=0.243, alpha=4.414, a=0.793, b=2.426, LL=−9582.4.
	for k, v := range map[string]float64{"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426} {
		if math.Abs(p[k].(float64)-v) > 0.0005*math.Max(1, math.Pow(10, math.Floor(math.Log10(v))+1)) {
			t.Errorf("%s = %v, want %v", k, p[k], v)
		}
	}
	if ll := got["log_likelihood"].(float64); math.Abs(ll+9582.4) > 0.05 || got["n"].(float64) != 2357 || got["converged"] != true {
		t.Errorf("bad fit: %s", out)
	}
}

func TestFitTransactionsCDNOWMaster(t *testing.T) {
	in := cdnowPath(t, "CDNOW_master.txt")
	code, out, errs := runCLI(t, "fit", "--model", "paretonbd", "--transactions", in, "--calibration-end", "1997-09-30",
		"--time-unit", "day", "--time-scale", "7")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "paretonbd") || !strings.Contains(out, "Converged:      yes") {
		t.Errorf("unexpected output:\n%s", out)
	}
}

func TestFitModels(t *testing.T) {
	dir := t.TempDir()
	sbg := filepath.Join(dir, "sbg.csv")
	os.WriteFile(sbg, []byte("period,survivors\n0,1000\n1,631\n2,468\n3,382\n4,326\n5,289\n6,262\n7,241\n"), 0o644)
	code, out, errs := runCLI(t, "fit", "--model", "sbg", "--input", sbg, "--json")
	if code != 0 || !strings.Contains(out, `"alpha": 0.704`) {
		t.Errorf("sbg: exit %d\n%s%s", code, out, errs)
	}
	bgbb := filepath.Join(dir, "bgbb.csv")
	os.WriteFile(bgbb, []byte("frequency,recency,periods,weights\n0,0,6,3464\n1,1,6,1091\n1,2,6,277\n2,2,6,129\n1,3,6,129\n6,6,6,1203\n3,6,6,400\n2,4,6,200\n"), 0o644)
	if code, out, errs := runCLI(t, "fit", "--model", "bgbb", "--input", bgbb); code != 0 || !strings.Contains(out, "delta") {
		t.Errorf("bgbb: exit %d\n%s%s", code, out, errs)
	}
}

func TestFitErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("ID,frequency,recency,T\n1,0,0,39\n2,2,30.4,38\n3,two,3,39\n"), 0o644)
	cases := []struct {
		args []string
		code int
		want []string
	}{
		// With no file, fit reads the store's orders; a missing store is named, with a way out.
		{[]string{"fit", "--model", "bgnbd", "--db", filepath.Join(dir, "none.duckdb")}, 1, []string{"Error:", "no store at", "Try: fidelis import orders"}},
		{[]string{"fit", "--model", "bgnbd", "--input", bad}, 2, []string{"bad.csv", "line 4", "column 2", "frequency", `"two"`}},
		{[]string{"fit", "--model", "nope", "--input", bad}, 2, []string{"unknown model"}},
		{[]string{"fit", "--transactions", bad}, 2, []string{"--calibration-end"}},
	}
	for _, c := range cases {
		code, _, errs := runCLI(t, c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d", c.args, code, c.code)
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%v: stderr %q lacks %q", c.args, errs, w)
			}
		}
	}
}

// TestFitStoreMatchesTransactions: fit from the store and fit from the same transaction log give
// the same model. The store's observation end is the day of its last order (CDNOW: 1998-06-30),
// so `fit --db` must equal `fit --transactions --calibration-end 1998-06-30 --time-unit day
// --time-scale 7` (lifetimes' definition, T = end day − first purchase day). Tolerance 1e-9
// relative: both fit the same compressed rows, in a possibly different order.
func TestFitStoreMatchesTransactions(t *testing.T) {
	in := cdnowPath(t, "CDNOW_master.txt")
	db := filepath.Join(t.TempDir(), "s.duckdb")
	if code, _, errs := runCLI(t, "import", "orders", in, "--db", db, "--rejects", filepath.Join(t.TempDir(), "r.csv")); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	for _, model := range []string{"bgnbd", "paretonbd"} {
		fit := func(args ...string) map[string]any {
			t.Helper()
			code, out, errs := runCLI(t, append([]string{"fit", "--model", model, "--json"}, args...)...)
			if code != 0 {
				t.Fatalf("fit %v: exit %d: %s", args, code, errs)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			return got
		}
		store := fit("--db", db)
		log := fit("--transactions", in, "--calibration-end", "1998-06-30", "--time-unit", "day", "--time-scale", "7")
		sp, lp := store["params"].(map[string]any), log["params"].(map[string]any)
		for k, v := range lp {
			a, b := sp[k].(float64), v.(float64)
			if math.Abs(a-b) > 1e-9*math.Abs(b) {
				t.Errorf("%s %s: store %.10g, transactions %.10g", model, k, a, b)
			}
		}
		if a, b := store["n"].(float64), log["n"].(float64); a != b {
			t.Errorf("%s: store n %v, transactions %v", model, a, b)
		}
	}
}

// TestFitZeroRecency: a rounded summary with frequency ≥ 1 and recency 0 (issue #10: line 8,043 of
// a 1M-row file stopped the fit) is accepted, as lifetimes, BTYD and CLVTools accept it, and the
// count is noted; --json carries it and the optimiser's reason.
func TestFitZeroRecency(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "rounded.csv")
	var b strings.Builder
	b.WriteString("frequency,recency,T\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "%d,%d,%d\n", i%5, (i%5)*(3+i%7), 40+i%9)
	}
	b.WriteString("2,0,39\n1,0,12\n")
	os.WriteFile(in, []byte(b.String()), 0o644)
	code, out, errs := runCLI(t, "fit", "--model", "bgnbd", "--input", in)
	if code != 0 || !strings.Contains(errs, "2 customers have frequency ≥ 1 and recency 0") {
		t.Fatalf("fit: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runCLI(t, "fit", "--model", "paretonbd", "--input", in, "--json")
	var got struct {
		Converged   bool
		Reason      string
		ZeroRecency float64 `json:"zero_recency_customers"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got.ZeroRecency != 2 || got.Reason == "" {
		t.Fatalf("fit --json: exit %d, %+v\n%s", code, got, out)
	}
}
