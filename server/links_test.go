package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
)

// link is a list name found in an analysis's JSON with the count it stands next to.
type link struct {
	list, path string
	count      int64
}

// links walks v (decoded JSON) for list names: a field "list" names the list of its object's
// "customers" (or a proportion's "k"), a field "X_list" the list of its sibling "X". A name
// without its count is an error.
func links(t *testing.T, v any, path string, out *[]link) {
	t.Helper()
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			links(t, e, fmt.Sprintf("%s[%d]", path, i), out)
		}
	case map[string]any:
		for k, e := range x {
			name, ok := e.(string)
			if !ok || (k != "list" && !strings.HasSuffix(k, "_list")) {
				links(t, e, path+"."+k, out)
				continue
			}
			var count any
			if k == "list" {
				if count = x["customers"]; count == nil {
					count = x["k"]
				}
			} else {
				count = x[strings.TrimSuffix(k, "_list")]
			}
			n, ok := count.(float64)
			if !ok {
				t.Errorf("%s.%s = %q: no count next to it", path, k, name)
				continue
			}
			*out = append(*out, link{name, path + "." + k, int64(n)})
		}
	}
}

// TestLinks walks the JSON of each analysis route under several views and checks that every
// list name it carries resolves, with the same view, to a list as long as the count next to it;
// and that each kind of count that stands for customers carries one.
func TestLinks(t *testing.T) {
	const perKind = 8
	f := newFixture(t, false, nil)
	tok := f.secret["read"]
	all := decode[customerList](t, f.do("GET", "/v1/customers?list=all&per_page=1", tok, nil))
	region := all.Customers[0].Attributes["region"]
	kinds := map[string]int{}
	for _, view := range []string{"", "grain=quarter&by=region", "grain=week&window=6&by=segment", "segment=region%3D" + url.QueryEscape(region)} {
		var found []link
		for _, route := range []string{"report", "metrics", "cohorts", "voc", "program", "actions", "fit"} {
			w := f.do("GET", "/v1/"+route+"?"+view, tok, nil)
			if w.Code == 404 {
				continue
			}
			if w.Code != 200 {
				t.Fatalf("/v1/%s?%s: %d %s", route, view, w.Code, w.Body.String())
			}
			var v any
			if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			links(t, v, route, &found)
		}
		// Every name must come with a count; the lists are resolved for a sample spread evenly
		// over each kind's links (a view has ~1,000 of them; TestLostLists and TestCustomerLists
		// resolve every lost list and many others).
		byKind := map[string][]link{}
		for _, l := range found {
			kind, _, _ := strings.Cut(l.list, ":")
			byKind[kind] = append(byKind[kind], l)
			kinds[kind]++
		}
		var sample []link
		for _, ls := range byKind {
			step := max(1, len(ls)/perKind)
			for i := 0; i < len(ls); i += step {
				sample = append(sample, ls[i])
			}
		}
		checked := map[string]int{}
		for _, l := range sample {
			total, ok := checked[l.list]
			if !ok {
				w := f.do("GET", "/v1/customers?per_page=1&list="+url.QueryEscape(l.list)+"&"+view, tok, nil)
				if w.Code != 200 {
					t.Errorf("%s?%s: %s does not resolve: %d %s", l.path, view, l.list, w.Code, w.Body.String())
					continue
				}
				total = decode[customerList](t, w).Total
				checked[l.list] = total
			}
			if int64(total) != l.count {
				t.Errorf("%s?%s: list %s has %d customers, the count next to it %d", l.path, view, l.list, total, l.count)
			}
		}
		t.Logf("view %q: %d links, %d lists resolved", view, len(found), len(checked))
	}
	var seen []string
	for k := range kinds {
		seen = append(seen, k)
	}
	sort.Strings(seen)
	for _, k := range []string{"lost", "active", "new", "returning", "cohort", "action", "palive", "detractors", "lapsed-members"} {
		if kinds[k] == 0 {
			t.Errorf("no %s link in any analysis (found %v)", k, seen)
		}
	}
}
