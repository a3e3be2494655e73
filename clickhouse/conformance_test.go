package clickhouse_test

import (
	"testing"

	"fidelis"
	"fidelis/clickhouse/chtest"
	"fidelis/storetest"
)

// TestConformance runs the whole conformance suite on a server and on the two-shard cluster.
func TestConformance(t *testing.T) {
	for _, m := range []struct {
		name    string
		cluster bool
	}{{"single", false}, {"cluster", true}} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel() // the servers are separate processes; most of the time is waiting on them
			storetest.Run(t, func(t *testing.T) fidelis.Store { return chtest.Open(t, m.cluster) })
		})
	}
}
