package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fidelis"
	"fidelis/insight"
)

func init() {
	register("settings", "what the store declares about the business (industry, for benchmarks): settings [set NAME VALUE | unset NAME]", runSettings)
}

func runSettings(ctx context.Context, e *env, args []string) error {
	var sf storeFlags
	fs := newFlags(e, "settings", "settings [--db PATH] [set NAME VALUE | unset NAME]")
	sf.register(fs, "DuckDB store file")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	var name, value string
	switch {
	case len(pos) == 0:
	case pos[0] == "set" && len(pos) == 3:
		name, value = pos[1], strings.ToLower(strings.TrimSpace(pos[2]))
		if value == "" {
			return fidelis.Errorf(fidelis.EInvalid, "settings set %s: empty value", name).WithHint("fidelis settings unset %s", name)
		}
	case pos[0] == "unset" && len(pos) == 2:
		name = pos[1]
	default:
		return fidelis.Errorf(fidelis.EInvalid, "settings %s: want no argument, set NAME VALUE or unset NAME", strings.Join(pos, " ")).
			WithHint("fidelis settings set industry retail")
	}
	if name != "" && !slices.Contains(fidelis.Settings, name) {
		return fidelis.Errorf(fidelis.EInvalid, "unknown setting %q", name).WithHint("one of: %s", strings.Join(fidelis.Settings, ", "))
	}
	if name == fidelis.SettingIndustry && value != "" {
		if err := insight.CheckIndustry(insight.Shipped(), value); err != nil {
			return err
		}
	}
	if err := mustExist(ctx, sf, "fidelis import orders FILE --db "+sf.db+", or fidelis demo"); err != nil {
		return err
	}
	st, err := openStore(ctx, e, sf, name == "")
	if err != nil {
		return err
	}
	defer st.Close()
	if name != "" {
		return st.SetSetting(ctx, name, value)
	}
	for _, n := range fidelis.Settings {
		v, err := st.Setting(ctx, n)
		if err != nil {
			return err
		}
		if v == "" {
			v = "(not set)"
		}
		fmt.Fprintf(e.stdout, "%s\t%s\n", n, v)
	}
	return nil
}
