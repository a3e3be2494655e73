package scenario_test

import (
	"math"
	"testing"

	"fidelis/scenario"
)

func TestValueByHand(t *testing.T) {
	// 100 active, r = 0.8, m = 10, d = 0: 100·10·(0.8 + 0.64 + 0.512) = 1952.
	if v := scenario.Value(100, 0.8, 10, 0, 3); math.Abs(v-1952) > 1e-9 {
		t.Errorf("value %v, want 1952", v)
	}
	// With d = 0.25 each factor is 0.8/1.25 = 0.64: 100·10·(0.64 + 0.4096) = 1049.6.
	if v := scenario.Value(100, 0.8, 10, 0.25, 2); math.Abs(v-1049.6) > 1e-9 {
		t.Errorf("discounted value %v, want 1049.6", v)
	}
}

func TestRetentionScenarioByHand(t *testing.T) {
	b := scenario.Base{Active: 1000, Retention: 0.80, RevenuePerActive: 50, Period: "month"}
	// Baseline 1000·50·(0.8 + 0.64) = 72,000; with +5 points r = 0.85: 1000·50·(0.85 + 0.7225) = 78,625.
	r, err := scenario.Retention(b, 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Baseline-72000) > 1e-6 || math.Abs(r.Scenario-78625) > 1e-6 || math.Abs(r.Gain-6625) > 1e-6 {
		t.Errorf("%+v", r)
	}
	if math.Abs(r.BaselineCLV-72) > 1e-9 || math.Abs(r.ScenarioCLV-78.625) > 1e-9 || len(r.Assumptions) < 4 {
		t.Errorf("CLV %v → %v, assumptions %v", r.BaselineCLV, r.ScenarioCLV, r.Assumptions)
	}
	// Retention is capped at 100%.
	if r, _ := scenario.Retention(b, 50, 1); math.Abs(r.Scenario-50000) > 1e-6 {
		t.Errorf("cap: %v", r.Scenario)
	}
	if _, err := scenario.Retention(scenario.Base{}, 5, 12); err == nil {
		t.Error("an empty base must be an error")
	}
}

func TestFrequencyAndDetractors(t *testing.T) {
	b := scenario.Base{Active: 1000, Retention: 0.80, RevenuePerActive: 50, Period: "month"}
	// +10% frequency: 72,000 → 79,200.
	f, _ := scenario.Frequency(b, 10, 2)
	if math.Abs(f.Gain-7200) > 1e-6 {
		t.Errorf("frequency gain %v", f.Gain)
	}
	// 200 detractors worth 40 each, 300 passives worth 90: −10% detractors moves 20 people,
	// gain 20·(90 − 40) = 1000 on a baseline of 200·40 + 300·90 = 35,000.
	d, err := scenario.Detractors(b, scenario.Classes{Detractors: 200, Passives: 300, DetractorCLV: 40, PassiveCLV: 90}, 10, 12)
	if err != nil || math.Abs(d.Gain-1000) > 1e-9 || math.Abs(d.Baseline-35000) > 1e-9 {
		t.Errorf("detractors %+v %v", d, err)
	}
}

// TopRisk by hand: risks 0.8 and 0.5 fall by 20% to 0.64 and 0.4; values 400 and 100. Baseline
// kept 0.2·400 + 0.5·100 = 130, scenario 0.36·400 + 0.6·100 = 204, gain 74; a rise is capped at 1.
func TestTopRisk(t *testing.T) {
	cs := []scenario.AtRisk{{Risk: 0.8, Value: 400}, {Risk: 0.5, Value: 100}}
	r, err := scenario.TopRisk(cs, -20, 12, []string{"source"})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Baseline-130) > 1e-9 || math.Abs(r.Scenario-204) > 1e-9 || math.Abs(r.Gain-74) > 1e-9 || r.Assumptions[0] != "source" {
		t.Errorf("%+v", r)
	}
	r, _ = scenario.TopRisk(cs, 50, 12, nil) // 0.8 → 1 (capped), 0.5 → 0.75
	if math.Abs(r.Scenario-25) > 1e-9 {
		t.Errorf("capped: %+v", r)
	}
	if _, err := scenario.TopRisk(cs, -150, 12, nil); err == nil {
		t.Error("a fall of 150% accepted")
	}
	if _, err := scenario.TopRisk(nil, -20, 12, nil); err == nil {
		t.Error("no customers accepted")
	}
}
