package voc_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"fidelis/voc"
)

func TestLogOddsByHand(t *testing.T) {
	// A: "late late", "late box"  → late 3, box 1, n_a = 4.
	// B: "quick box", "quick box" → quick 2, box 2, n_b = 4.
	// Pooled n = 8 = α₀ (default), so α_w = pooled count: late 3, box 3, quick 2.
	// late:  δ = log(6/(4+8−3−3)) − log(3/(4+8−0−3)) = log 1 − log(1/3) = 1.098612;
	//        σ² = 1/6 + 1/3 = 0.5 → z = 1.098612/0.707107 = 1.553672.
	// quick: δ = log(2/(12−0−2)) − log(4/(12−2−2)) = log 0.2 − log 0.5 = −0.916291;
	//        σ² = 1/2 + 1/4 = 0.75 → z = −1.058041 (B side: +1.058041).
	// box:   δ = log(4/(12−1−3)) − log(5/(12−2−3)) = −0.693147 + 0.336472 = −0.356675;
	//        σ² = 1/4 + 1/5 = 0.45 → z = −0.531700 (B side: +0.531700).
	a := []voc.Comment{{Text: "late late"}, {Text: "Late box"}}
	b := []voc.Comment{{Text: "quick box"}, {Text: "quick, box"}}
	r, err := voc.Drivers(a, b, "a", "b", voc.DriverOptions{MinCount: 1, Examples: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Alpha0 != 8 || len(r.A.Terms) != 1 || len(r.B.Terms) != 2 {
		t.Fatalf("%+v", r)
	}
	near(t, "late z", r.A.Terms[0].Z, 1.553672, 1e-6)
	near(t, "late delta", r.A.Terms[0].Delta, 1.098612, 1e-6)
	near(t, "quick z", r.B.Terms[0].Z, 1.058041, 1e-6)
	near(t, "box z", r.B.Terms[1].Z, 0.531700, 1e-6)
	if r.B.Terms[1].Count != 2 || r.B.Terms[1].OtherCount != 1 || r.A.Terms[0].Docs != 2 {
		t.Errorf("counts: %+v", r.B.Terms[1])
	}
	if ex := r.A.Terms[0].Examples; len(ex) != 1 || ex[0] != "Late box" && ex[0] != "late late" {
		t.Errorf("examples %q", ex)
	}
	if !r.Small {
		t.Error("two comments a side should be small")
	}
}

// corpus is a synthetic language sample: filler stop words, neutral content words used by both
// groups, and two planted words for each group.
type corpus struct {
	lang              voc.Language
	stops, neutral    []string
	detractor, promot []string
}

var corpora = []corpus{
	{voc.English, strings.Fields("the and was it very but my with for this that not is of"),
		strings.Fields("order shop product price store app"),
		[]string{"delivery", "late"}, []string{"friendly", "quick"}},
	{voc.Polish, strings.Fields("się że to nie ale był bardzo jest na jak już tylko który"),
		strings.Fields("zamówienie sklep produkt cena aplikacja"),
		[]string{"przesyłka", "spóźniona"}, []string{"życzliwa", "szybką"}},
	{voc.Romanian, strings.Fields("și şi că este foarte dar nu pe la cu de pentru într"),
		strings.Fields("comanda magazin produsul prețul aplicația"),
		[]string{"coletul", "întârziată"}, []string{"amabilă", "mulțumit", "mulţumit"}},
	{voc.Latvian, strings.Fields("un ir ļoti bet kā tikai ar par uz jo vai"),
		strings.Fields("pasūtījums veikals produkts cena lietotne"),
		[]string{"piegāde", "kavējās"}, []string{"laipni", "ātri"}},
}

func (c corpus) comment(rng *rand.Rand, mine, theirs []string) string {
	var ws []string
	for k := 8 + rng.IntN(5); k > 0; k-- {
		if rng.Float64() < 0.6 {
			ws = append(ws, c.stops[rng.IntN(len(c.stops))])
		} else {
			ws = append(ws, c.neutral[rng.IntN(len(c.neutral))])
		}
	}
	for i, w := range mine[:2] {
		if rng.Float64() < 0.7 {
			if i == 1 && len(mine) > 2 && rng.IntN(2) == 0 { // cedilla spelling of the second word
				w = mine[2]
			}
			ws = append(ws, w)
		}
	}
	if rng.Float64() < 0.1 {
		ws = append(ws, theirs[rng.IntN(2)])
	}
	rng.Shuffle(len(ws), func(i, j int) { ws[i], ws[j] = ws[j], ws[i] })
	if rng.IntN(3) == 0 {
		ws[0] = strings.ToUpper(ws[0])
	}
	return strings.Join(ws, " ") + "!"
}

func TestPlantedDrivers(t *testing.T) {
	for _, c := range corpora {
		t.Run(string(c.lang), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(c.lang[0])<<8|uint64(c.lang[1])))
			var cs []voc.Comment
			for i := 0; i < 80; i++ {
				d, p := 3.0, 10.0
				cs = append(cs, voc.Comment{Text: c.comment(rng, c.detractor, c.promot), Lang: c.lang, Score: &d})
				cs = append(cs, voc.Comment{Text: c.comment(rng, c.promot, c.detractor), Lang: c.lang, Score: &p})
			}
			opt := voc.DefaultDriverOptions()
			opt.Top = 40
			r, skipped, err := voc.NPSDrivers(cs, opt)
			if err != nil || skipped != 0 {
				t.Fatal(err, skipped)
			}
			check := func(side voc.DriverSide, want []string) {
				got := map[string]bool{}
				for _, term := range side.Terms[:2] {
					got[term.Term] = true
				}
				for _, w := range want[:2] {
					if !got[voc.Normalize(w)] {
						t.Errorf("%s: top two %q %q, want %q", side.Label, side.Terms[0].Term, side.Terms[1].Term, want[:2])
					}
				}
				if side.Terms[0].Z < 3 || len(side.Terms[0].Examples) != 3 {
					t.Errorf("%s: weak top term %+v", side.Label, side.Terms[0])
				}
				for _, term := range side.Terms {
					for _, w := range strings.Fields(term.Term) {
						if voc.IsStopWord(w, c.lang) {
							t.Errorf("%s: stop word %q ranked (%q)", side.Label, w, term.Term)
						}
					}
				}
			}
			check(r.A, c.detractor)
			check(r.B, c.promot)
			t.Logf("%s: detractors %s %.1f, %s %.1f; promoters %s %.1f, %s %.1f", c.lang,
				r.A.Terms[0].Term, r.A.Terms[0].Z, r.A.Terms[1].Term, r.A.Terms[1].Z,
				r.B.Terms[0].Term, r.B.Terms[0].Z, r.B.Terms[1].Term, r.B.Terms[1].Z)
		})
	}
}

func TestNPSDriversRejectsBadScore(t *testing.T) {
	s := 12.0
	if _, _, err := voc.NPSDrivers([]voc.Comment{{Text: "x", Score: &s}}, voc.DriverOptions{}); err == nil {
		t.Error("score 12 accepted")
	}
	if _, err := voc.Drivers(nil, nil, "a", "b", voc.DriverOptions{Alpha0: math.NaN()}); err == nil {
		t.Error("NaN alpha0 accepted")
	}
}

// TestDriversDropSubsumedTerms: detractors write "not happy" (20 comments) and "late delivery"
// (5 of the 25 comments with "late"); promoters "happy" is absent, they write "great service".
// "not" and "happy" occur only inside "not happy" on the detractors' side, so the bigram is
// listed once in their place; "late" is in 25 comments of which "late delivery" covers 20%, so
// both stay (the shorter one says more than the phrase).
func TestDriversDropSubsumedTerms(t *testing.T) {
	var det, pro []voc.Comment
	add := func(cs *[]voc.Comment, n int, text string, score float64) {
		for range n {
			s := score
			*cs = append(*cs, voc.Comment{Text: text, Lang: voc.English, Score: &s})
		}
	}
	add(&det, 20, "not happy", 2)
	add(&det, 5, "late delivery", 2)
	add(&det, 20, "late again", 2)
	add(&pro, 60, "great service", 10)
	add(&pro, 10, "delivery fine", 10)
	r, err := voc.Drivers(det, pro, "detractors", "promoters", voc.DefaultDriverOptions())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, term := range r.A.Terms {
		seen[term.Term]++
	}
	if seen["not"]+seen["happy"] > 0 || seen["not happy"] != 1 {
		t.Errorf("detractor terms %v: want \"not happy\" once and neither of its parts", seen)
	}
	if seen["late"] != 1 {
		t.Errorf("detractor terms %v: \"late\" is used mostly outside \"late delivery\" and must stay", seen)
	}
}
