//go:build !unix

package main

import "os"

// childPeakKB is unknown here (see benchfit_unix.go).
func childPeakKB(*os.ProcessState) int64 { return 0 }
