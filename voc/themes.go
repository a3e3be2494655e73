package voc

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"fidelis"
)

// PeriodFunc names the period a time falls in, e.g. "2025-03". Periods sort as strings.
type PeriodFunc func(time.Time) string

// Period functions (UTC): Month "2006-01", Quarter "2006-Q1", ISOWeek "2006-W01", Year "2006".
var (
	Month   PeriodFunc = func(t time.Time) string { return t.UTC().Format("2006-01") }
	Quarter PeriodFunc = func(t time.Time) string {
		t = t.UTC()
		return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())+2)/3)
	}
	ISOWeek PeriodFunc = func(t time.Time) string { y, w := t.UTC().ISOWeek(); return fmt.Sprintf("%d-W%02d", y, w) }
	Year    PeriodFunc = func(t time.Time) string { return t.UTC().Format("2006") }
)

// Theme is a named set of terms. A term is one or more words, matched against a comment's
// normalised words (see Words; stop words are kept for matching) as a contiguous sequence; a
// trailing * on a word matches any word starting with it ("dostaw*" matches dostawa, dostawy),
// which helps with inflected languages.
type Theme struct {
	Name  string   `json:"name"`
	Terms []string `json:"terms"`
}

// ThemePeriod counts the comments of one period that mention a theme: Share is Mentions over all
// comments of the period (K = Mentions, N = comments), with a Wilson interval.
type ThemePeriod struct {
	Period   string `json:"period"`
	Mentions int64  `json:"mentions"`
	Share    Share  `json:"share"`
}

// ThemeResult is one theme over all comments: the share of comments that mention it, its counts
// per period (every period present in the input, zero counts included, in order), and a sentiment
// proxy: Sentiment is the NPS of the scored comments that mention the theme, which equals 100 × the
// mean NPS class (+1 promoter, 0 passive, −1 detractor) of those comments, with its adjusted-Wald
// interval (Rocks 2016). Comments without a score do not enter Sentiment.
type ThemeResult struct {
	Name      string        `json:"name"`
	Terms     []string      `json:"terms"`
	Mentions  int64         `json:"mentions"`
	Share     Share         `json:"share"`
	Periods   []ThemePeriod `json:"periods"`
	Sentiment NPSResult     `json:"sentiment"`
	// DetractorCustomers counts the customers behind the detractors' comments that mention the
	// theme (anonymous answers left out): Detractors, sorted. DetractorCustomersList names their
	// list where the analysis offers one.
	DetractorCustomers     int64    `json:"detractor_customers"`
	DetractorCustomersList string   `json:"detractor_customers_list,omitempty"`
	Detractors             []string `json:"-"`
}

type pattern [][2]string // per word: text, "*" when a prefix

func compileTerm(term string) (pattern, error) {
	var p pattern
	for _, f := range strings.Fields(term) {
		star := strings.HasSuffix(f, "*")
		ws := Words(strings.TrimSuffix(f, "*"))
		if len(ws) != 1 {
			return nil, fidelis.Errorf(fidelis.EInvalid, "theme term %q: %q is not one word", term, f)
		}
		k := ""
		if star {
			k = "*"
		}
		p = append(p, [2]string{ws[0], k})
	}
	if len(p) == 0 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "empty theme term %q", term)
	}
	return p, nil
}

func (p pattern) in(ws []string) bool {
	for i := 0; i+len(p) <= len(ws); i++ {
		ok := true
		for j, w := range p {
			if w[1] == "*" && !strings.HasPrefix(ws[i+j], w[0]) || w[1] == "" && ws[i+j] != w[0] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// Themes counts, for each theme, the comments mentioning it (a comment counts once per theme
// however many of its terms it contains) overall and per period, and the theme's NPS as a
// sentiment proxy. period nil means Month. A theme term that does not tokenise (empty, a number)
// or a score outside 0..10 is an error.
func Themes(comments []Comment, themes []Theme, period PeriodFunc) ([]ThemeResult, error) {
	if period == nil {
		period = Month
	}
	pats := make([][]pattern, len(themes))
	for i, th := range themes {
		for _, term := range th.Terms {
			p, err := compileTerm(term)
			if err != nil {
				return nil, fmt.Errorf("theme %q: %w", th.Name, err)
			}
			pats[i] = append(pats[i], p)
		}
	}
	perPeriod := map[string]int64{}
	mentions := make([]map[string]int64, len(themes))
	nps := make([]NPSCounts, len(themes))
	total := make([]int64, len(themes))
	detractors := make([]map[string]bool, len(themes))
	for i := range mentions {
		mentions[i], detractors[i] = map[string]int64{}, map[string]bool{}
	}
	for ci, c := range comments {
		if c.Score != nil {
			if _, err := NPSClass(*c.Score); err != nil {
				return nil, fmt.Errorf("comment %d: %w", ci, err)
			}
		}
		pd := period(c.Time)
		perPeriod[pd]++
		ws := Words(c.Text)
		for i := range themes {
			hit := false
			for _, p := range pats[i] {
				if p.in(ws) {
					hit = true
					break
				}
			}
			if !hit {
				continue
			}
			mentions[i][pd]++
			total[i]++
			if c.Score != nil {
				nps[i][int(*c.Score)]++
				if cl, _ := NPSClass(*c.Score); cl == Detractor && c.Customer != "" {
					detractors[i][c.Customer] = true
				}
			}
		}
	}
	periods := make([]string, 0, len(perPeriod))
	for p := range perPeriod {
		periods = append(periods, p)
	}
	sort.Strings(periods)
	out := make([]ThemeResult, len(themes))
	for i, th := range themes {
		r := ThemeResult{Name: th.Name, Terms: th.Terms, Mentions: total[i], Share: NewShare(total[i], int64(len(comments)))}
		for _, p := range periods {
			r.Periods = append(r.Periods, ThemePeriod{Period: p, Mentions: mentions[i][p], Share: NewShare(mentions[i][p], perPeriod[p])})
		}
		r.Sentiment, _ = NPS(nps[i])
		r.Detractors = slices.Sorted(maps.Keys(detractors[i]))
		r.DetractorCustomers = int64(len(r.Detractors))
		out[i] = r
	}
	return out, nil
}

// Mentions reports whether text mentions the theme: one of its terms occurs in it, as Themes
// counts a comment.
func (t Theme) Mentions(text string) (bool, error) {
	ws := Words(text)
	for _, term := range t.Terms {
		p, err := compileTerm(term)
		if err != nil {
			return false, fmt.Errorf("theme %q: %w", t.Name, err)
		}
		if p.in(ws) {
			return true, nil
		}
	}
	return false, nil
}
