package report

import (
	"encoding/json"
	"io"

	"fidelis/internal/nanjson"
)

// JSON writes v as indented JSON with NaN and infinities as null (see package nanjson).
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(nanjson.Value(v))
}
