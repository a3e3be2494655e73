package fidelis

import (
	"fmt"
	"strings"
)

// Msg is a user-visible sentence kept as data: Key is its English format string (and its stable
// message key in the report catalogues), Args its arguments. Its String is the English text, so
// code that builds sentences for the CLI keeps doing so, while a report renders the same Msg in
// another language. An argument may itself be a Msg or Msgs (translated in turn).
//
// A Key with a "|" is a plural: "%d month|%d months". The first integer argument chooses the form
// (in English: the first for 1, the second otherwise; other languages have their own rules).
type Msg struct {
	Key  string `json:"key"`
	Args []any  `json:"args,omitempty"`
}

// M builds a Msg.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

// String is the English text.
func (m Msg) String() string {
	key := m.Key
	if strings.Contains(key, "|") {
		forms := strings.Split(key, "|")
		key = forms[len(forms)-1]
		if n, ok := PluralCount(m.Args); ok && n == 1 {
			key = forms[0]
		}
	}
	if len(m.Args) == 0 {
		return key
	}
	return fmt.Sprintf(key, m.Args...)
}

// Msgs is a list of sentences, joined with "; ".
type Msgs []Msg

func (ms Msgs) String() string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, "; ")
}

// PluralCount returns the first integer-valued argument, which chooses a plural form.
func PluralCount(args []any) (int64, bool) {
	for _, a := range args {
		switch v := a.(type) {
		case int:
			return int64(v), true
		case int64:
			return v, true
		case float64:
			if v == float64(int64(v)) {
				return int64(v), true
			}
			return 2, true // a fraction takes the "other" form
		}
	}
	return 0, false
}
