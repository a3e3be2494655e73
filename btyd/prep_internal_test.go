package btyd

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestGroupPurchases checks the in-place grouping against a map of slices, on three logs (as three
// reading workers leave them) that share customers, span several blocks and hold runs of one
// customer as well as scattered purchases: every customer gets exactly its purchases.
func TestGroupPurchases(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	want := map[string][]pa{}
	logs := []*purchaseLog{newPurchaseLog(), newPurchaseLog(), newPurchaseLog()}
	for i := range 3*(1<<purchaseBlockBits) + 777 {
		id := fmt.Sprintf("c%d", rng.IntN(5000))
		if i%3 == 0 {
			id = fmt.Sprintf("run%d", i/40) // runs of one customer
		}
		p := pa{int64(rng.IntN(900)), float64(i)}
		want[id] = append(want[id], p)
		logs[rng.IntN(3)].add(id, p)
	}
	g := groupPurchases(logs)
	if len(g.ids) != len(want) || g.off[len(g.ids)] != g.log.len() {
		t.Fatalf("%d customers, %d purchases; want %d customers", len(g.ids), g.log.len(), len(want))
	}
	byPA := func(a, b pa) int { return cmp.Or(cmp.Compare(a.p, b.p), cmp.Compare(a.amt, b.amt)) }
	var buf []pa
	for i, id := range g.ids {
		buf = g.purchases(i, buf)
		w := slices.Clone(want[id])
		slices.SortFunc(buf, byPA)
		slices.SortFunc(w, byPA)
		if !slices.Equal(buf, w) {
			t.Fatalf("customer %s: %d purchases %v…, want %d", id, len(buf), buf[:min(3, len(buf))], len(w))
		}
	}
}
