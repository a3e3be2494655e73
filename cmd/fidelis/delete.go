package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"fidelis"
	"fidelis/report"
)

func init() {
	register("delete", "remove records of one kind by id (a wrong import, a test order)", runDelete)
}

// listFlag collects a repeatable flag's values.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func runDelete(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "delete", "delete KIND (--id ID... | --ids FILE | ID...) [--db PATH] [--wait 30s] [--pseudonymise] [--json]")
	var sf storeFlags
	sf.register(fs, "DuckDB store file")
	var ids listFlag
	fs.Var(&ids, "id", "id of a record to delete (repeatable)")
	idsFile := fs.String("ids", "", "file with one id per line (- for stdin); a first line naming the id field is a header")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	var pf pseudonymFlags
	pf.register(fs, "the ids given are raw customer ids of a pseudonymised store")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fidelis.Errorf(fidelis.EInvalid, "delete needs a kind and ids").WithHint("fidelis delete orders --id o-1001 --id o-1002, or --ids ids.txt")
	}
	kind, err := fidelis.ParseKind(pos[0])
	if err != nil {
		return err
	}
	all, err := gatherIDs(e, append(ids, pos[1:]...), *idsFile, fidelis.Schemas[kind].ID)
	if err != nil {
		return err
	}
	key, err := pf.key()
	if err != nil {
		return err
	}
	if key != nil && kind != fidelis.Customers {
		return fidelis.Errorf(fidelis.EInvalid, "--pseudonymise applies to customer ids; %s are deleted by their own ids", kind)
	}
	raw := all
	all = pseudonyms(key, all)
	st, err := openStore(ctx, e, sf, false)
	if err != nil {
		return err
	}
	defer st.Close()
	deleted, err := st.Delete(ctx, kind, all)
	if err != nil {
		return err
	}
	missing := rawOf(raw, all, notIn(all, deleted))
	deleted = rawOf(raw, all, deleted)
	if *asJSON {
		return report.JSON(e.stdout, struct {
			Kind     fidelis.Kind `json:"kind"`
			Deleted  []string     `json:"deleted"`
			NotFound []string     `json:"not_found"`
		}{kind, nonNil(deleted), nonNil(missing)})
	}
	fmt.Fprintf(e.stdout, "deleted %d %s%s\n", len(deleted), kind, listed(deleted))
	if len(missing) > 0 {
		fmt.Fprintf(e.stdout, "%d not found%s\n", len(missing), listed(missing))
	}
	if len(deleted) == 0 {
		return fidelis.Errorf(fidelis.ENotFound, "none of the %d ids names a stored %s record", len(all), kind).
			WithHint("check the kind: the id of %s is %s", kind, fidelis.Schemas[kind].ID)
	}
	return nil
}

// gatherIDs merges ids given as arguments with those of a file (one per line, "-" for stdin),
// skipping blank lines and a first line equal to header, and drops repeats.
func gatherIDs(e *env, args []string, file, header string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		if id = strings.TrimSpace(id); id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, a := range args {
		add(a)
	}
	if file != "" {
		var r io.Reader = e.stdin
		if file != "-" {
			f, err := os.Open(file)
			if err != nil {
				return nil, fidelis.Errorf(fidelis.ENotFound, "--ids %s: %v", file, err)
			}
			defer f.Close()
			r = f
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for first := true; sc.Scan(); first = false {
			line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
			if first && fidelis.CleanName(line) == header {
				continue
			}
			add(line)
		}
		if err := sc.Err(); err != nil {
			return nil, fidelis.Errorf(fidelis.EInvalid, "--ids %s: %v", file, err)
		}
	}
	if len(out) == 0 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "no ids given").WithHint("--id ID (repeatable), ids as arguments, or --ids FILE with one id per line")
	}
	return out, nil
}

// rawOf maps ids back from their pseudonyms (mapped[i] is raw[i]'s), for messages.
func rawOf(raw, mapped, ids []string) []string {
	back := map[string]string{}
	for i := range raw {
		back[mapped[i]] = raw[i]
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = back[id]
	}
	return out
}

// notIn returns the items of all that are not in some, in all's order.
func notIn(all, some []string) []string {
	in := map[string]bool{}
	for _, s := range some {
		in[s] = true
	}
	var out []string
	for _, s := range all {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}

// listed formats up to 20 ids after a colon for a summary line.
func listed(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	if len(ids) > 20 {
		return ": " + strings.Join(ids[:20], ", ") + fmt.Sprintf(", … (%d more)", len(ids)-20)
	}
	return ": " + strings.Join(ids, ", ")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
