package voc

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"

	"fidelis"
)

// Composite indices. No industry standard defines a "Customer Advocacy Index" or an "Emotional
// Loyalty Index": vendors and consultancies each publish their own items, weights and scales, and
// their numbers are not comparable with ours or with each other. Fidelis defines them as follows.
//
// For one customer, each answered item i (answer x on scale min..max) is rescaled to 0–100,
//
//	r_i = 100 · (x − min)/(max − min),  or 100 − r_i for a reverse-worded item,
//
// and the index is the weighted mean over the answered items, the weights renormalised:
//
//	I = Σ_answered w_i·r_i / Σ_answered w_i.
//
// Missing items: an item is missing when the customer has no answer (absent key or NaN). The
// customer gets an index only if the answered items carry at least MinWeightShare of the total
// weight, Σ_answered w_i / Σ_all w_i ≥ MinWeightShare; otherwise the customer is excluded and
// counted in Excluded with the reason. The population index is the mean of the included customers'
// indices with a 95% Student's t interval (each customer counts once).

// Item is one survey question in a composite index: its Name (the key in a customer's answers),
// the Scale it is asked on ("1-5", "0-10", ...; see ParseScale), its Weight (> 0; only ratios
// matter) and whether it is Reverse-worded (agreement means less loyalty).
type Item struct {
	Name    string  `json:"name"`
	Scale   string  `json:"scale"`
	Weight  float64 `json:"weight"`
	Reverse bool    `json:"reverse,omitempty"`
}

// IndexConfig defines one composite index: its Name, Items, and MinWeightShare, the least share of
// the total item weight a customer must have answered to get an index (0 < MinWeightShare ≤ 1).
type IndexConfig struct {
	Name           string  `json:"name"`
	Items          []Item  `json:"items"`
	MinWeightShare float64 `json:"min_weight_share"`
}

// Config holds the two composite indices. DefaultConfig documents the defaults; LoadConfig reads
// overrides from JSON.
type Config struct {
	Advocacy  IndexConfig `json:"advocacy"`
	Emotional IndexConfig `json:"emotional"`
}

// DefaultConfig returns Fidelis' defaults:
//
// Customer Advocacy Index ("advocacy"): three equally weighted items —
// "trust" (1-5, "I trust <brand> to do right by me"), "satisfaction" (1-5, overall satisfaction)
// and "recommend" (0-10, the NPS likelihood-to-recommend question) — each rescaled to 0–100.
//
// Emotional Loyalty Index ("emotional"): three equally weighted 1-7 agreement items —
// "attachment" ("I feel emotionally attached to <brand>"), "belonging" ("I feel I belong with
// <brand>'s customers") and "identification" ("<brand> reflects who I am").
//
// Both require answers to at least 2/3 of the weight (two of three items).
func DefaultConfig() Config {
	return Config{
		Advocacy: IndexConfig{Name: "Customer Advocacy Index", MinWeightShare: 2.0 / 3, Items: []Item{
			{Name: "trust", Scale: "1-5", Weight: 1},
			{Name: "satisfaction", Scale: "1-5", Weight: 1},
			{Name: "recommend", Scale: "0-10", Weight: 1},
		}},
		Emotional: IndexConfig{Name: "Emotional Loyalty Index", MinWeightShare: 2.0 / 3, Items: []Item{
			{Name: "attachment", Scale: "1-7", Weight: 1},
			{Name: "belonging", Scale: "1-7", Weight: 1},
			{Name: "identification", Scale: "1-7", Weight: 1},
		}},
	}
}

// LoadConfig reads a Config from JSON, starting from DefaultConfig: an index absent from the JSON
// keeps its defaults, an index present replaces them entirely. The result is validated.
func LoadConfig(r io.Reader) (Config, error) {
	c := DefaultConfig()
	var raw struct {
		Advocacy  *IndexConfig `json:"advocacy"`
		Emotional *IndexConfig `json:"emotional"`
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return Config{}, fidelis.Errorf(fidelis.EInvalid, "index config: %v", err)
	}
	if raw.Advocacy != nil {
		c.Advocacy = *raw.Advocacy
	}
	if raw.Emotional != nil {
		c.Emotional = *raw.Emotional
	}
	for _, ic := range []IndexConfig{c.Advocacy, c.Emotional} {
		if err := ic.Validate(); err != nil {
			return Config{}, err
		}
	}
	return c, nil
}

// Validate checks that the index has items with distinct names, supported scales and positive
// weights, and a MinWeightShare in (0, 1].
func (c IndexConfig) Validate() error {
	if len(c.Items) == 0 {
		return fidelis.Errorf(fidelis.EInvalid, "index %q has no items", c.Name)
	}
	if !(c.MinWeightShare > 0 && c.MinWeightShare <= 1) {
		return fidelis.Errorf(fidelis.EInvalid, "index %q: min_weight_share %v not in (0, 1]", c.Name, c.MinWeightShare)
	}
	seen := map[string]bool{}
	for _, it := range c.Items {
		if seen[it.Name] || it.Name == "" {
			return fidelis.Errorf(fidelis.EInvalid, "index %q: item name %q empty or repeated", c.Name, it.Name)
		}
		seen[it.Name] = true
		if _, err := ParseScale(it.Scale); err != nil {
			return fmt.Errorf("index %q item %q: %w", c.Name, it.Name, err)
		}
		if !(it.Weight > 0) || math.IsInf(it.Weight, 0) {
			return fidelis.Errorf(fidelis.EInvalid, "index %q item %q: weight %v must be positive", c.Name, it.Name, it.Weight)
		}
	}
	return nil
}

// Rescale maps answer x on scale s to 0–100: 100·(x − min)/(max − min). Off-scale or
// non-integer answers are an error.
func Rescale(s Scale, x float64) (float64, error) {
	if math.IsNaN(x) || x != math.Trunc(x) || x < float64(s.Min) || x > float64(s.Max) {
		return 0, fidelis.Errorf(fidelis.EInvalid, "answer %v is not an integer on scale %s", x, s)
	}
	return 100 * (x - float64(s.Min)) / float64(s.Max-s.Min), nil
}

// Score returns one customer's index from their answers (item name → raw answer; NaN or absent
// means not answered; keys that are not items of this index are ignored), the share of the total
// weight answered, and ok = false when that share is below MinWeightShare. An off-scale answer is
// an error. See the package comment on composite indices for the definition.
func (c IndexConfig) Score(answers map[string]float64) (value, weightShare float64, ok bool, err error) {
	var total, got, sum float64
	for _, it := range c.Items {
		total += it.Weight
		x, present := answers[it.Name]
		if !present || math.IsNaN(x) {
			continue
		}
		s, err := ParseScale(it.Scale)
		if err != nil {
			return 0, 0, false, err
		}
		r, err := Rescale(s, x)
		if err != nil {
			return 0, 0, false, fmt.Errorf("item %q: %w", it.Name, err)
		}
		if it.Reverse {
			r = 100 - r
		}
		got += it.Weight
		sum += it.Weight * r
	}
	if total == 0 {
		return math.NaN(), 0, false, fidelis.Errorf(fidelis.EInvalid, "index %q has no items", c.Name)
	}
	weightShare = got / total
	if got == 0 || weightShare < c.MinWeightShare-1e-12 {
		return math.NaN(), weightShare, false, nil
	}
	return sum / got, weightShare, true, nil
}

// Answers is one customer's answers to index items: item name → raw answer on the item's scale.
type Answers struct {
	Customer string             `json:"customer"`
	Values   map[string]float64 `json:"values"`
}

// CustomerIndex is one customer's index value (0–100; NaN/null when excluded), the share of the
// item weight they answered, and whether they were included.
type CustomerIndex struct {
	Customer    string  `json:"customer"`
	Value       float64 `json:"value"`
	WeightShare float64 `json:"weight_share"`
	Included    bool    `json:"included"`
}

// MarshalJSON writes an excluded customer's NaN value as null.
func (c CustomerIndex) MarshalJSON() ([]byte, error) {
	type plain CustomerIndex
	return marshalNaN(plain(c))
}

// IndexResult is a composite index over a population: per-customer values (in input order), the
// population Mean with its 95% t interval over the Included customers, and Excluded, the number
// of customers who answered less than MinWeightShare of the weight. Definition states the rule.
type IndexResult struct {
	Name       string          `json:"name"`
	Definition string          `json:"definition"`
	Mean       Estimate        `json:"mean"`
	Included   int             `json:"included"`
	Excluded   int             `json:"excluded"`
	Customers  []CustomerIndex `json:"customers"`
}

// ComputeIndex scores every customer with cfg.Score and averages the included ones. An invalid
// config or an off-scale answer is an error naming the customer.
func ComputeIndex(cfg IndexConfig, answers []Answers) (IndexResult, error) {
	if err := cfg.Validate(); err != nil {
		return IndexResult{}, err
	}
	r := IndexResult{Name: cfg.Name, Definition: cfg.definition(), Customers: make([]CustomerIndex, 0, len(answers))}
	var n int64
	var s, s2 float64
	for _, a := range answers {
		v, ws, ok, err := cfg.Score(a.Values)
		if err != nil {
			return IndexResult{}, fmt.Errorf("customer %q: %w", a.Customer, err)
		}
		r.Customers = append(r.Customers, CustomerIndex{Customer: a.Customer, Value: v, WeightShare: ws, Included: ok})
		if !ok {
			r.Excluded++
			continue
		}
		r.Included++
		n++
		s += v
		s2 += v * v
	}
	r.Mean = MeanT(n, s, s2)
	return r, nil
}

func (c IndexConfig) definition() string {
	items := make([]Item, len(c.Items))
	copy(items, c.Items)
	sort.SliceStable(items, func(i, j int) bool { return items[i].Name < items[j].Name })
	var total float64
	for _, it := range items {
		total += it.Weight
	}
	d := "weighted mean of items rescaled to 0-100 ("
	for i, it := range items {
		if i > 0 {
			d += ", "
		}
		rev := ""
		if it.Reverse {
			rev = ", reversed"
		}
		d += fmt.Sprintf("%s on %s weight %.3g%s", it.Name, it.Scale, it.Weight/total, rev)
	}
	return d + fmt.Sprintf("); weights renormalised over answered items; customers answering under %.0f%% of the weight excluded; Fidelis definition, no industry standard", 100*c.MinWeightShare)
}
