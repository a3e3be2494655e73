package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"golang.org/x/time/rate"
)

const sessionCookie = "fidelis_session"

// principal is who makes a request: the token (directly, or behind a dashboard session).
type principal struct {
	Token   Token
	Session bool // through a session cookie: read scope only
}

type principalKey struct{}

func principalOf(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p
}

// authenticate finds the request's principal: a bearer token, else a session cookie. The error
// is the 401 detail: no credentials, an unknown, revoked or expired token, an ended session.
func (s *Server) authenticate(r *http.Request) (principal, string) {
	now := s.cfg.Now()
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return principal{}, "the Authorization header must be \"Bearer <token>\""
		}
		t, ok := s.cfg.Tokens.Lookup(strings.TrimSpace(secret), now)
		if !ok {
			return principal{}, "unknown token"
		}
		if st := t.Status(now); st != "active" {
			return principal{}, "the token is " + st
		}
		return principal{Token: t}, ""
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		id, ok := s.sessions.get(c.Value, now)
		if !ok {
			return principal{}, "the session has ended; sign in again"
		}
		t, ok := s.cfg.Tokens.Get(id, now)
		if !ok || t.Status(now) != "active" || !t.Allows(ScopeRead) {
			s.sessions.drop(c.Value)
			return principal{}, "the session's token is no longer valid; sign in again"
		}
		return principal{Token: Token{ID: t.ID, Name: t.Name, Scopes: []string{ScopeRead}}, Session: true}, ""
	}
	return principal{}, "a bearer token is required (Authorization: Bearer <token>); fidelis token create makes one"
}

// check authenticates r, checks scope and the token's rate, and returns the principal or the
// status and detail of the refusal.
func (s *Server) check(r *http.Request, scope string) (principal, int, string) {
	p, why := s.authenticate(r)
	if why != "" {
		return p, http.StatusUnauthorized, why
	}
	if !p.Token.Allows(scope) {
		if p.Session {
			return p, http.StatusForbidden, "a dashboard session can only read; use a bearer token with the " + scope + " scope"
		}
		return p, http.StatusForbidden, fmt.Sprintf("the token %s lacks the %s scope (it has %s)", p.Token.ID, scope, strings.Join(p.Token.Scopes, ", "))
	}
	if !s.limits.allow(p.Token.ID) {
		return p, http.StatusTooManyRequests, fmt.Sprintf("more than %g requests a second (burst %d) with this token; slow down", float64(s.cfg.Rate), s.cfg.Burst)
	}
	return p, 0, ""
}

// authorize is the huma middleware: every operation declares its scope in Metadata["scope"].
func (s *Server) authorize(ctx huma.Context, next func(huma.Context)) {
	scope, _ := ctx.Operation().Metadata["scope"].(string)
	if scope == "" {
		next(ctx)
		return
	}
	r, _ := humago.Unwrap(ctx)
	p, status, why := s.check(r, scope)
	if status != 0 {
		s.refuse(ctx.SetHeader, status)
		huma.WriteErr(s.api, ctx, status, why)
		return
	}
	next(huma.WithValue(ctx, principalKey{}, p))
}

// refuse adds the headers a refusal carries.
func (s *Server) refuse(set func(string, string), status int) {
	switch status {
	case http.StatusUnauthorized:
		set("WWW-Authenticate", `Bearer realm="fidelis"`)
	case http.StatusTooManyRequests:
		set("Retry-After", "1")
	}
}

// bearerOnly guards a plain handler (outside the huma API) with the same checks.
func (s *Server) bearerOnly(scope string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, status, why := s.check(r, scope)
		if status != 0 {
			s.refuse(w.Header().Set, status)
			writeProblem(w, status, why)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// login exchanges a token with the read scope for a session cookie (HttpOnly, SameSite=Strict)
// and redirects to the dashboard. The token comes as ?token= (the URL fidelis serve prints) or a
// form field; the redirect drops it from the address bar.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	secret := r.FormValue("token")
	if secret == "" && r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(loginForm))
		return
	}
	if secret == "" {
		writeProblem(w, http.StatusBadRequest, "no token: /login?token=... or a form with a token field")
		return
	}
	now := s.cfg.Now()
	t, ok := s.cfg.Tokens.Lookup(secret, now)
	switch {
	case !ok:
		writeProblem(w, http.StatusUnauthorized, "unknown token")
		return
	case t.Status(now) != "active":
		writeProblem(w, http.StatusUnauthorized, "the token is "+t.Status(now))
		return
	case !t.Allows(ScopeRead):
		writeProblem(w, http.StatusForbidden, "the dashboard needs a token with the read scope")
		return
	}
	id := s.sessions.create(t.ID, now)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.sessions.ttl / time.Second)})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// loginForm asks for a token (no script: the page works under the strict CSP).
const loginForm = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Fidelis: sign in</title></head><body><main><h1>Fidelis</h1>
<form method="post" action="/login"><p><label for="token">Token with the read scope</label><br>
<input id="token" name="token" type="password" autocomplete="off" size="50" required></p>
<p><button type="submit">Sign in</button></p></form>
<p>An administrator makes one with <code>fidelis token create --scope read --db STORE</code>.</p></main></body></html>
`

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.drop(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

// sessions maps random session ids to token ids; they live in memory and end with the process,
// after ttl, or when their token is revoked or expires.
type sessions struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]session
}

type session struct {
	token   string
	expires time.Time
}

func newSessions(ttl time.Duration) *sessions { return &sessions{ttl: ttl, m: map[string]session{}} }

func (ss *sessions) create(tokenID string, now time.Time) string {
	var raw [32]byte
	rand.Read(raw[:])
	id := base64.RawURLEncoding.EncodeToString(raw[:])
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for k, v := range ss.m { // drop ended sessions, so the map stays as small as the live ones
		if !now.Before(v.expires) {
			delete(ss.m, k)
		}
	}
	ss.m[id] = session{token: tokenID, expires: now.Add(ss.ttl)}
	return id
}

func (ss *sessions) get(id string, now time.Time) (string, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	v, ok := ss.m[id]
	if !ok || !now.Before(v.expires) {
		return "", false
	}
	return v.token, true
}

func (ss *sessions) drop(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.m, id)
}

// limiters holds one token bucket per token id.
type limiters struct {
	r     rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

func newLimiters(r rate.Limit, burst int) *limiters {
	return &limiters{r: r, burst: burst, m: map[string]*rate.Limiter{}}
}

func (l *limiters) allow(id string) bool {
	l.mu.Lock()
	lim, ok := l.m[id]
	if !ok {
		lim = rate.NewLimiter(l.r, l.burst)
		l.m[id] = lim
	}
	l.mu.Unlock()
	return lim.Allow()
}

// scopeOp declares an operation's scope for authorize and for the OpenAPI document.
func scopeOp(op huma.Operation, scope string) huma.Operation {
	op.Metadata = map[string]any{"scope": scope}
	op.Security = []map[string][]string{{"bearer": {scope}}}
	if scope == ScopeRead {
		op.Security = append(op.Security, map[string][]string{"cookie": {}})
	}
	op.Errors = append(op.Errors, http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests)
	return op
}
