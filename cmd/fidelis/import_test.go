package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two inputs with one name keep their own rejects files; --rejects naming an input is refused.
func TestImportRejectsPerInput(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, m := range []string{"jan", "feb"} {
		os.Mkdir(m, 0o755)
		os.WriteFile(filepath.Join(m, "orders.csv"), []byte("order_id,customer_id,date,amount\n"+m+"1,A,2024-01-01,5\n"+m+"2,,2024-01-02,5\n"), 0o644)
	}
	code, out, errs := cli(t, "import", "orders", "jan/orders.csv", "feb/orders.csv", "--db", "s.duckdb")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, m := range []string{"jan", "feb"} {
		b, err := os.ReadFile(m + "-orders.csv.rejects.csv")
		if err != nil || !strings.Contains(string(b), m+"/orders.csv,3,2,customer_id") {
			t.Errorf("%s rejects: %q %v\n%s", m, b, err, out)
		}
	}
	body, _ := os.ReadFile("jan/orders.csv")
	code, _, errs = cli(t, "import", "orders", "jan/orders.csv", "--db", "s.duckdb", "--rejects", "./jan/../jan/orders.csv")
	if code != 2 || !strings.Contains(errs, "is an input file") {
		t.Errorf("--rejects = input: exit %d %q", code, errs)
	}
	if after, _ := os.ReadFile("jan/orders.csv"); string(after) != string(body) {
		t.Errorf("input changed: %q", after)
	}
}

// The summary reconciles the physical lines of the reproducing file (10 data lines, one with an
// unbalanced quote) and says how the file was read.
func TestImportSummaryLines(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ten.csv")
	var b strings.Builder
	b.WriteString("order_id,customer_id,date,amount,channel\r")
	for i := 1; i <= 10; i++ {
		q := ""
		if i == 4 {
			q = `"`
		}
		b.WriteString("o" + string(rune('0'+i%10)) + ",C,2024-01-01," + q + "5,web\r")
	}
	os.WriteFile(p, []byte(b.String()), 0o644)
	code, out, errs := cli(t, "import", "orders", p, "--db", filepath.Join(dir, "s.duckdb"), "--rejects", filepath.Join(dir, "r.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"read 10 = stored 9 + rejected 1", "encoding utf-8, line ends CR (old Mac)", "lines 11 = header 1 + records read 10 + blank 0", "unbalanced quote in column 4"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}
