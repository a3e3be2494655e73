package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemoServe runs `fidelis demo --serve` on a free port: the report file is written, the
// printed sign-in URL gives the browser a session that reads the API, and cancelling (Ctrl-C)
// shuts the server down cleanly.
func TestDemoServe(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &env{stdout: &out, stderr: &errb, stdin: strings.NewReader("")},
			[]string{"demo", "--customers", "300", "--dir", dir, "--serve", "--addr", "127.0.0.1:0", "--log-format", "json"})
	}()
	loginRE := regexp.MustCompile(`dashboard: (http://127\.0\.0\.1:\d+/login\?token=\S+)`)
	var login string
	for deadline := time.Now().Add(3 * time.Minute); login == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		select {
		case code := <-done:
			t.Fatalf("demo --serve ended with %d before serving: %s %s", code, out.String(), errb.String())
		default:
		}
		if m := loginRE.FindStringSubmatch(out.String()); m != nil {
			login = m[1]
		}
	}
	if login == "" {
		t.Fatalf("no sign-in URL printed: %s", out.String())
	}
	if _, err := filepathGlob(dir, "fidelis-demo-report.html"); err != nil {
		t.Error(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 2 * time.Minute}
	resp, err := c.Get(login)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/" {
		t.Errorf("sign-in ended at %s with %d, want / with 200", resp.Request.URL, resp.StatusCode)
	}
	base := strings.Split(login, "/login")[0]
	resp, err = c.Get(base + "/v1/metrics?grain=quarter")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"retention"`)) {
		t.Errorf("GET /v1/metrics with the session: %d %.300s", resp.StatusCode, b)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after shutdown: %s", code, errb.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("the server did not shut down")
	}
	if !strings.Contains(errb.String(), `"msg":"request"`) {
		t.Errorf("no JSON access log on stderr: %.500s", errb.String())
	}
}

func filepathGlob(dir, name string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(dir, name))
	if err == nil && len(m) == 0 {
		err = &fileMissing{name}
	}
	return m, err
}

type fileMissing struct{ name string }

func (f *fileMissing) Error() string { return f.name + " was not written" }

// TestTokenCommands: create prints the secret once and stores only its hash; list shows it;
// revoke marks it; scopes and lifetimes are checked.
func TestTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shop.duckdb")
	code, secret, errs := cli(t, "token", "create", "--scope", "read,ingest", "--name", "shop-sync", "--expires", "90d", "--db", db)
	if code != 0 || !strings.HasPrefix(secret, "fid_") {
		t.Fatalf("create: %d %q %s", code, secret, errs)
	}
	file, err := os.ReadFile(db + ".tokens")
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(db + ".tokens"); fi.Mode().Perm() != 0o600 {
		t.Errorf("tokens file mode %v, want 0600", fi.Mode().Perm())
	}
	if strings.Contains(string(file), strings.TrimSpace(secret)) {
		t.Error("the tokens file holds the secret itself")
	}
	_, list, _ := cli(t, "token", "list", "--db", db)
	if !strings.Contains(list, "shop-sync") || !strings.Contains(list, "read,ingest") || !strings.Contains(list, "active") {
		t.Errorf("list:\n%s", list)
	}
	if code, _, errs := cli(t, "token", "revoke", "shop-sync", "--db", db); code != 0 {
		t.Fatalf("revoke: %s", errs)
	}
	if _, list, _ := cli(t, "token", "list", "--db", db); !strings.Contains(list, "revoked") {
		t.Errorf("list after revoke:\n%s", list)
	}
	for _, args := range [][]string{
		{"token", "create", "--scope", "write", "--db", db},
		{"token", "create", "--db", db},
		{"token", "create", "--scope", "read", "--expires", "soon", "--db", db},
		{"token", "revoke", "nobody", "--db", db},
		{"token", "rotate"},
	} {
		if code, _, errs := cli(t, args...); code == 0 || !strings.Contains(errs, "Error:") {
			t.Errorf("%v: exit %d, %s", args, code, errs)
		}
	}
}
