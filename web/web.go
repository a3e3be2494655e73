// Package web is the dashboard: plain HTML, CSS and JavaScript modules embedded in the binary (no
// build step, no inline script, nothing loaded from the internet), Apache ECharts from
// third_party/echarts, and the report's message catalogue as JSON, so the dashboard speaks the
// report's words in the report's languages. The server mounts FS at "/" behind its session check;
// the dashboard reads the /v1 API (see /work/wt/notes/api.md in the repository's history) with
// same-origin requests.
package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"io/fs"
	"strings"
	"time"

	"fidelis/report"
	"fidelis/third_party/echarts"
)

//go:embed static
var static embed.FS

// FS returns the dashboard's files: index.html and its assets, ECharts under vendor/echarts/,
// and the catalogue under i18n/LANG.json ({"lang", "plural", "messages"}) for each of
// report.Languages. Mount it with http.FileServerFS.
func FS() (fs.FS, error) {
	root, err := fs.Sub(static, "static")
	if err != nil {
		return nil, err
	}
	cat := map[string][]byte{}
	for _, lang := range report.Languages {
		m, err := report.Messages(lang)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(struct {
			Lang     string            `json:"lang"`
			Plural   []string          `json:"plural"`
			Messages map[string]string `json:"messages"`
		}{lang, report.PluralOrder(lang), m})
		if err != nil {
			return nil, err
		}
		cat[lang+".json"] = b
	}
	return overlay{root: root, vendor: echarts.FS, i18n: cat}, nil
}

// overlay serves vendor/echarts/ from the vendored package and i18n/ from the catalogue, the
// rest from static/.
type overlay struct {
	root, vendor fs.FS
	i18n         map[string][]byte
}

func (o overlay) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if rest, ok := strings.CutPrefix(name, "vendor/echarts/"); ok {
		return o.vendor.Open(rest)
	}
	if rest, ok := strings.CutPrefix(name, "i18n/"); ok {
		if b, ok := o.i18n[rest]; ok {
			return &memFile{Reader: bytes.NewReader(b), name: rest, size: int64(len(b))}, nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return o.root.Open(name)
}

// memFile is a generated file: seekable, so http.FileServerFS serves ranges and sniffs nothing.
type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f, nil }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Name() string               { return f.name }
func (f *memFile) Size() int64                { return f.size }
func (f *memFile) Mode() fs.FileMode          { return 0o444 }
func (f *memFile) ModTime() time.Time         { return time.Time{} }
func (f *memFile) IsDir() bool                { return false }
func (f *memFile) Sys() any                   { return nil }
