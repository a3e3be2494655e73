package ingest

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"fidelis"
)

// Personal data. Columns whose header names an e-mail, phone, name or address, or whose sampled
// values are mostly e-mail addresses or phone numbers, are flagged. Free attributes and other
// stored text fields so flagged are left out unless Options.KeepPII; customer ids that look like
// e-mail addresses or phone numbers are refused unless pseudonymised (Options.Pseudonymise) or
// kept on purpose. Free-text fields (survey comments, social texts) are not screened.

// PIIColumn is one column flagged as personal data, and what the import did with it.
type PIIColumn struct {
	Column   string `json:"column"`
	LooksAs  string `json:"looks_like"`  // e-mail, phone, name or address
	Evidence string `json:"detected_by"` // header or values
	Action   string `json:"action"`      // not stored, kept, pseudonymised
}

var (
	emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$`)
	// Phones: international (+ and 8–15 digits) or grouped with spaces, dashes or brackets;
	// a bare run of digits is an id, not a phone, and dots are left to numbers.
	phoneIntlRE  = regexp.MustCompile(`^\+[\d ()-]{8,20}$`)
	phoneGroupRE = regexp.MustCompile(`^\(?\d{2,5}\)?[ -]\d{3,4}[ -]?\d{3,5}$`)
)

// headerPII classifies a cleaned header name by its words.
func headerPII(name string) string {
	words := strings.Split(name, "_")
	has := func(ws ...string) bool {
		for _, w := range ws {
			if slices.Contains(words, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("email", "emailaddress") || (has("e") && has("mail")) || name == "mail" || name == "mail_address":
		return "e-mail"
	case has("phone", "telephone", "tel", "mobile", "msisdn", "cellphone", "phonenumber"):
		return "phone"
	case has("address", "street", "addr", "postcode", "zip", "zipcode", "postal"):
		return "address"
	case name == "name" || has("surname", "firstname", "lastname", "fullname", "forename") ||
		slices.Contains([]string{"first_name", "last_name", "full_name", "given_name", "family_name", "middle_name",
			"customer_name", "contact_name", "client_name", "user_name", "member_name"}, name):
		return "name"
	}
	return ""
}

// valuesPII says what most (80%) of a column's sampled non-empty values look like, if anything.
// For ids (strict) only e-mail addresses and international numbers count: grouped digits such as
// 100-2003-4005 are a common id format.
func valuesPII(sample []pending, col int, strict bool) string {
	var n, email, phone int
	for _, p := range sample {
		if p.fields == nil || col >= len(p.fields) {
			continue
		}
		v := strings.TrimSpace(p.fields[col])
		if v == "" {
			continue
		}
		n++
		switch {
		case emailRE.MatchString(v):
			email++
		case phoneIntlRE.MatchString(v) || !strict && phoneGroupRE.MatchString(v):
			phone++
		}
	}
	switch {
	case n == 0:
		return ""
	case email*5 >= n*4:
		return "e-mail"
	case phone*5 >= n*4:
		return "phone"
	}
	return ""
}

// screenPII flags personal data among the columns the import would store, drops flagged
// attribute and text columns from m unless opt.KeepPII (or pseudonymises them), and refuses
// customer ids that are personal data unless pseudonymised or kept.
func screenPII(s fidelis.Schema, header []string, m *mapping, sample []pending, opt Options, path string) ([]PIIColumn, error) {
	var out []PIIColumn
	look := func(col int) (string, string) {
		if k := headerPII(fidelis.CleanName(header[col])); k != "" {
			return k, "header"
		}
		if k := valuesPII(sample, col, false); k != "" {
			return k, "values"
		}
		return "", ""
	}
	customerField := map[string]bool{}
	for _, f := range s.CustomerFields() {
		customerField[f] = true
	}
	for i, f := range s.Fields {
		col := m.cols[i]
		if col < 0 || f.Type != fidelis.Text || isFreeText(s.Kind, f.Name) {
			continue
		}
		// Canonical fields are matched by name, so only their values tell.
		k := valuesPII(sample, col, customerField[f.Name] || i == 0)
		if k == "" {
			continue
		}
		c := PIIColumn{Column: header[col], LooksAs: k, Evidence: "values"}
		switch {
		case opt.Pseudonymise != nil && (customerField[f.Name] || f.Name == "prospect"):
			c.Action = "pseudonymised"
		case opt.KeepPII:
			c.Action = "kept (--keep-pii)"
		case !customerField[f.Name] && i != 0 && !f.Required:
			c.Action = "not stored"
			m.cols[i] = -1
		default:
			return nil, fidelis.Errorf(fidelis.EInvalid, "%s: column %q (%s) holds %s addresses or numbers: personal data, not stored by default",
				path, header[col], f.Name, k).
				WithHint("--pseudonymise (with --pseudonymise-key FILE or FIDELIS_PSEUDONYM_KEY) stores keyed hashes instead; --keep-pii stores them as they are")
		}
		out = append(out, c)
	}
	if !s.KeepAttrs {
		return out, nil
	}
	kept := m.extra[:0:0]
	for _, col := range m.extra {
		k, by := look(col)
		if k == "" {
			kept = append(kept, col)
			continue
		}
		c := PIIColumn{Column: header[col], LooksAs: k, Evidence: by, Action: "not stored"}
		if opt.KeepPII {
			c.Action = "kept (--keep-pii)"
			kept = append(kept, col)
		}
		out = append(out, c)
	}
	m.extra = kept
	return out, nil
}

// isFreeText names the fields holding free text, which are not screened.
func isFreeText(k fidelis.Kind, field string) bool {
	return field == "comment" || (k == fidelis.Social && field == "text")
}

// privacy carries the pseudonymisation key and the fields it applies to, and the store's
// erasure log.
type privacy struct {
	schema   fidelis.Schema
	key      []byte
	fields   []int
	log      fidelis.ErasureLog
	customer []int // positions of the customer id fields
}

func newPrivacy(ctx context.Context, st fidelis.Store, s fidelis.Schema, opt Options) (*privacy, error) {
	pv := &privacy{schema: s, key: opt.Pseudonymise}
	if pv.key != nil {
		pv.fields = pseudonymFields(s)
	}
	for _, f := range s.CustomerFields() {
		pv.customer = append(pv.customer, s.Index(f))
	}
	var err error
	pv.log, err = st.Erasures(ctx)
	return pv, err
}

// erasedField is a customer field naming an erased customer.
type erasedField struct {
	field  int
	reason string
}

// erased returns the first customer field of row naming a customer erased by fidelis forget,
// so that a later export does not bring them back. seen caches the answers per id (one HMAC
// per distinct customer, not per row). The rejection quotes no value: the id is what was erased.
func (pv *privacy) erased(row *fidelis.Row, seen map[string]string) *erasedField {
	if len(pv.log.Erased) == 0 {
		return nil
	}
	for _, i := range pv.customer {
		id, ok := row.Values[i].(string)
		if !ok || id == "" {
			continue
		}
		reason, done := seen[id]
		if !done {
			if at, ok := pv.log.ErasedAt(id); ok {
				reason = "names a customer erased on " + at.UTC().Format("2006-01-02") + " (fidelis forget); not stored again"
			}
			if len(seen) < 1<<20 {
				seen[id] = reason
			}
		}
		if reason != "" {
			return &erasedField{i, reason}
		}
	}
	return nil
}

// pseudonymise replaces a row's customer ids (and a referral's prospect) with their keyed
// pseudonyms, and a derived record id (which hashes the raw values) with a keyed one.
func pseudonymise(key []byte, fields []int, row *fidelis.Row, derived bool) {
	for _, i := range fields {
		if v, ok := row.Values[i].(string); ok && v != "" {
			row.Values[i] = fidelis.Pseudonym(key, v)
		}
	}
	if derived {
		if v, ok := row.Values[0].(string); ok {
			row.Values[0] = "~" + fidelis.Pseudonym(key, v)[2:]
		}
	}
}

// pseudonymFields lists the positions of the fields pseudonymise replaces.
func pseudonymFields(s fidelis.Schema) []int {
	var out []int
	for _, f := range append(s.CustomerFields(), "prospect") {
		if i := s.Index(f); i >= 0 {
			out = append(out, i)
		}
	}
	return out
}
