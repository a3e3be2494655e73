package duckdb

// ParseHolder exposes parseHolder to the external tests.
var ParseHolder = parseHolder
