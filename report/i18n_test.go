package report_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fidelis"
	"fidelis/report"
)

var langs = []string{"pl", "ro", "lv"}

// verbs lists the formatting verbs of a message, ignoring explicit argument indexes, sorted by
// their position in the English key (a translation may reorder them with %[n]).
var verbRE = regexp.MustCompile(`%[+\-#0]*(?:\[\d+\])?[\d.]*(?:\[\d+\])?[sdfgqve%]`)

func verbCount(s string) int {
	n := 0
	for _, v := range verbRE.FindAllString(s, -1) {
		if !strings.HasSuffix(v, "%") {
			n++
		}
	}
	return n
}

// TestCatalogueComplete: every message has a non-empty Polish, Romanian and Latvian text with as
// many arguments as the English key, and plural messages the language's number of forms.
func TestCatalogueComplete(t *testing.T) {
	for key, tr := range report.Catalogue() {
		for i, lang := range langs {
			s := tr[i]
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s: empty translation of %q", lang, key)
				continue
			}
			if strings.Contains(key, "|") {
				if got, want := len(strings.Split(s, "|")), report.PluralForms(lang); got != want {
					t.Errorf("%s: %q has %d plural forms, want %d", lang, key, got, want)
				}
				continue
			}
			if strings.Contains(key, "%") && verbCount(s) != verbCount(key) {
				t.Errorf("%s: %q has %d arguments, the key %d: %q", lang, key, verbCount(s), verbCount(key), s)
			}
		}
	}
}

// TestKeysUsedExist scans the report's sources for the messages they translate, and analysis and
// insight for the messages they build, and checks that each is in the catalogue.
func TestKeysUsedExist(t *testing.T) {
	lit := `"((?:[^"\\]|\\.)*)"`
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`\bT\(` + lit + `[,)]`),
		regexp.MustCompile(`\bfidelis\.M\(` + lit + `[,)]`),
		regexp.MustCompile(`(?:Title|title): ` + lit),
		regexp.MustCompile(`\{` + lit + `, r\.(?:Strengths|Weaknesses)`),
		regexp.MustCompile(`\{` + lit + `, (?:Know|Do)\(a\)`),
	}
	listRE := regexp.MustCompile(`(?:\bth\(|mdHead\("[^"]*", |head: \[\]string\{)([^)}]*)`)
	strRE := regexp.MustCompile(lit)
	var files []string
	for _, dir := range []string{".", "../analysis", "../insight"} {
		fs, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range fs {
			if !strings.HasSuffix(f, "_test.go") && !strings.HasSuffix(f, "messages.go") && !strings.HasSuffix(f, "program.go") {
				files = append(files, f)
			}
		}
	}
	used := map[string]string{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range patterns {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				used[m[1]] = f
			}
		}
		if !strings.HasPrefix(f, "..") {
			for _, m := range listRE.FindAllStringSubmatch(string(src), -1) {
				for _, s := range strRE.FindAllStringSubmatch(m[1], -1) {
					used[s[1]] = f
				}
			}
		}
	}
	if len(used) < 200 {
		t.Fatalf("found only %d messages: the scan is broken", len(used))
	}
	for raw, f := range used {
		key, err := strconv.Unquote(`"` + raw + `"`)
		if err != nil || !strings.ContainsAny(verbRE.ReplaceAllString(key, ""), "abcdefghijklmnopqrstuvwxyz") {
			continue // not a sentence (a format of numbers only, an id)
		}
		if _, ok := report.Catalogue()[key]; !ok {
			t.Errorf("%s: %q is not in the catalogue", f, key)
		}
	}
}

func TestNumbersAndDates(t *testing.T) {
	nb := "\u00a0"
	for _, c := range []struct {
		lang            string
		v               float64
		dec             int
		want            string
		pct, points, dt string
	}{
		{"en", 1234567.891, 2, "1,234,567.89", "12.5%", "−3.2", "30 Jun 2026"},
		{"pl", 1234567.891, 2, "1" + nb + "234" + nb + "567,89", "12,5%", "−3,2", "30.06.2026"},
		{"ro", 1234567.891, 2, "1.234.567,89", "12,5%", "−3,2", "30.06.2026"},
		{"lv", 1234567.891, 2, "1" + nb + "234" + nb + "567,89", "12,5%", "−3,2", "30.06.2026."},
	} {
		if got := report.Number(c.lang, c.v, c.dec); got != c.want {
			t.Errorf("%s: %v = %q, want %q", c.lang, c.v, got, c.want)
		}
		if got := report.Format(c.lang, "%.1f%%", 12.5); got != c.pct {
			t.Errorf("%s: percent %q, want %q", c.lang, got, c.pct)
		}
		if got := report.Format(c.lang, "%+.1f", -3.2); got != c.points {
			t.Errorf("%s: points %q, want %q", c.lang, got, c.points)
		}
		if got := report.Format(c.lang, "%s", time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)); got != c.dt {
			t.Errorf("%s: date %q, want %q", c.lang, got, c.dt)
		}
	}
	// Polish groups from five digits (CLDR minimumGroupingDigits 2); the others from four.
	for lang, want := range map[string]string{"en": "1,234", "pl": "1234", "ro": "1.234", "lv": "1" + nb + "234"} {
		if got := report.Number(lang, 1234, 0); got != want {
			t.Errorf("%s: 1234 = %q, want %q", lang, got, want)
		}
	}
}

func TestPlurals(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "1 comment"}, {"en", 3, "3 comments"},
		{"pl", 1, "1 komentarz"}, {"pl", 3, "3 komentarze"}, {"pl", 5, "5 komentarzy"}, {"pl", 12, "12 komentarzy"}, {"pl", 22, "22 komentarze"},
		{"ro", 1, "1 comentariu"}, {"ro", 5, "5 comentarii"}, {"ro", 20, "20 de comentarii"},
		{"lv", 1, "1 komentārs"}, {"lv", 21, "21 komentārs"}, {"lv", 11, "11 komentāru"}, {"lv", 5, "5 komentāri"},
	} {
		if got := report.Format(c.lang, "%d comment|%d comments", c.n); got != c.want {
			t.Errorf("%s %d: %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	// A message built elsewhere: reordered arguments and nested messages translate too.
	m := fidelis.M("%d month|%d months", 3)
	if got := report.Format("pl", "%s", m); got != "3 miesiące" {
		t.Errorf("nested plural: %q", got)
	}
	if m.String() != "3 months" {
		t.Errorf("English: %q", m.String())
	}
}

func TestParseLang(t *testing.T) {
	if _, err := report.ParseLang("de"); fidelis.ErrorCode(err) != fidelis.EInvalid {
		t.Errorf("unknown language: %v", err)
	}
	for _, l := range report.Languages {
		if _, err := report.ParseLang(l); err != nil {
			t.Error(err)
		}
	}
}
