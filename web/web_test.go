package web_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fidelis/report"
	"fidelis/web"
)

// TestMessagesInCatalogue scans the dashboard's scripts and page for the keys they translate and
// checks each is in the report's catalogue, so no label stays English in Polish, Romanian or
// Latvian (the report's TestKeysUsedExist does the same for Go).
func TestMessagesInCatalogue(t *testing.T) {
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`\bt\(\s*'((?:[^'\\]|\\.)*)'`),
		regexp.MustCompile(`\btitle: '((?:[^'\\]|\\.)*)'`),
		regexp.MustCompile(`data-t(?:-label)?="([^"]*)"`),
	}
	verbs := regexp.MustCompile(`%[-+ #0-9.\[\]]*[a-z%]`)
	used := map[string]string{}
	err := filepath.WalkDir("static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".html")) {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, re := range patterns {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				used[strings.ReplaceAll(m[1], `\'`, `'`)] = p
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 100 {
		t.Fatalf("found only %d messages: the scan is broken", len(used))
	}
	for _, lang := range []string{"pl", "ro", "lv"} {
		m, err := report.Messages(lang)
		if err != nil {
			t.Fatal(err)
		}
		for key, file := range used {
			if !strings.ContainsAny(verbs.ReplaceAllString(key, ""), "abcdefghijklmnopqrstuvwxyz") {
				continue // a format of numbers only
			}
			if _, ok := m[key]; !ok {
				t.Errorf("%s: %q is not in the catalogue (%s)", file, key, lang)
			}
		}
	}
}

// TestFS serves the dashboard as the server mounts it: the page, its scripts, ECharts and each
// language's catalogue, with the content types a browser under nosniff needs.
func TestFS(t *testing.T) {
	f, err := web.FS()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServerFS(f))
	defer srv.Close()
	for _, c := range []struct{ path, ctype, contains string }{
		{"/", "text/html", `src="js/app.js"`},
		{"/js/app.js", "text/javascript", "readState"},
		{"/css/app.css", "text/css", "--accent"},
		{"/vendor/echarts/echarts.min.js", "text/javascript", "registerLocale"},
		{"/vendor/echarts/langPL.js", "text/javascript", "registerLocale('PL'"},
		{"/vendor/echarts/LICENSE", "text/plain", "Apache License"},
		{"/i18n/pl.json", "application/json", `"lang":"pl"`},
	} {
		resp, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_, _ = io.Copy(&b, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), c.ctype) || !strings.Contains(b.String(), c.contains) {
			t.Errorf("%s: %d %s, has %q: %v", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), c.contains, strings.Contains(b.String(), c.contains))
		}
	}
	for _, p := range []string{"/i18n/de.json", "/vendor/echarts/../../web.go", "/i18n/"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Errorf("%s: 200, want an error", p)
		}
	}
	var cat struct {
		Lang     string
		Plural   []string
		Messages map[string]string
	}
	b, err := fs.ReadFile(f, "i18n/lv.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cat); err != nil {
		t.Fatal(err)
	}
	if cat.Lang != "lv" || strings.Join(cat.Plural, "|") != "zero|one|other" || cat.Messages["Retention"] != "Noturēšana" {
		t.Errorf("lv catalogue: %s %v %q", cat.Lang, cat.Plural, cat.Messages["Retention"])
	}
}
