package btyd

import (
	"syscall"
	"unsafe"
)

// adviseHuge asks Linux to back the 2 MiB-aligned interior of a large, freshly made slice with
// transparent huge pages (where THP is in "madvise" mode, as on this project's machines, the Go
// heap gets 4 KiB pages). Fresh memory is costly on the virtual machines this runs on: the first
// touch of a page costs ~20 µs of CPU per 4 KiB (47 ms for 8 MiB on the 2-core test machine,
// most of it the host backing and zeroing the memory), and reading a 1M-line summary touches
// tens of MiB. Huge pages cut the faults (fit --input on 1M lines: 13.7k → 8.5k, CPU ~10% less);
// touching less memory helps more. The advice changes nothing else: the memory stays the Go
// heap's, zeroed and collected as usual; where the kernel cannot or will not, it is ignored.
func adviseHuge[T any](s []T) {
	const huge = 2 << 20
	if cap(s) == 0 {
		return
	}
	size := uintptr(cap(s)) * unsafe.Sizeof(s[:1][0])
	if size < 2*huge {
		return
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	beg := (p + huge - 1) &^ (huge - 1)
	end := (p + size) &^ (huge - 1)
	if end > beg {
		syscall.Syscall(syscall.SYS_MADVISE, beg, end-beg, 14) // MADV_HUGEPAGE; errors ignored
	}
}
