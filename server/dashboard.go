package server

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

// placeholder is served at / when the binary carries no dashboard.
const placeholder = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fidelis</title></head>
<body><h1>Fidelis</h1><p>This build serves the API only. Sign in with <code>/login?token=…</code>, then read
<a href="/v1/report">/v1/report</a>; the API is described at <a href="/openapi.json">/openapi.json</a>.</p></body></html>
`

// dashboard serves the embedded dashboard's files, or a placeholder page, to a signed-in
// browser (a session cookie or a read token); the address / without one goes to the sign-in form.
func (s *Server) dashboard() http.Handler {
	files := s.dashboardFiles()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, status, why := s.check(r, ScopeRead); status != 0 {
			if r.URL.Path == "/" || r.URL.Path == "/index.html" {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			s.refuse(w.Header().Set, status)
			writeProblem(w, status, why)
			return
		}
		files.ServeHTTP(w, r)
	})
}

func (s *Server) dashboardFiles() http.Handler {
	if s.cfg.Dashboard == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(placeholder))
		})
	}
	files := http.FileServerFS(s.cfg.Dashboard)
	// Each file's ETag is a hash of its content, computed once: the browser revalidates every
	// asset (a new binary brings new ones) and gets 304 Not Modified, not 1 MB of ECharts again.
	var etags sync.Map
	etag := func(name string) string {
		if v, ok := etags.Load(name); ok {
			return v.(string)
		}
		b, err := fs.ReadFile(s.cfg.Dashboard, name)
		if err != nil {
			return ""
		}
		sum := sha256.Sum256(b)
		tag := `"` + hex.EncodeToString(sum[:12]) + `"`
		etags.Store(name, tag)
		return tag
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache") // revalidate: a new binary brings new assets
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "index.html"
		}
		if tag := etag(name); tag != "" {
			w.Header().Set("ETag", tag) // FileServer answers If-None-Match from it
		}
		files.ServeHTTP(w, r)
	})
}
