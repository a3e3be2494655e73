package analysis

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"fidelis"
)

// shuffledFeatures is a store whose AdvocacyFeatures streams fixed rows in the order given
// (stores promise no order); every other method is absent.
type shuffledFeatures struct {
	fidelis.Store
	rows []fidelis.CustomerFeatures
}

func (s shuffledFeatures) AdvocacyFeatures(_ context.Context, _ fidelis.FeatureQuery, fn func(fidelis.CustomerFeatures) error) error {
	for _, r := range s.rows {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// The model inputs are in customer order (bytewise) whatever order the store streams them in, each
// row keeping its own features, label and score; order says where each came from in the stream.
func TestFeaturesInCustomerOrder(t *testing.T) {
	in := []fidelis.CustomerFeatures{
		{Customer: "c10", Orders: 3, Revenue: 30, Future: 1},
		{Customer: "C2", Orders: 1, Revenue: 10},
		{Customer: "c1", Orders: 2, Revenue: 20, Referrals: 4, Converted: 2},
		{Customer: "c9", Orders: 5, Revenue: 50, Future: 2},
	}
	var seen []string
	r, err := features(context.Background(), shuffledFeatures{rows: in}, time.Time{}, time.Time{}, 0, func(f fidelis.CustomerFeatures, _ []float64) {
		seen = append(seen, f.Customer)
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"C2", "c1", "c10", "c9"}; !slices.Equal(r.id, want) {
		t.Fatalf("ids %v, want %v", r.id, want)
	}
	if want := []string{"c10", "C2", "c1", "c9"}; !slices.Equal(seen, want) {
		t.Errorf("fn saw %v, want the store's order %v", seen, want)
	}
	if want := []int32{1, 2, 0, 3}; !slices.Equal(r.order, want) {
		t.Errorf("order %v, want %v", r.order, want)
	}
	if want := []bool{false, false, true, true}; !slices.Equal(r.y, want) {
		t.Errorf("labels %v, want %v", r.y, want)
	}
	for i, j := range r.order {
		var w rows
		w.add(in[j])
		if !slices.Equal(r.x[i], w.x[0]) || r.score[i] != w.score[0] {
			t.Errorf("row %d (%s): features %v score %v, want %v %v", i, r.id[i], r.x[i], r.score[i], w.x[0], w.score[0])
		}
	}
	// Already in customer order: nothing moves.
	sorted, err := features(context.Background(), shuffledFeatures{rows: []fidelis.CustomerFeatures{in[1], in[2], in[0]}}, time.Time{}, time.Time{}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sorted.order != nil || !slices.Equal(sorted.id, []string{"C2", "c1", "c10"}) {
		t.Errorf("sorted input: order %v ids %v", sorted.order, sorted.id)
	}
}

func BenchmarkByCustomer(b *testing.B) {
	ids := make([]string, 1_000_000)
	for i := range ids {
		ids[i] = fmt.Sprintf("C%07d", (i*7919)%len(ids))
	}
	for b.Loop() {
		byCustomer(len(ids), func(i int) string { return ids[i] })
	}
}

// byCustomer orders ids as their bytes do, also where the first eight bytes (its quick key) are
// equal, where one id is a prefix of another and where ids hold zero bytes.
func TestByCustomerBytewise(t *testing.T) {
	ids := []string{"C0000002", "C00000021", "C0000002\x00", "C000000", "", "\x00", "b", "B", "C00000020", "Ä", "C0000001zz", "C0000001z"}
	idx := byCustomer(len(ids), func(i int) string { return ids[i] })
	got := make([]string, len(idx))
	for i, j := range idx {
		got[i] = ids[j]
	}
	want := slices.Clone(ids)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
}
