package report

// Messages returns the catalogue in lang as English key → text, for renderers outside Go (the
// dashboard formats them in the browser with the same keys). English maps each key to itself.
// Plural keys keep their forms separated by "|" in the order PluralOrder gives.
func Messages(lang string) (map[string]string, error) {
	lang, err := ParseLang(lang)
	if err != nil {
		return nil, err
	}
	idx := locales[lang].idx
	m := make(map[string]string, len(catalogue()))
	for k, tr := range catalogue() {
		if idx < 0 {
			m[k] = k
		} else {
			m[k] = tr[idx]
		}
	}
	return m, nil
}

// PluralOrder names the CLDR plural categories of lang in the order its plural messages list
// their forms (English one|other, Polish one|few|many, Romanian one|few|other, Latvian
// zero|one|other), so a client with CLDR plural rules (Intl.PluralRules) picks the same form.
func PluralOrder(lang string) []string {
	switch lang {
	case "pl":
		return []string{"one", "few", "many"}
	case "ro":
		return []string{"one", "few", "other"}
	case "lv":
		return []string{"zero", "one", "other"}
	}
	return []string{"one", "other"}
}
