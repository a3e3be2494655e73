//go:build !linux

package btyd

// adviseHuge is Linux's transparent huge page advice (see huge_linux.go); elsewhere nothing.
func adviseHuge[T any](s []T) {}
