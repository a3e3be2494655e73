package voc

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
)

// marshalNaN marshals the struct v field by field, in declaration order and under the json tag
// names, writing null for float64 fields that are NaN or ±Inf (encoding/json refuses them). Other
// fields go through encoding/json, so nested types with their own MarshalJSON are respected.
// Supports the tag options "-" and "omitempty" (for zero values).
func marshalNaN(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	var buf bytes.Buffer
	buf.WriteByte('{')
	first := true
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fv := rv.Field(i)
		if strings.Contains(opts, "omitempty") && fv.IsZero() {
			continue
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(name)
		buf.Write(k)
		buf.WriteByte(':')
		if fv.Kind() == reflect.Float64 {
			x := fv.Float()
			if math.IsNaN(x) || math.IsInf(x, 0) {
				buf.WriteString("null")
				continue
			}
		}
		b, err := json.Marshal(fv.Interface())
		if err != nil {
			return nil, err
		}
		buf.Write(b)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
