// Package nanjson writes Go values as JSON with NaN and infinities as null: encoding/json refuses
// them, and a rate with an empty denominator is honestly "no value", not zero. It serves the
// report's output and the voc package's MarshalJSON methods alike.
package nanjson

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"time"
)

// Marshal is json.Marshal of Value(v).
func Marshal(v any) ([]byte, error) { return json.Marshal(Value(v)) }

var (
	timeType      = reflect.TypeOf(time.Time{})
	marshalerType = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	textType      = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

// Value rebuilds v as maps, slices and scalars, following json tags, with non-finite floats
// replaced by nil.
func Value(v any) any { return walk(reflect.ValueOf(v)) }

func walk(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	if t := v.Type(); t == timeType || t.Implements(marshalerType) || t.Implements(textType) {
		return v.Interface()
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return walk(v.Elem())
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		return f
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = walk(v.Index(i))
		}
		return out
	case reflect.Map:
		out := map[string]any{}
		it := v.MapRange()
		for it.Next() {
			out[toString(it.Key())] = walk(it.Value())
		}
		return out
	case reflect.Struct:
		out := map[string]any{}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
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
			fv := v.Field(i)
			if strings.Contains(opts, "omitempty") && fv.IsZero() {
				continue
			}
			if f.Anonymous && name == f.Name && fv.Kind() == reflect.Struct {
				for k, x := range walk(fv).(map[string]any) {
					out[k] = x
				}
				continue
			}
			out[name] = walk(fv)
		}
		return out
	}
	return v.Interface()
}

func toString(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	b, _ := json.Marshal(k.Interface())
	return strings.Trim(string(b), `"`)
}
