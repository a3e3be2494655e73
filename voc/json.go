package voc

import "fidelis/internal/nanjson"

// marshalNaN marshals v (a method-less copy of a result type) with NaN and infinities as null, so
// that every result of this package can go through encoding/json directly.
func marshalNaN(v any) ([]byte, error) { return nanjson.Marshal(v) }
