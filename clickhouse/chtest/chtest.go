// Package chtest gives tests ClickHouse stores: one new database per test, on the single server
// (FIDELIS_CLICKHOUSE) or the two-shard cluster (FIDELIS_CLICKHOUSE_CLUSTER). Where those are not
// set, the first test that asks starts the servers with scripts/clickhouse.sh (installing
// ClickHouse if needed) and Main stops them after the tests; a test never skips for want of a
// server, it fails saying why.
package chtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fidelis/clickhouse"
)

// Env names the variables holding the DSNs of the single server and of the cluster.
const (
	EnvSingle  = "FIDELIS_CLICKHOUSE"
	EnvCluster = "FIDELIS_CLICKHOUSE_CLUSTER"
)

// script is scripts/clickhouse.sh, found from this file's place in the module.
func script() string {
	_, f, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(f), "..", "..", "scripts", "clickhouse.sh")
}

// Main runs the package's tests and then stops the servers a test had to start (see DSN). Call
// it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

var (
	once     sync.Once
	startErr error
	stop     func()
)

// start starts servers of our own with scripts/clickhouse.sh, on other ports and in another
// folder than a developer's, and sets the environment to their DSNs.
func start() error {
	dir, err := os.MkdirTemp("", "fidelis-chtest-")
	if err != nil {
		return err
	}
	env := append(os.Environ(), "FIDELIS_CLICKHOUSE_DIR="+dir, fmt.Sprintf("FIDELIS_CLICKHOUSE_PORT=%d", 20000+os.Getpid()%2000*3))
	cmd := exec.Command("bash", script(), "start")
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	stop = func() {
		c := exec.Command("bash", script(), "stop")
		c.Env = env
		c.Stdout, c.Stderr = os.Stderr, os.Stderr
		c.Run()
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s and %s are not set and scripts/clickhouse.sh start failed: %v\n%s%s", EnvSingle, EnvCluster, err, out.String(), errb.String())
	}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "="); ok {
			os.Setenv(k, v)
		}
	}
	return nil
}

var seq atomic.Int64

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// DSN returns the DSN of a new, empty database for t, on the cluster or the single server, and
// drops the database when t ends.
func DSN(t testing.TB, cluster bool) string {
	t.Helper()
	env := EnvSingle
	if cluster {
		env = EnvCluster
	}
	if os.Getenv(EnvSingle) == "" || os.Getenv(EnvCluster) == "" {
		if once.Do(func() { startErr = start() }); startErr != nil {
			t.Fatal(startErr)
		}
	}
	base := os.Getenv(env)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s=%s: %v", env, base, err)
	}
	name := nonIdent.ReplaceAllString(t.Name(), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	u.Path = fmt.Sprintf("/t%d_%d_%s", time.Now().UnixNano()%1e9, seq.Add(1), name)
	dsn := u.String()
	t.Cleanup(func() {
		if err := clickhouse.DropDatabase(context.Background(), dsn); err != nil {
			t.Errorf("drop %s: %v", dsn, err)
		}
	})
	return dsn
}

// Open opens a new, empty store for t (closed and dropped when t ends).
func Open(t testing.TB, cluster bool) *clickhouse.Store {
	t.Helper()
	st, err := clickhouse.Open(context.Background(), DSN(t, cluster), clickhouse.Options{Wait: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
