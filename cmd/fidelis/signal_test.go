package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fidelis/clickhouse/chtest"
)

// mainArgsEnv makes the test binary run the real main (signal handling included) with the
// arguments it holds, separated by newlines, instead of the tests.
const mainArgsEnv = "FIDELIS_TEST_MAIN_ARGS"

func TestMain(m *testing.M) {
	if a := os.Getenv(mainArgsEnv); a != "" {
		os.Args = append([]string{"fidelis"}, strings.Split(a, "\n")...)
		main()
		return
	}
	chtest.Main(m) // stops the ClickHouse servers a test started
}

// TestSignalStopsLongCommands: SIGINT and SIGTERM used to be ignored during long analyses (a
// 120 s timeout could not stop one). The real main runs in a child process on a store, gets a
// signal while it works, and must exit with 130 and a plain message within the bound. The bound
// is generous (5 s; the aim is under one) so that a loaded machine does not make the test flaky:
// what it catches is a loop that never looks at its context, which takes minutes.
func TestSignalStopsLongCommands(t *testing.T) {
	db := demoStore(t)
	out := filepath.Join(t.TempDir(), "report.html")
	const bound = 5 * time.Second
	for _, c := range []struct {
		name string
		sig  syscall.Signal
		args []string
		long bool // certain to outlast the delay on any machine
	}{
		// 10^6 bootstrap refits: a pure Go loop that would run for hours.
		{"fit bootstrap SIGINT", syscall.SIGINT, []string{"fit", "--model", "paretonbd", "--db", db, "--bootstrap", "1000000"}, true},
		{"fit bootstrap SIGTERM", syscall.SIGTERM, []string{"fit", "--model", "bgnbd", "--db", db, "--bootstrap", "1000000"}, true},
		// The whole report: store queries, models, matched comparisons.
		{"report SIGINT", syscall.SIGINT, []string{"report", "--db", db, "--out", out}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), mainArgsEnv+"="+strings.Join(c.args, "\n"))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if c.long {
					t.Fatalf("finished before the signal: %v\n%s", err, stderr.String())
				}
				t.Skipf("finished before the signal (a fast machine): %v", err)
			case <-time.After(3 * time.Second): // past start-up and signal.NotifyContext, even on a loaded machine
			}
			sent := time.Now()
			cmd.Process.Signal(c.sig)
			select {
			case <-done:
			case <-time.After(bound):
				cmd.Process.Kill()
				<-done
				t.Fatalf("still running %s after %v\n%s", c.args[0], bound, stderr.String())
			}
			took := time.Since(sent)
			t.Logf("%s exited %s after the signal", c.args[0], took.Round(time.Millisecond))
			if code := cmd.ProcessState.ExitCode(); code == 0 && !c.long {
				// The report can finish its work in the moment the signal is sent (seen under load).
				t.Skipf("finished as the signal arrived: %s", stderr.String())
			} else if code != 130 {
				t.Errorf("exit code %d, want 130\n%s", code, stderr.String())
			}
			if s := stderr.String(); !strings.Contains(s, "Interrupted") || strings.Contains(s, "INTERRUPT Error") {
				t.Errorf("stderr: %s", s)
			}
		})
	}
}
