package fidelis

import "context"

// SettingIndustry names the setting that declares the business's industry: one benchmark
// industry or several separated by commas ("ecommerce,retail"). Benchmarks compare the store's
// figures with that industry's published ones only; with none declared they compare with none
// (but the industry-independent rows), never with every industry.
const SettingIndustry = "industry"

// Settings lists the settings a store keeps, in display order.
var Settings = []string{SettingIndustry}

// SettingStore is the part of Store that keeps a few named facts about the business whose data
// the store holds.
type SettingStore interface {
	// Setting returns the value of the named setting, "" when it is not set.
	Setting(ctx context.Context, name string) (string, error)
	// SetSetting stores value under name; an empty value removes the setting.
	SetSetting(ctx context.Context, name, value string) error
}
