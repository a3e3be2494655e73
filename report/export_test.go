package report

// Internals for the external tests.
var (
	Catalogue = catalogue
	Format    = func(lang, key string, args ...any) string { return locales[lang].T(key, args...) }
	Number    = func(lang string, v float64, dec int) string {
		old := cur
		cur = locales[lang]
		defer func() { cur = old }()
		return num(v, dec)
	}
	PluralForms = func(lang string) int { return locales[lang].pluralForms }
)
