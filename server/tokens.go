package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"fidelis"
)

// Scopes a token may carry. read: every GET under /v1; ingest: POST /v1/import/{kind};
// admin: erasure and deletion (and everything else).
const (
	ScopeRead   = "read"
	ScopeIngest = "ingest"
	ScopeAdmin  = "admin"
)

// Token is one API token as the tokens file keeps it: the secret itself is never stored, only its
// SHA-256 (the secret is 32 random bytes, so a fast hash is enough: there is nothing to guess).
type Token struct {
	ID      string    `json:"id"` // public handle for list and revoke: the hash's first 12 hex digits
	Name    string    `json:"name"`
	Hash    string    `json:"sha256"`
	Scopes  []string  `json:"scopes"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires,omitzero"`
	Revoked time.Time `json:"revoked,omitzero"`
}

// Allows reports whether the token carries scope; admin implies every scope.
func (t Token) Allows(scope string) bool {
	return slices.Contains(t.Scopes, scope) || slices.Contains(t.Scopes, ScopeAdmin)
}

// Status is "active", "expired" or "revoked" at time now.
func (t Token) Status(now time.Time) string {
	switch {
	case !t.Revoked.IsZero():
		return "revoked"
	case !t.Expires.IsZero() && !now.Before(t.Expires):
		return "expired"
	}
	return "active"
}

// Tokens is the tokens file, re-read when it changes on disk so that `fidelis token revoke` takes
// effect on a running server within a second.
//
// Tokens live in a small JSON file beside the store (<db>.tokens) rather than in the store: DuckDB
// allows one writing process, so a store-held table could not be changed by the CLI while the
// server runs, and a read-only server could not keep tokens at all.
type Tokens struct {
	path string

	mu      sync.Mutex
	byHash  map[string]Token
	list    []Token
	mod     time.Time
	size    int64
	checked time.Time
}

// TokensPath is where the tokens of the store at db live unless --tokens says otherwise.
func TokensPath(db string) string { return db + ".tokens" }

// OpenTokens reads the tokens file at path; a missing file is an empty list.
func OpenTokens(path string) (*Tokens, error) {
	t := &Tokens{path: path}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.load(); err != nil {
		return nil, err
	}
	return t, nil
}

type tokenFile struct {
	Tokens []Token `json:"tokens"`
}

func (t *Tokens) load() error {
	fi, err := os.Stat(t.path)
	if errors.Is(err, os.ErrNotExist) {
		t.byHash, t.list, t.mod, t.size = map[string]Token{}, nil, time.Time{}, 0
		return nil
	}
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "tokens file %s: %v", t.path, err)
	}
	b, err := os.ReadFile(t.path)
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "tokens file %s: %v", t.path, err)
	}
	var f tokenFile
	if err := json.Unmarshal(b, &f); err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "tokens file %s: %v", t.path, err).WithHint("fix or remove the file, then fidelis token create")
	}
	t.byHash = make(map[string]Token, len(f.Tokens))
	for _, k := range f.Tokens {
		t.byHash[k.Hash] = k
	}
	t.list, t.mod, t.size = f.Tokens, fi.ModTime(), fi.Size()
	return nil
}

// refresh re-reads the file when its time or size changed, at most once a second. A file that
// has become unreadable keeps the last good list and is retried.
func (t *Tokens) refresh(now time.Time) {
	if now.Sub(t.checked) < time.Second {
		return
	}
	t.checked = now
	fi, err := os.Stat(t.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if len(t.list) > 0 {
			t.load()
		}
	case err == nil && (!fi.ModTime().Equal(t.mod) || fi.Size() != t.size):
		t.load()
	}
}

// Lookup returns the token whose secret is secret, as it stands in the file now.
func (t *Tokens) Lookup(secret string, now time.Time) (Token, bool) {
	h := hashSecret(secret)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refresh(now)
	k, ok := t.byHash[h]
	return k, ok
}

// Get returns the token with the given id, as it stands in the file now.
func (t *Tokens) Get(id string, now time.Time) (Token, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refresh(now)
	for _, k := range t.list {
		if k.ID == id {
			return k, true
		}
	}
	return Token{}, false
}

// List returns every token, revoked and expired ones included.
func (t *Tokens) List() ([]Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.load(); err != nil {
		return nil, err
	}
	return slices.Clone(t.list), nil
}

// ParseScopes checks a comma-separated scope list.
func ParseScopes(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		switch p {
		case "":
			continue
		case ScopeRead, ScopeIngest, ScopeAdmin:
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		default:
			return nil, fidelis.Errorf(fidelis.EInvalid, "scope %q: want read, ingest or admin", p).WithHint("--scope read,ingest")
		}
	}
	if len(out) == 0 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "a token needs at least one scope").WithHint("--scope read")
	}
	return out, nil
}

// Create adds a token and returns it with its secret, which is shown this once and never stored.
func (t *Tokens) Create(name string, scopes []string, ttl time.Duration, now time.Time) (Token, string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Token{}, "", err
	}
	secret := "fid_" + base64.RawURLEncoding.EncodeToString(raw[:])
	h := hashSecret(secret)
	k := Token{ID: h[:12], Name: name, Hash: h, Scopes: scopes, Created: now.UTC().Truncate(time.Second)}
	if ttl > 0 {
		k.Expires = k.Created.Add(ttl)
	}
	err := t.update(func(list []Token) ([]Token, error) {
		if name != "" && slices.ContainsFunc(list, func(o Token) bool { return o.Name == name && o.Status(now) == "active" }) {
			return nil, fidelis.Errorf(fidelis.EConflict, "an active token is named %q already", name).WithHint("another --name, or fidelis token revoke %s", name)
		}
		return append(list, k), nil
	})
	return k, secret, err
}

// Revoke marks the token with the given id (or the active token with the given name) revoked.
func (t *Tokens) Revoke(idOrName string, now time.Time) (Token, error) {
	var done Token
	err := t.update(func(list []Token) ([]Token, error) {
		for i, k := range list {
			if (k.ID == idOrName || k.Name == idOrName) && k.Revoked.IsZero() {
				list[i].Revoked = now.UTC().Truncate(time.Second)
				done = list[i]
				return list, nil
			}
		}
		return nil, fidelis.Errorf(fidelis.ENotFound, "no unrevoked token with id or name %q", idOrName).WithHint("fidelis token list")
	})
	return done, err
}

// update rewrites the file atomically (temporary file, then rename), readable by its owner only.
func (t *Tokens) update(change func([]Token) ([]Token, error)) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.load(); err != nil {
		return err
	}
	list, err := change(slices.Clone(t.list))
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(tokenFile{Tokens: list}, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(t.path), ".tokens-*")
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "tokens file %s: %v", t.path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), t.path); err != nil {
		return fmt.Errorf("tokens file %s: %w", t.path, err)
	}
	return t.load()
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
