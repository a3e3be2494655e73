// Command pngsplit cuts a tall screenshot into parts of at most -h pixels, after trimming the
// empty rows below the page (rows the colour of the bottom-left pixel). It exists because
// Debian's ImageMagick policy refuses images taller than 16384 pixels.
//
//	go run ./scripts/pngsplit -h 1600 full.png OUTDIR
package main

import (
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"log"
	"os"
	"path/filepath"
)

func main() {
	h := flag.Int("h", 1600, "height of a part in pixels")
	flag.Parse()
	if flag.NArg() != 2 {
		log.Fatal("usage: pngsplit [-h 1600] full.png OUTDIR")
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Max.Y-1)
	bottom := b.Max.Y
	for ; bottom > b.Min.Y+1; bottom-- {
		blank := true
		for x := b.Min.X; x < b.Max.X && blank; x += 2 {
			blank = img.At(x, bottom-1) == bg
		}
		if !blank {
			break
		}
	}
	bottom = min(b.Max.Y, bottom+24)
	n := 0
	for y := b.Min.Y; y < bottom; y += *h {
		r := image.Rect(b.Min.X, y, b.Max.X, min(y+*h, bottom))
		part := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		draw.Draw(part, part.Bounds(), img, r.Min, draw.Src)
		out, err := os.Create(filepath.Join(flag.Arg(1), fmt.Sprintf("part_%02d.png", n)))
		if err != nil {
			log.Fatal(err)
		}
		if err := png.Encode(out, part); err != nil {
			log.Fatal(err)
		}
		out.Close()
		n++
	}
	fmt.Printf("%d parts, page height %d px\n", n, bottom-b.Min.Y)
}
