package report

// Internals for the external tests.
var (
	Catalogue   = catalogue
	Format      = func(lang, key string, args ...any) string { return locales[lang].T(key, args...) }
	Number      = func(lang string, v float64, dec int) string { return locales[lang].num(v, dec) }
	PluralForms = func(lang string) int { return locales[lang].pluralForms }
)
