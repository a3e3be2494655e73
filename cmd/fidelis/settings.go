package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/insight"
)

func init() {
	register("settings", "what the store declares about the business (industry, for benchmarks) and a DuckDB store's memory (memory_limit, temp_directory): settings [set NAME VALUE | unset NAME]", runSettings)
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
		name, value = pos[1], strings.TrimSpace(pos[2])
		if name != fidelis.SettingTempDirectory {
			value = strings.ToLower(value)
		}
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
	if name == fidelis.SettingTempDirectory && value != "" {
		// The folder is used by whichever process opens the store next, from its own folder.
		if value, err = filepath.Abs(value); err != nil {
			return err
		}
	}
	if isClickHouse(sf.db) && (name == fidelis.SettingMemoryLimit || name == fidelis.SettingTempDirectory) {
		return fidelis.Errorf(fidelis.EInvalid, "%s applies to DuckDB stores only: a ClickHouse store's memory is the servers' own configuration", name).
			WithHint("max_server_memory_usage and tmp_path in the servers' config.xml")
	}
	if err := mustExist(ctx, sf, "fidelis import orders FILE --db "+sf.db+", or fidelis demo"); err != nil {
		return err
	}
	sf.defaultMemory = true
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
		switch {
		case v == "" && n == fidelis.SettingMemoryLimit && !isClickHouse(sf.db):
			v = "(not set: " + duckdb.DefaultMemoryLimit(sf.db) + " here: " + duckdb.DefaultMemoryLimitRule + ")"
		case v == "" && n == fidelis.SettingTempDirectory && !isClickHouse(sf.db):
			v = "(not set: " + os.TempDir() + ")"
		case v == "":
			v = "(not set)"
		}
		fmt.Fprintf(e.stdout, "%s\t%s\n", n, v)
	}
	return nil
}
