// Command fidelis is the Fidelis CLI: one file per subcommand, each registering itself in init.
// This is the only package that chooses a concrete store. Data goes to stdout; progress, logs and
// errors to stderr. Errors print "Error: …" and, where useful, "Try: …".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"fidelis"
)

// command is one subcommand. run gets the arguments after the subcommand's name.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, env *env, args []string) error) {
	commands[name] = command{summary: summary, run: run}
}

// env carries the process's streams so that tests can run main in-process.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code: 0 ok, 1 a failure, 2 bad usage.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "Error: unknown command %q\nTry: fidelis help\n", args[0])
		return 2
	}
	err := c.run(ctx, e, args[1:])
	if err == nil {
		return 0
	}
	if ctx.Err() != nil {
		// Interrupted (SIGINT/SIGTERM): whatever the command was doing failed with the context's
		// error, or the engine's wording of it; say it once, plainly. 130 = 128 + SIGINT.
		fmt.Fprintln(e.stderr, "Interrupted (an unfinished import is rolled back).")
		return 130
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	err = explainMemory(err)
	fmt.Fprintf(e.stderr, "Error: %v\n", err)
	if hint := fidelis.ErrorHint(err); hint != "" {
		fmt.Fprintf(e.stderr, "Try: %s\n", hint)
	}
	if fidelis.ErrorCode(err) == fidelis.EInvalid {
		return 2
	}
	return 1
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Fidelis: customer-loyalty analytics on your own data.")
	fmt.Fprintln(w, "\nUsage: fidelis COMMAND [flags]   (fidelis COMMAND -h for its flags)\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
}

// newFlags returns a flag set for a subcommand that reports errors instead of exiting and prints
// its usage to stderr.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: fidelis %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args allowing flags after positional arguments (fidelis import orders a.csv
// --db x), which the standard flag package stops at. It returns the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fidelis.Errorf(fidelis.EInvalid, "%v", err).WithHint("fidelis %s -h", fs.Name())
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// csvList splits a comma-separated flag value, dropping empty items.
func csvList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
