package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fidelis"
)

// DefaultRejects returns the rejects file of each input when --rejects is not given:
// <name>.rejects.csv in the current folder. Inputs that share a name get their folders in it
// (jan/orders.csv → jan-orders.csv.rejects.csv), so that no import overwrites another's rejects,
// and no rejects file is ever one of the inputs.
func DefaultRejects(inputs []string) []string {
	out := make([]string, len(inputs))
	depth := make([]int, len(inputs))
	for round := 0; round < 8; round++ {
		seen := map[string][]int{}
		for i, p := range inputs {
			depth[i] = max(depth[i], 1)
			out[i] = tail(p, depth[i]) + ".rejects.csv"
			seen[out[i]] = append(seen[out[i]], i)
		}
		clash := false
		for _, same := range seen {
			if len(same) > 1 {
				clash = true
				for _, i := range same {
					depth[i]++
				}
			}
		}
		if !clash {
			break
		}
	}
	taken := map[string]bool{}
	for i := range out {
		base := strings.TrimSuffix(out[i], ".rejects.csv")
		for k := 2; taken[out[i]] || isInput(out[i], inputs); k++ {
			out[i] = fmt.Sprintf("%s.%d.rejects.csv", base, k)
		}
		taken[out[i]] = true
	}
	return out
}

// tail joins the last depth elements of a path with '-': tail("a/jan/orders.csv", 2) is
// "jan-orders.csv"; only the file's name when the shorter tails already differ.
func tail(p string, depth int) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = p
	}
	parts := strings.Split(filepath.ToSlash(abs), "/")
	var keep []string
	for i := len(parts) - 1; i >= 0 && len(keep) < depth; i-- {
		if parts[i] != "" {
			keep = append([]string{parts[i]}, keep...)
		}
	}
	return strings.Join(keep, "-")
}

// CheckRejects refuses a rejects path that names one of the inputs: writing the rejects would
// destroy the data being imported.
func CheckRejects(rejects string, inputs []string) error {
	if rejects != "" && isInput(rejects, inputs) {
		return fidelis.Errorf(fidelis.EInvalid, "--rejects %s is an input file: writing the rejects would overwrite it", rejects).
			WithHint("--rejects %s", strings.TrimSuffix(rejects, filepath.Ext(rejects))+".rejects.csv")
	}
	return nil
}

// checkRejectsPath is CheckRejects for Import's own input and its default rejects file.
func checkRejectsPath(rejects, input string) error {
	if rejects == "" {
		rejects = filepath.Base(input) + ".rejects.csv"
	}
	return CheckRejects(rejects, []string{input})
}

// isInput reports whether p is the same file as one of inputs (by identity when both exist, by
// cleaned absolute path otherwise).
func isInput(p string, inputs []string) bool {
	pi, perr := os.Stat(p)
	pa, _ := filepath.Abs(p)
	for _, in := range inputs {
		if ii, err := os.Stat(in); err == nil && perr == nil && os.SameFile(pi, ii) {
			return true
		}
		if ia, _ := filepath.Abs(in); ia == pa {
			return true
		}
	}
	return false
}
