package duckdb_test

import (
	"context"
	"testing"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/storetest"
)

func openMemory(t *testing.T) fidelis.Store {
	st, err := duckdb.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestConformance(t *testing.T) { storetest.Run(t, openMemory) }
