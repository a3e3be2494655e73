//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
)

// childPeakKB is an exited child's peak resident memory in KiB (0 when unknown).
func childPeakKB(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss) / 1024 // bytes there
	}
	return int64(ru.Maxrss)
}
