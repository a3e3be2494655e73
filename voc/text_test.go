package voc_test

import (
	"reflect"
	"testing"

	"fidelis/voc"
)

func TestNormalizeAndWords(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		// Lower-casing, numbers and punctuation dropped, apostrophe kept inside a word.
		{"The DELIVERY was 3 days late!!! Don’t order A4 paper.", []string{"the", "delivery", "was", "days", "late", "don't", "order", "paper"}},
		// Polish diacritics survive; upper case folded.
		{"ŻÓŁTA łódź, źle. Ćma ŚPI; ĄĘ Ń", []string{"żółta", "łódź", "źle", "ćma", "śpi", "ąę"}},
		// Romanian: cedilla ş ţ (U+015F, U+0163) normalised to comma-below ș ț; â î ă kept.
		{"Mulţumit ŞI întârziată, ţeapă și până", []string{"mulțumit", "și", "întârziată", "țeapă", "și", "până"}},
		// Decomposed input (s + U+0327 cedilla, a + U+0306 breve, z + U+0307 dot) composes.
		{"s\u0327i a\u0306 z\u0307o\u0301łw", []string{"și", "żółw"}},
		// Latvian: macrons, carons and cedillas.
		{"Ātri, laipni! ĶĒĶIS ģērbjas ļoti ņipri; Čaklā ŠŪŽĪ", []string{"ātri", "laipni", "ķēķis", "ģērbjas", "ļoti", "ņipri", "čaklā", "šūžī"}},
	}
	for _, c := range cases {
		if got := voc.Words(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTermsAndStopWords(t *testing.T) {
	uni, bi := voc.Terms("The late delivery was very late, delivery again.", voc.English, true)
	if want := []string{"late", "delivery", "late", "delivery"}; !reflect.DeepEqual(uni, want) {
		t.Errorf("unigrams %q, want %q", uni, want)
	}
	// "was very" breaks the run; the comma breaks "late, delivery".
	if want := []string{"late delivery"}; !reflect.DeepEqual(bi, want) {
		t.Errorf("bigrams %q, want %q", bi, want)
	}
	for lang, ws := range map[voc.Language][]string{
		voc.English:  {"the", "and", "was", "very"},
		voc.Polish:   {"się", "że", "jest", "ale", "bardzo", "który"},
		voc.Romanian: {"și", "şi", "că", "este", "foarte", "pentru", "într"},
		voc.Latvian:  {"un", "ir", "ļoti", "bet", "kā", "tikai"},
	} {
		for _, w := range ws {
			if !voc.IsStopWord(voc.Normalize(w), lang) || !voc.IsStopWord(voc.Normalize(w), voc.AnyLanguage) {
				t.Errorf("%s: %q should be a stop word", lang, w)
			}
		}
		if n := len(voc.StopWords(lang)); n < 150 {
			t.Errorf("%s: only %d stop words", lang, n)
		}
	}
	for _, w := range []string{"late", "delivery", "quick", "friendly", "spóźniona", "szybka", "întârziată", "amabil", "laipni", "ātri"} {
		if voc.IsStopWord(voc.Normalize(w), voc.AnyLanguage) {
			t.Errorf("%q must not be a stop word", w)
		}
	}
}

func TestNegationsAreNotStopWords(t *testing.T) {
	// "not happy" must keep its negation, or "happy" would become a detractor driver.
	for _, c := range []struct {
		w    string
		lang voc.Language
	}{{"not", voc.English}, {"never", voc.English}, {"nie", voc.Polish}, {"nu", voc.Romanian}, {"ne", voc.Latvian}, {"nav", voc.Latvian}} {
		if voc.IsStopWord(c.w, c.lang) {
			t.Errorf("%q is a stop word in %s", c.w, c.lang)
		}
	}
	if !voc.IsStopWord("the", voc.English) {
		t.Error("the should stay a stop word")
	}
}
