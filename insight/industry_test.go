package insight_test

import (
	"testing"

	"fidelis/insight"
)

// TestForIndustryWithoutOne: no industry means no industry's rows (only the industry-independent
// "all" rows), never every industry's.
func TestForIndustryWithoutOne(t *testing.T) {
	for _, b := range insight.ForIndustry(insight.Shipped(), "") {
		if b.Industry != "all" {
			t.Errorf("no industry declared, yet compared with %s (%s)", b.Industry, b.Source)
		}
	}
	seen := map[string]bool{}
	for _, b := range insight.ForIndustry(insight.Shipped(), "ecommerce, retail") {
		seen[b.Industry] = true
	}
	if !seen["ecommerce"] || !seen["retail"] || seen["banking"] || len(seen) > 3 {
		t.Errorf("ecommerce, retail: %v", seen)
	}
}
