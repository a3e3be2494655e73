package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"fidelis"
	"fidelis/server"
)

func init() {
	register("token", "create, list or revoke API tokens (token create --scope read,ingest --name NAME)", runToken)
}

func runToken(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list" && args[0] != "revoke") {
		return fidelis.Errorf(fidelis.EInvalid, "token: want create, list or revoke").WithHint("fidelis token create --scope read --name dashboard --db shop.duckdb")
	}
	sub := args[0]
	fs := newFlags(e, "token "+sub, "token create --scope read,ingest,admin [--name NAME] [--expires 90d] [--db PATH] | token list [--json] | token revoke ID|NAME")
	db := fs.String("db", defaultDB, "the store the tokens are for (they live in its path + .tokens)")
	file := fs.String("tokens", "", "tokens file (default: the store's path + .tokens)")
	scope := fs.String("scope", "", "create: comma-separated scopes: read (analyses, lists, dashboard), ingest (POST /v1/import), admin (forget, delete)")
	name := fs.String("name", "", "create: a name to recognise the token by (shop-sync, dashboard)")
	expires := fs.String("expires", "", "create: lifetime such as 90d, 12h (default: until revoked)")
	asJSON := fs.Bool("json", false, "list: print JSON")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if *file == "" {
		*file = server.TokensPath(beside(*db))
	}
	tokens, err := server.OpenTokens(*file)
	if err != nil {
		return err
	}
	now := time.Now()
	switch sub {
	case "create":
		scopes, err := server.ParseScopes(*scope)
		if err != nil {
			return err
		}
		var ttl time.Duration
		if *expires != "" {
			if ttl, err = parseLifetime(*expires); err != nil {
				return err
			}
		}
		t, secret, err := tokens.Create(*name, scopes, ttl, now)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, secret)
		exp := "never expires"
		if !t.Expires.IsZero() {
			exp = "expires " + t.Expires.Format(time.RFC3339)
		}
		fmt.Fprintf(e.stderr, "token %s (%s), scopes %s, %s; stored hashed in %s. This is the only time it is shown.\n",
			t.ID, t.Name, strings.Join(t.Scopes, ","), exp, *file)
		return nil
	case "list":
		list, err := tokens.List()
		if err != nil {
			return err
		}
		if *asJSON {
			type row struct {
				server.Token
				Status string `json:"status"`
			}
			out := make([]row, len(list))
			for i, t := range list {
				t.Hash = "" // the hash identifies a secret; the list need not show it
				out[i] = row{t, t.Status(now)}
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		}
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "id\tname\tscopes\tstatus\tcreated\texpires")
		for _, t := range list {
			exp := "never"
			if !t.Expires.IsZero() {
				exp = t.Expires.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, strings.Join(t.Scopes, ","), t.Status(now), t.Created.Format(time.RFC3339), exp)
		}
		return tw.Flush()
	default:
		if len(pos) != 1 {
			return fidelis.Errorf(fidelis.EInvalid, "token revoke: want one token id or name").WithHint("fidelis token list --db %s", *db)
		}
		t, err := tokens.Revoke(pos[0], now)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "token %s (%s) revoked; a running server refuses it within a second\n", t.ID, t.Name)
		return nil
	}
}

// parseLifetime reads 90d, 12h, 30m (days added to what time.ParseDuration knows).
func parseLifetime(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(d, "%d", &n); err == nil && n > 0 && fmt.Sprint(n) == d {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if v, err := time.ParseDuration(s); err == nil && v > 0 {
		return v, nil
	}
	return 0, fidelis.Errorf(fidelis.EInvalid, "--expires %q: want a lifetime such as 90d or 12h", s)
}
