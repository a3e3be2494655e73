package main

import (
	"context"
	"fmt"

	"fidelis"
	"fidelis/report"
)

func init() {
	register("forget", "erase customers and every record naming them (GDPR Art. 17), leaving no trace in the store file", runForget)
}

func runForget(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "forget", "forget CUSTOMER_ID... [--ids FILE] [--db PATH] [--wait 30s] [--pseudonymise] [--json]")
	var sf storeFlags
	sf.register(fs, "DuckDB store file")
	idsFile := fs.String("ids", "", "file with one customer id per line (- for stdin); a first line customer_id is a header")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	var pf pseudonymFlags
	pf.register(fs, "the ids given are raw ids of a pseudonymised store")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	ids, err := gatherIDs(e, pos, *idsFile, "customer_id")
	if err != nil {
		return err
	}
	key, err := pf.key()
	if err != nil {
		return err
	}
	raw := ids
	ids = pseudonyms(key, ids)
	st, err := openStore(ctx, e, sf, false)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := st.Forget(ctx, ids)
	if err != nil {
		return err
	}
	r.NotFound = rawOf(raw, ids, r.NotFound)
	var total int64
	for _, n := range r.Removed {
		total += n
	}
	if *asJSON {
		return report.JSON(e.stdout, struct {
			Customers  int                    `json:"customers_requested"`
			Removed    map[fidelis.Kind]int64 `json:"removed"`
			Attributes int64                  `json:"attributes_removed"`
			NotFound   []string               `json:"not_found"`
			Reclaimed  bool                   `json:"file_rewritten"`
		}{len(ids), r.Removed, r.Attributes, nonNil(r.NotFound), r.Reclaimed})
	}
	fmt.Fprintf(e.stdout, "forgot %d of %d customers: removed %d records\n", len(ids)-len(r.NotFound), len(ids), total)
	for _, k := range fidelis.Kinds {
		if n := r.Removed[k]; n > 0 {
			fmt.Fprintf(e.stdout, "  %-13s %d\n", k, n)
		}
	}
	if r.Attributes > 0 {
		fmt.Fprintf(e.stdout, "  %-13s %d\n", "attributes", r.Attributes)
	}
	if len(r.NotFound) > 0 {
		fmt.Fprintf(e.stdout, "no record names %d of them%s\n", len(r.NotFound), listed(r.NotFound))
	}
	switch {
	case r.Reclaimed && isClickHouse(sf.db):
		fmt.Fprintf(e.stdout, "%s: the parts that held the removed records are deleted from the servers' disks\n", sf.db)
	case r.Reclaimed:
		fmt.Fprintf(e.stdout, "%s rewritten: the removed records' bytes are gone from the file\n", sf.db)
	case isClickHouse(sf.db) && total > 0:
		fmt.Fprintf(e.stdout, "%s: the replaced parts that held the removed records were still on the servers' disks after a minute; ClickHouse deletes them later (old_parts_lifetime)\n", sf.db)
	}
	fmt.Fprintf(e.stdout, "erasure log: %d entries (a salted hash of each id and the time; no id is kept)\n", len(ids))
	return nil
}
