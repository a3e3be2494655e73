package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdvocacyCommands runs the demo on a small company, then advocacy, program, engagement and
// social in text and JSON, and the report with their sections.
func TestAdvocacyCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo")
	}
	dir := t.TempDir()
	if code, out, errs := cli(t, "demo", "--customers", "2000", "--dir", dir); code != 0 {
		t.Fatalf("demo exit %d: %s %s", code, out, errs)
	}
	db := filepath.Join(dir, "fidelis-demo.duckdb")
	for _, c := range []struct {
		cmd  string
		text []string
		keys []string
	}{
		{"advocacy", []string{"k-factor", "AUC", "top-decile lift", "likely advocate"}, []string{"referrals", "backtest", "likely_advocates", "referral_revenue"}},
		{"program", []string{"redemption rate", "liability", "matched", "Caveat"}, []string{"summary", "members_vs_non_members", "tier_movements"}},
		{"engagement", []string{"Multichannel", "bought again"}, []string{"channels", "repeat_purchase_by_engagement"}},
		{"social", []string{"Top amplifiers", "positive"}, []string{"platforms", "top_amplifiers"}},
	} {
		code, out, errs := cli(t, c.cmd, "--db", db, "--by", "region")
		if code != 0 {
			t.Fatalf("%s exit %d: %s", c.cmd, code, errs)
		}
		for _, w := range c.text {
			if !strings.Contains(out, w) {
				t.Errorf("%s output lacks %q", c.cmd, w)
			}
		}
		code, out, errs = cli(t, c.cmd, "--db", db, "--json")
		if code != 0 {
			t.Fatalf("%s --json exit %d: %s", c.cmd, code, errs)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("%s --json: %v", c.cmd, err)
		}
		for _, k := range c.keys {
			if _, ok := m[k]; !ok {
				t.Errorf("%s --json lacks %q", c.cmd, k)
			}
		}
	}
	code, out, _ := cli(t, "report", "--db", db, "--format", "html")
	if code != 0 {
		t.Fatal("report failed")
	}
	for _, w := range []string{`id="advocacy"`, `id="program"`, `id="engagement"`, `id="social"`, "Members versus non-members"} {
		if !strings.Contains(out, w) {
			t.Errorf("report lacks %q", w)
		}
	}
	if code, _, errs := cli(t, "advocacy", "--db", db, "--by", "nope"); code != 2 || !strings.Contains(errs, "Try:") {
		t.Errorf("unknown --by: exit %d, %s", code, errs)
	}
}
