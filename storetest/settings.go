package storetest

import (
	"context"
	"testing"

	"fidelis"
)

func init() { AddCase("Settings", testSettings) }

// testSettings: unset is "", a value replaces the previous one, an empty value removes it.
func testSettings(t *testing.T, st fidelis.Store) {
	defer st.Close()
	ctx := context.Background()
	for _, step := range []struct{ set, want string }{{"", ""}, {"retail", "retail"}, {"ecommerce,retail", "ecommerce,retail"}, {"", ""}} {
		if step.set != "" || step.want == "" {
			if err := st.SetSetting(ctx, fidelis.SettingIndustry, step.set); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := st.Setting(ctx, fidelis.SettingIndustry); err != nil || got != step.want {
			t.Errorf("after setting %q: %q, %v; want %q", step.set, got, err, step.want)
		}
	}
}
