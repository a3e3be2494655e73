package echarts_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"strings"
	"testing"

	"fidelis/third_party/echarts"
)

// TestChecksums compares every embedded file with the sha256 scripts/vendor-js.sh recorded, so
// a hand edit or a partial re-vendoring fails here.
func TestChecksums(t *testing.T) {
	f, err := echarts.FS.Open("CHECKSUMS")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("CHECKSUMS: malformed line %q", line)
		}
		b, err := fs.ReadFile(echarts.FS, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		h := sha256.Sum256(b)
		if got := hex.EncodeToString(h[:]); got != sum {
			t.Errorf("%s: sha256 %s, CHECKSUMS says %s", name, got, sum)
		}
		seen++
	}
	if seen != 8 {
		t.Errorf("CHECKSUMS lists %d files, want 8 (the build, four locales, three licence files)", seen)
	}
}
