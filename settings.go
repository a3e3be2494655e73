package fidelis

import "context"

// SettingIndustry names the setting that declares the business's industry: one benchmark
// industry or several separated by commas ("ecommerce,retail"). Benchmarks compare the store's
// figures with that industry's published ones only; with none declared they compare with none
// (but the industry-independent rows), never with every industry.
const SettingIndustry = "industry"

// SettingMemoryLimit names the most memory an embedded (DuckDB) store's engine may hold for its
// caches and queries in one process, as DuckDB writes sizes ("2GiB", "1.5GB", "800MiB"). Above
// it DuckDB spills sorts, aggregates and joins to SettingTempDirectory. Unset, a DuckDB store
// uses 1 GiB or three times its file, whichever is larger (duckdb.DefaultMemoryLimit says why). A
// ClickHouse store has no such setting of ours: its memory is the servers' configuration.
const SettingMemoryLimit = "memory_limit"

// SettingTempDirectory names the folder where an embedded (DuckDB) store spills what exceeds
// SettingMemoryLimit; each process uses a folder of its own inside it, removed on close. Unset,
// the system's temporary folder ($TMPDIR, else /tmp).
const SettingTempDirectory = "temp_directory"

// Settings lists the settings a store keeps, in display order.
var Settings = []string{SettingIndustry, SettingMemoryLimit, SettingTempDirectory}

// SettingStore is the part of Store that keeps a few named facts about the business whose data
// the store holds.
type SettingStore interface {
	// Setting returns the value of the named setting, "" when it is not set.
	Setting(ctx context.Context, name string) (string, error)
	// SetSetting stores value under name; an empty value removes the setting.
	SetSetting(ctx context.Context, name, value string) error
}
