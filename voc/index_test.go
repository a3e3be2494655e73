package voc_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"fidelis/voc"
)

func TestAdvocacyIndexDefaults(t *testing.T) {
	// Defaults: trust 1–5, satisfaction 1–5, recommend 0–10, equal weights, ≥ 2/3 of the weight.
	//  a: trust 4 → 75, satisfaction 5 → 100, recommend 8 → 80        → (75+100+80)/3 = 85
	//  b: trust 2 → 25, satisfaction missing, recommend 10 → 100      → 2/3 answered → 62.5
	//  c: trust 5 only                                                → 1/3 < 2/3 → excluded
	//  d: 3, 3, 5 → 50, 50, 50                                        → 50
	//  e: satisfaction NaN counts as missing; trust 1 → 0 only        → excluded
	// Mean of 85, 62.5, 50 = 65.8333; Σx² = 13631.25; s² = (13631.25 − 3·65.8333²)/2 = 314.5833;
	// SE = sqrt(314.5833/3) = 10.240171; t(0.975; 2) = 4.302653 → ± 44.059876.
	cfg := voc.DefaultConfig().Advocacy
	in := []voc.Answers{
		{"a", map[string]float64{"trust": 4, "satisfaction": 5, "recommend": 8}},
		{"b", map[string]float64{"trust": 2, "recommend": 10, "unrelated": 99}},
		{"c", map[string]float64{"trust": 5}},
		{"d", map[string]float64{"trust": 3, "satisfaction": 3, "recommend": 5}},
		{"e", map[string]float64{"trust": 1, "satisfaction": math.NaN()}},
	}
	r, err := voc.ComputeIndex(cfg, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{85, 62.5, math.NaN(), 50, math.NaN()}
	for i, w := range want {
		near(t, "customer "+in[i].Customer, r.Customers[i].Value, w, 1e-9)
	}
	near(t, "b weight share", r.Customers[1].WeightShare, 2.0/3, 1e-12)
	if r.Included != 3 || r.Excluded != 2 || r.Mean.N != 3 || !r.Mean.Small {
		t.Errorf("included %d excluded %d n %d", r.Included, r.Excluded, r.Mean.N)
	}
	near(t, "mean", r.Mean.Value, 65.833333, 1e-5)
	near(t, "SE", r.Mean.SE, 10.240171, 1e-5)
	near(t, "low", r.Mean.Low, 65.833333-44.059876, 1e-4)
	if !strings.Contains(r.Definition, "no industry standard") {
		t.Errorf("definition: %s", r.Definition)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("JSON: %v", err)
	}
	if _, err := voc.ComputeIndex(cfg, []voc.Answers{{"x", map[string]float64{"trust": 6}}}); err == nil {
		t.Error("trust 6 on 1–5 accepted")
	}
}

func TestLoadConfigWeightsAndReverse(t *testing.T) {
	// Emotional index overridden: attachment 1–7 weight 3, detachment 1–5 reversed weight 1;
	// advocacy keeps its defaults.
	// Customer: attachment 7 → 100, detachment 2 → 25 → reversed 75 → (3·100 + 75)/4 = 93.75.
	// Only detachment answered: share 1/4 < 0.5 → excluded.
	js := `{"emotional": {"name": "ELI", "min_weight_share": 0.5, "items": [
		{"name": "attachment", "scale": "1–7", "weight": 3},
		{"name": "detachment", "scale": "1-5", "weight": 1, "reverse": true}]}}`
	c, err := voc.LoadConfig(strings.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Advocacy.Items) != 3 {
		t.Error("advocacy defaults lost")
	}
	v, ws, ok, err := c.Emotional.Score(map[string]float64{"attachment": 7, "detachment": 2})
	if err != nil || !ok || ws != 1 {
		t.Fatal(v, ws, ok, err)
	}
	near(t, "ELI", v, 93.75, 1e-12)
	if _, ws, ok, _ := c.Emotional.Score(map[string]float64{"detachment": 2}); ok || ws != 0.25 {
		t.Errorf("detachment only: ok %v share %v", ok, ws)
	}
	for _, bad := range []string{
		`{"emotional": {"name": "x", "min_weight_share": 0.5, "items": [{"name": "a", "scale": "1-4", "weight": 1}]}}`,
		`{"emotional": {"name": "x", "min_weight_share": 0.5, "items": [{"name": "a", "scale": "1-5", "weight": 0}]}}`,
		`{"emotional": {"name": "x", "min_weight_share": 0, "items": [{"name": "a", "scale": "1-5", "weight": 1}]}}`,
		`{"emotionall": {}}`,
	} {
		if _, err := voc.LoadConfig(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}
