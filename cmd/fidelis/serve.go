package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"golang.org/x/time/rate"

	"fidelis"
	"fidelis/analysis"
	"fidelis/server"
	"fidelis/web"
)

func init() {
	register("serve", "serve the HTTP API and the dashboard on a store (fidelis token create makes the tokens)", runServe)
}

// serveFlags are the flags of fidelis serve (and demo --serve, which shares them).
type serveFlags struct {
	addr, tokens, cert, key, logFormat, audit, cors string
	readOnly, warm                                  bool
	rate                                            float64
	burst                                           int
	maxBody                                         int64
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; :0 picks a free port)")
	fs.StringVar(&f.tokens, "tokens", "", "tokens file (default: the store's path + .tokens)")
	fs.StringVar(&f.cert, "cert", "", "TLS certificate file (PEM); with --key, serves HTTPS")
	fs.StringVar(&f.key, "key", "", "TLS key file (PEM)")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.StringVar(&f.audit, "audit", "", "audit log of ingests, deletions and erasures, one JSON line each (default: the store's path + .audit.jsonl; none: no log)")
	fs.StringVar(&f.cors, "cors", "", "comma-separated origins allowed to call the API from a browser (default: none)")
	fs.BoolVar(&f.readOnly, "read-only", false, "open the store read-only and refuse every write")
	fs.BoolVar(&f.warm, "warm", true, "compute the dashboard's default views in the background at start and after writes that change them (--warm=false: on the first request)")
	fs.Float64Var(&f.rate, "rate", 50, "requests per second allowed per token (sustained)")
	fs.IntVar(&f.burst, "burst", 100, "requests allowed per token in a burst")
	fs.Int64Var(&f.maxBody, "max-body", 64<<20, "largest ingest body in bytes")
}

func runServe(ctx context.Context, e *env, args []string) error {
	var sf storeFlags
	var f serveFlags
	var inf insightFlags
	fs := newFlags(e, "serve", "serve [--db PATH] [--addr 127.0.0.1:8080] [--read-only] [--tokens FILE] [--cert FILE --key FILE] [--log-format text|json] [--audit FILE] [--cors ORIGINS]")
	sf.register(fs, "DuckDB store file")
	f.register(fs)
	inf.register(fs, true)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := inf.load()
	if err != nil {
		return err
	}
	if err := mustExist(ctx, sf, "fidelis import KIND FILE --db "+sf.db+", or fidelis demo"); err != nil {
		return err
	}
	st, err := openStore(ctx, e, sf, f.readOnly)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := inf.industryOf(ctx, st, &cfg); err != nil {
		return err
	}
	return serve(ctx, e, sf.db, st, f, cfg, nil)
}

// serve runs the API on st until ctx ends, then shuts down gracefully: it cancels analyses in
// flight, stops accepting connections and waits for requests in flight (an ingest being
// committed above all). ready, if
// set, is called with the base URL once the server listens.
func serve(ctx context.Context, e *env, db string, st fidelis.Store, f serveFlags, insight analysis.InsightConfig, ready func(base string)) error {
	if (f.cert == "") != (f.key == "") {
		return fidelis.Errorf(fidelis.EInvalid, "--cert and --key go together")
	}
	var h slog.Handler
	switch f.logFormat {
	case "text":
		h = slog.NewTextHandler(e.stderr, nil)
	case "json":
		h = slog.NewJSONHandler(e.stderr, nil)
	default:
		return fidelis.Errorf(fidelis.EInvalid, "--log-format %q: want text or json", f.logFormat)
	}
	log := slog.New(h)
	if f.tokens == "" {
		f.tokens = server.TokensPath(beside(db))
	}
	tokens, err := server.OpenTokens(f.tokens)
	if err != nil {
		return err
	}
	var audit io.Writer
	switch f.audit {
	case "none":
	case "":
		f.audit = beside(db) + ".audit.jsonl"
		fallthrough
	default:
		af, err := os.OpenFile(f.audit, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return fidelis.Errorf(fidelis.EInvalid, "audit log: %v", err).WithHint("--audit FILE in a writable folder, or --audit none")
		}
		defer af.Close()
		audit = af
	}
	dash, err := dashboardFS()
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{Store: st, Tokens: tokens, ReadOnly: f.readOnly, Log: log, Audit: audit,
		Dashboard: dash, CORSOrigins: csvList(f.cors), Rate: rate.Limit(f.rate), Burst: f.burst, MaxBody: f.maxBody,
		Secure: f.cert != "", Insight: insight, Warm: f.warm, WarmIngest: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "listen on %s: %v", f.addr, err).WithHint("another --addr, e.g. 127.0.0.1:8081")
	}
	hs := srv.HTTPServer(ln.Addr().String())
	scheme := "http"
	if f.cert != "" {
		scheme = "https"
	}
	base := scheme + "://" + ln.Addr().String()
	done := make(chan error, 1)
	go func() {
		if f.cert != "" {
			done <- hs.ServeTLS(ln, f.cert, f.key)
		} else {
			done <- hs.Serve(ln)
		}
	}()
	mode := ""
	if f.readOnly {
		mode = " (read-only)"
	}
	fmt.Fprintf(e.stderr, "Fidelis serves %s%s at %s\n  tokens: %s (fidelis token create --scope read --db %s)\n", db, mode, base, f.tokens, db)
	if ready != nil {
		ready(base)
	} else {
		fmt.Fprintf(e.stderr, "  dashboard: %s/login?token=YOUR_READ_TOKEN\n", base)
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(e.stderr, "shutting down: finishing requests in flight…")
	// Analyses in flight (a warm-up above all) are cancelled, their waiting requests answered
	// 503; ingests in flight run to their commit.
	srv.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// dashboardFS is the embedded dashboard (package web).
func dashboardFS() (fs.FS, error) { return web.FS() }
