package server

import (
	"net/http"
)

// placeholder is served at / when the binary carries no dashboard.
const placeholder = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fidelis</title></head>
<body><h1>Fidelis</h1><p>This build serves the API only. Sign in with <code>/login?token=…</code>, then read
<a href="/v1/report">/v1/report</a>; the API is described at <a href="/openapi.json">/openapi.json</a>.</p></body></html>
`

// dashboard serves the embedded dashboard's files (they hold no data: every figure comes from
// /v1 with the session cookie), or a placeholder page.
func (s *Server) dashboard() http.Handler {
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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache") // revalidate: a new binary brings new assets
		files.ServeHTTP(w, r)
	})
}
