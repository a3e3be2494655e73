package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSynthCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	var stdout, stderr bytes.Buffer
	e := &env{stdout: &stdout, stderr: &stderr}
	if code := run(context.Background(), e, []string{"synth", "--customers", "300", "--out", dir, "--seed", "7"}); code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr.String())
	}
	for _, name := range []string{"customers.csv", "orders.csv", "exits.csv", "truth.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("missing %s: %v", name, err)
		}
	}
	out := stdout.String()
	for _, want := range []string{"customers", "300", "orders", "total"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	// The progress bar is drawn only on a terminal; a buffer (a log, a pipe) gets no redraws.
	if strings.Contains(stderr.String(), "100%") {
		t.Errorf("progress bar drawn into a non-terminal stderr:\n%s", stderr.String())
	}
}

func TestSynthCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{"synth", "--customers", "10"},                // no --out
		{"synth", "--customers", "-1", "--out", "x"},  // bad size
		{"synth", "--out", "x", "extra"},              // positional argument
		{"synth", "--customers", "ten", "--out", "x"}, // not a number
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), &env{stdout: &stdout, stderr: &stderr}, args); code != 2 {
			t.Errorf("%v: exit code %d, want 2 (stderr %q)", args, code, stderr.String())
		}
		if !strings.HasPrefix(stderr.String(), "Error: ") && !strings.Contains(stderr.String(), "Error: ") {
			t.Errorf("%v: stderr %q lacks Error:", args, stderr.String())
		}
	}
}
