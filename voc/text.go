package voc

import (
	"strings"
	"sync"
	"unicode"
)

// Language selects a stop-word list: English, Polish, Romanian or Latvian by ISO 639-1 code.
// AnyLanguage ("") uses the union of all four lists, for mixed or unlabelled comments; an
// unsupported code also falls back to the union.
type Language string

// Supported languages.
const (
	AnyLanguage Language = ""
	English     Language = "en"
	Polish      Language = "pl"
	Romanian    Language = "ro"
	Latvian     Language = "lv"
)

// combining maps (base letter, combining mark) to the precomposed lower-case letter, for text that
// arrives decomposed (NFD). It covers the marks used by Polish, Romanian and Latvian. The cedilla
// on s and t composes to the comma-below letters ș ț (see Normalize).
var combining = map[[2]rune]rune{
	{'a', '\u0328'}: 'ą', {'e', '\u0328'}: 'ę', // ogonek
	{'c', '\u0301'}: 'ć', {'n', '\u0301'}: 'ń', {'o', '\u0301'}: 'ó', {'s', '\u0301'}: 'ś', {'z', '\u0301'}: 'ź',
	{'e', '\u0301'}: 'é', {'a', '\u0301'}: 'á', // acute
	{'z', '\u0307'}: 'ż',                       // dot above
	{'a', '\u0306'}: 'ă',                       // breve
	{'a', '\u0302'}: 'â', {'i', '\u0302'}: 'î', // circumflex
	{'s', '\u0326'}: 'ș', {'t', '\u0326'}: 'ț', // comma below
	{'s', '\u0327'}: 'ș', {'t', '\u0327'}: 'ț', // cedilla, normalised to comma below
	{'k', '\u0327'}: 'ķ', {'l', '\u0327'}: 'ļ', {'n', '\u0327'}: 'ņ', {'g', '\u0327'}: 'ģ', {'c', '\u0327'}: 'ç',
	{'a', '\u0304'}: 'ā', {'e', '\u0304'}: 'ē', {'i', '\u0304'}: 'ī', {'u', '\u0304'}: 'ū', {'o', '\u0304'}: 'ō', // macron
	{'c', '\u030C'}: 'č', {'s', '\u030C'}: 'š', {'z', '\u030C'}: 'ž', // caron
}

// foldRune lower-cases r and maps the Romanian cedilla letters ş ţ (U+015F, U+0163, often typed
// for want of a Romanian keyboard) to the correct comma-below letters ș ț (U+0219, U+021B).
func foldRune(r rune) rune {
	r = unicode.ToLower(r)
	switch r {
	case 'ş':
		return 'ș'
	case 'ţ':
		return 'ț'
	case '’', 'ʼ', '`':
		return '\''
	}
	return r
}

// Normalize lower-cases s, composes letter + combining mark sequences for the letters of the four
// supported languages (so decomposed input matches precomposed input), maps the cedilla ş ţ to
// comma-below ș ț, maps typographic apostrophes to ', and drops other combining marks.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune = -1
	flush := func() {
		if prev >= 0 {
			b.WriteRune(prev)
		}
		prev = -1
	}
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			if prev >= 0 {
				if c, ok := combining[[2]rune{prev, r}]; ok {
					prev = foldRune(c)
				}
			}
			continue // unknown marks are dropped
		}
		flush()
		prev = foldRune(r)
	}
	flush()
	return b.String()
}

// word is one token of a comment; brk marks that a punctuation mark, number or stop word came
// between it and the previous content word, so no bigram spans the two.
type word struct {
	text string
	brk  bool
}

// words splits normalised text into words: maximal runs of letters, with an apostrophe kept when
// it sits between two letters (don't). Runs containing a digit are numbers and are dropped.
// Single-letter words are dropped. Anything other than a space between words (punctuation,
// digits) sets brk on the next word.
func words(text string) []word {
	s := []rune(Normalize(text))
	var out []word
	brk := true
	for i := 0; i < len(s); {
		r := s[i]
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			if !unicode.IsSpace(r) {
				brk = true
			}
			i++
			continue
		}
		j, digit := i, false
		for j < len(s) {
			c := s[j]
			if unicode.IsLetter(c) {
				j++
			} else if unicode.IsDigit(c) || unicode.IsNumber(c) {
				digit = true
				j++
			} else if c == '\'' && j > i && j+1 < len(s) && unicode.IsLetter(s[j+1]) {
				j++
			} else {
				break
			}
		}
		w := string(s[i:j])
		i = j
		if digit || len([]rune(w)) < 2 {
			brk = true
			continue
		}
		out = append(out, word{w, brk})
		brk = false
	}
	return out
}

// Words returns the normalised words of text (see Normalize) without removing stop words:
// lower-cased runs of letters, numbers and punctuation dropped, single letters dropped.
func Words(text string) []string {
	ws := words(text)
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.text
	}
	return out
}

// Tokens returns the content words of text in lang: Words minus the stop words of lang.
func Tokens(text string, lang Language) []string {
	var out []string
	for _, w := range words(text) {
		if !IsStopWord(w.text, lang) {
			out = append(out, w.text)
		}
	}
	return out
}

// Terms returns the unigrams of text in lang (content words, see Tokens) and, when bigrams is
// true, its bigrams: two content words adjacent in the text, joined by a space. A stop word,
// number or punctuation mark between two words prevents a bigram ("delivery was late" gives no
// bigram; "late delivery" gives "late delivery").
func Terms(text string, lang Language, bigrams bool) (unigrams, bigramList []string) {
	prev := ""
	for _, w := range words(text) {
		if IsStopWord(w.text, lang) {
			prev = ""
			continue
		}
		unigrams = append(unigrams, w.text)
		if bigrams && prev != "" && !w.brk {
			bigramList = append(bigramList, prev+" "+w.text)
		}
		prev = w.text
	}
	return unigrams, bigramList
}

// IsStopWord reports whether the normalised word w is a stop word of lang (of any of the four
// languages for AnyLanguage or an unsupported code).
func IsStopWord(w string, lang Language) bool {
	if m, ok := stopSets()[lang]; ok {
		return m[w]
	}
	return stopSets()[AnyLanguage][w]
}

// StopWords returns the stop-word list of lang (normalised, sorted order not guaranteed), or the
// union of all four for AnyLanguage.
func StopWords(lang Language) []string {
	m, ok := stopSets()[lang]
	if !ok {
		m = stopSets()[AnyLanguage]
	}
	out := make([]string, 0, len(m))
	for w := range m {
		out = append(out, w)
	}
	return out
}

// negations are kept out of the stop lists although they are function words: "not happy",
// "nie polecam", "nu recomand", "ne iesaku" carry the complaint, and dropping the negation would
// leave the opposite word as a detractor driver.
var negations = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`not no never nor neither nothing nobody none noone nowhere cannot can't
		couldn't didn't doesn't don't hadn't hasn't haven't isn't mustn't shan't shouldn't wasn't weren't won't
		wouldn't aren't nie nigdy żaden nic nu niciodată nimic nici ne nekad nekas nav nebija`) {
		m[Normalize(w)] = true
	}
	return m
})

// stopSets holds each language's stop words (and all of them under AnyLanguage), normalised. Both
// sets are built on first use, not at program start: most commands never read a comment.
var stopSets = sync.OnceValue(func() map[Language]map[string]bool {
	all := map[string]bool{}
	sets := map[Language]map[string]bool{}
	for lang, list := range stopLists {
		m := map[string]bool{}
		for _, w := range strings.Fields(list) {
			w = Normalize(w)
			if negations()[w] {
				continue
			}
			m[w] = true
			all[w] = true
		}
		sets[lang] = m
	}
	sets[AnyLanguage] = all
	return sets
})
