package btyd

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"runtime"
	"sync"
)

// readChunks cuts r into blocks of whole lines, about chunkSize bytes each, the first starting
// with carry (the first line of it numbered line), and hands them to one goroutine per worker:
// work(w, data, first) runs on worker w's goroutine, so per-worker state needs no lock. Once a
// worker's block fails, its later blocks (later lines) are skipped. It returns once every block
// is handled, with a read error or else the failure of the earliest line.
func readChunks(r io.Reader, carry []byte, line, workers int, work func(w int, data []byte, line int) *ParseError) (err error) {
	// Small enough that the few buffers in flight touch little fresh memory (a page fault per 4 KiB
	// is costly, see adviseHuge), large enough that handing one over costs nothing in comparison.
	const chunkSize = 256 << 10
	type chunk struct {
		data []byte // whole lines
		buf  []byte // the buffer to recycle once parsed
		line int    // line number of its first line
	}
	chunks := make(chan chunk, workers)
	free := make(chan []byte, workers+2)
	var wg sync.WaitGroup
	failed := make([]*ParseError, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				if failed[w] == nil {
					failed[w] = work(w, c.data, c.line)
				}
				select {
				case free <- c.buf:
				default:
				}
			}
		}()
	}
	defer func() {
		close(chunks)
		wg.Wait()
		if err != nil {
			return
		}
		var first *ParseError
		for _, e := range failed {
			if e != nil && (first == nil || e.Line < first.Line) {
				first = e
			}
		}
		if first != nil {
			err = first
		}
	}()
	for {
		var buf []byte
		select {
		case buf = <-free:
		default:
			buf = make([]byte, chunkSize+16<<10)
		}
		if need := len(carry) + chunkSize; cap(buf) < need {
			buf = make([]byte, need)
		}
		buf = buf[:cap(buf)]
		n := copy(buf, carry)
		k, e := io.ReadFull(r, buf[n:n+chunkSize])
		n += k
		eof := false
		if e != nil {
			if !errors.Is(e, io.EOF) && !errors.Is(e, io.ErrUnexpectedEOF) {
				return e
			}
			eof = true
		}
		cut := n
		if !eof {
			cut = bytes.LastIndexByte(buf[:n], '\n') + 1
		}
		if cut > 0 {
			c := chunk{data: buf[:cut], buf: buf, line: line}
			line += bytes.Count(c.data, []byte{'\n'})
			// The carry must be copied out before the buffer is handed to a worker and recycled.
			carry = append([]byte(nil), buf[cut:n]...)
			chunks <- c
		} else {
			carry = append([]byte(nil), buf[:n]...)
		}
		if eof {
			return nil
		}
	}
}

// SummarizeTransactions reads a transaction log (see ReadTransactions) and summarises it (see
// Summarize) in one pass: blocks of lines are parsed on every core and each purchase goes
// straight into its worker's purchase log (see purchaseLog), grouped by customer at the end. The
// result equals Summarize(ReadTransactions(r), o), errors included (the first bad line's
// *ParseError). Memory: 20 bytes per purchase kept (only those inside the periods summarised)
// and the customer ids.
func SummarizeTransactions(r io.Reader, o SummaryOptions) (*Summary, error) {
	if o.CalibrationEnd.IsZero() {
		return nil, errors.New("btyd: calibration end not set")
	}
	br := bufio.NewReaderSize(r, 64<<10)
	// The first non-blank line decides the layout; a data line is handed on with the rest.
	var ft *txFormat
	var carry []byte
	line := 0
	for ft == nil {
		l, err := br.ReadBytes('\n')
		if len(l) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return summarizeGroups(groupPurchases([]*purchaseLog{newPurchaseLog()}), o, newBounds(o)), nil
			}
			return nil, err
		}
		line++
		t := bytes.TrimSpace(l)
		if len(t) == 0 {
			continue
		}
		var header bool
		var perr *ParseError
		if ft, header, perr = newTxFormat(t, line); perr != nil {
			return nil, perr
		}
		if !header {
			carry, line = l, line-1
			if len(carry) > 0 && carry[len(carry)-1] != '\n' {
				carry = append(carry, '\n')
			}
		}
	}
	b := newBounds(o)
	workers := runtime.GOMAXPROCS(0)
	parts := make([]*purchaseLog, workers)
	for i := range parts {
		parts[i] = newPurchaseLog()
	}
	err := readChunks(br, carry, line+1, workers, func(w int, data []byte, line int) *ParseError {
		pl := parts[w]
		var f [][]byte
		for ; len(data) > 0; line++ {
			var l []byte
			if i := bytes.IndexByte(data, '\n'); i >= 0 {
				l, data = data[:i], data[i+1:]
			} else {
				l, data = data, nil
			}
			if l = bytes.TrimSpace(l); len(l) == 0 {
				continue
			}
			f = ft.split(l, f)
			id, t, amt, err := ft.parse(f, line)
			if err != nil {
				return err
			}
			if per, ok := b.keep(t); ok {
				add(pl, id, pa{per, amt})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return summarizeGroups(groupPurchases(parts), o, b), nil
}
