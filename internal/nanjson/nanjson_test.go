package nanjson_test

import (
	"math"
	"testing"

	"fidelis/internal/nanjson"
)

func TestNaNIsNull(t *testing.T) {
	type inner struct {
		V float64 `json:"v"`
	}
	type outer struct {
		A    float64            `json:"a"`
		B    float64            `json:"b,omitempty"`
		Skip string             `json:"-"`
		In   inner              `json:"in"`
		M    map[string]float64 `json:"m"`
		L    []float64          `json:"l"`
	}
	b, err := nanjson.Marshal(outer{A: math.NaN(), Skip: "x", In: inner{math.Inf(1)}, M: map[string]float64{"k": math.NaN()}, L: []float64{1, math.NaN()}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"a":null,"in":{"v":null},"l":[1,null],"m":{"k":null}}`; got != want {
		t.Errorf("%s, want %s", got, want)
	}
}
