package report

import "strings"

// Internals for the external tests.
var (
	Catalogue   = func() map[string][3]string { return catalogue() }
	Format      = func(lang, key string, args ...any) string { return locales[lang].T(key, args...) }
	Number      = func(lang string, v float64, dec int) string { return locales[lang].num(v, dec) }
	PluralForms = func(lang string) int { return locales[lang].pluralForms }
)

// Renderers under test.
var (
	Card = func(value, label string) string {
		var b strings.Builder
		card(&b, value, label)
		return b.String()
	}
	BarChart  = barChart
	TextWidth = textWidth
	CSS       = css
	MoneyEst  = func(lang string, v float64) string { return locales[lang].moneyEst(v, "EUR") }
)
