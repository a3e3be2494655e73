package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fidelis"
	"fidelis/analysis"
	"fidelis/report"
)

func init() {
	register("report", "write the analysis as a self-contained HTML page, Markdown or JSON", runReport)
}

func runReport(ctx context.Context, e *env, args []string) error {
	var f analysisFlags
	fs := newFlags(e, "report", "report [--db PATH] [--format html|md|json] [--lang en|pl|ro|lv] [--out FILE] [--grain month] [--by ATTR]")
	f.register(fs)
	format := fs.String("format", "", "html, md or json (default: from --out's extension, else html)")
	out := fs.String("out", "", "output file (default: stdout)")
	lang := fs.String("lang", "en", "report language: en, pl, ro or lv (JSON is language-neutral)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := report.ParseLang(*lang); err != nil {
		return err
	}
	if *format == "" {
		*format = formatFromName(*out)
	}
	if f.json {
		*format = "json"
	}
	a, err := runAnalysis(ctx, e, &f)
	if err != nil {
		return err
	}
	return writeReport(e, a, *format, *lang, *out)
}

func formatFromName(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown":
		return "md"
	case ".json":
		return "json"
	}
	return "html"
}

// writeReport renders a to path (stdout when empty), atomically: a failed render leaves no half file.
func writeReport(e *env, a *analysis.Analysis, format, lang, path string) error {
	if path == "" {
		return report.WriteLang(e.stdout, a, format, lang)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".report-*")
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "write %s: %v", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := report.WriteLang(tmp, a, format, lang); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "report written to %s\n", path)
	return nil
}
