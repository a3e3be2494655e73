package advocacy

import (
	"math"
	"sort"

	"fidelis"
	"fidelis/metric"
	"fidelis/voc"
)

// Sentiments are the labels social mentions are counted under.
var Sentiments = []string{"positive", "neutral", "negative"}

// SocialPlatform sums one platform's mentions over the window.
type SocialPlatform struct {
	Platform string `json:"platform"`
	Mentions int64  `json:"mentions"`
	Likes    int64  `json:"likes"`
	Shares   int64  `json:"shares"`
	Comments int64  `json:"comments"`
	Reach    int64  `json:"reach"`
	// EngagementRate = (likes + shares + comments) ÷ reach.
	EngagementRate float64 `json:"engagement_rate"`
	// Positive and Negative are shares of the mentions with a sentiment (given or from text).
	Positive metric.Proportion `json:"positive_share"`
	Negative metric.Proportion `json:"negative_share"`
}

// SocialPeriod is one period's social figures.
type SocialPeriod struct {
	Period   string            `json:"period"`
	Index    int64             `json:"-"`
	Mentions int64             `json:"mentions"`
	Reach    int64             `json:"reach"`
	Positive metric.Proportion `json:"positive_share"`
	Negative metric.Proportion `json:"negative_share"`
	// NetSentiment = positive share − negative share, in points.
	NetSentiment float64 `json:"net_sentiment"`
}

// Classifier labels unlabelled mention texts with a multinomial naive Bayes model trained on the
// mentions that carry a label (Manning, Raghavan & Schütze 2008, Introduction to Information
// Retrieval, §13.2; Laplace smoothing), tokens from the voice-of-customer tokeniser (voc.Tokens,
// all four languages' stop words). It learns the business's own vocabulary in every language the
// mentions use; with no labelled mentions it labels nothing.
type Classifier struct {
	docs   map[string]float64
	words  map[string]map[string]float64
	totals map[string]float64
	vocab  map[string]bool
}

// NewClassifier returns an empty classifier.
func NewClassifier() *Classifier {
	return &Classifier{docs: map[string]float64{}, words: map[string]map[string]float64{}, totals: map[string]float64{}, vocab: map[string]bool{}}
}

// Train adds one labelled text (labels other than Sentiments are ignored).
func (c *Classifier) Train(text, label string) {
	if !known(label) {
		return
	}
	c.docs[label]++
	if c.words[label] == nil {
		c.words[label] = map[string]float64{}
	}
	for _, w := range voc.Tokens(text, voc.AnyLanguage) {
		c.words[label][w]++
		c.totals[label]++
		c.vocab[w] = true
	}
}

// Classify returns the most probable label of text, or "" when nothing was trained or the text
// has no known word.
func (c *Classifier) Classify(text string) string {
	var n float64
	for _, d := range c.docs {
		n += d
	}
	if n == 0 {
		return ""
	}
	toks := voc.Tokens(text, voc.AnyLanguage)
	seen := false
	for _, w := range toks {
		seen = seen || c.vocab[w]
	}
	if !seen {
		return ""
	}
	best, bestLP := "", math.Inf(-1)
	v := float64(len(c.vocab))
	for _, l := range Sentiments {
		if c.docs[l] == 0 {
			continue
		}
		lp := math.Log(c.docs[l] / n)
		for _, w := range toks {
			if c.vocab[w] {
				lp += math.Log((c.words[l][w] + 1) / (c.totals[l] + v))
			}
		}
		if lp > bestLP {
			best, bestLP = l, lp
		}
	}
	return best
}

func known(l string) bool {
	for _, s := range Sentiments {
		if s == l {
			return true
		}
	}
	return false
}

// InferredKey identifies a (segment, period, platform) cell, whose unlabelled mentions got labels
// from text.
type InferredKey struct {
	Segment  string
	Period   int64
	Platform string
}

// SocialSummary computes per platform and per period the mentions, engagement and sentiment
// shares. inferred holds, per cell, the counts of unlabelled mentions labelled from their text;
// those are added to the given labels. Sentiment shares are over mentions with a label.
func SocialSummary(cells []fidelis.SocialCell, inferred map[InferredKey]map[string]int64, g fidelis.Grain) ([]SocialPlatform, []SocialPeriod) {
	plat := map[string]*SocialPlatform{}
	per := map[int64]*SocialPeriod{}
	type sc struct{ pos, neg, lab int64 }
	ps, pp := map[string]*sc{}, map[int64]*sc{}
	add := func(platform string, period int64, label string, n int64) {
		if !known(label) {
			return
		}
		if ps[platform] == nil {
			ps[platform] = &sc{}
		}
		if pp[period] == nil {
			pp[period] = &sc{}
		}
		for _, s := range []*sc{ps[platform], pp[period]} {
			s.lab += n
			if label == "positive" {
				s.pos += n
			}
			if label == "negative" {
				s.neg += n
			}
		}
	}
	for _, c := range cells {
		p := plat[c.Platform]
		if p == nil {
			p = &SocialPlatform{Platform: c.Platform}
			plat[c.Platform] = p
		}
		p.Mentions += c.Mentions
		p.Likes += c.Likes
		p.Shares += c.Shares
		p.Comments += c.Comments
		p.Reach += c.Reach
		q := per[c.Period]
		if q == nil {
			q = &SocialPeriod{Period: g.Label(c.Period), Index: c.Period}
			per[c.Period] = q
		}
		q.Mentions += c.Mentions
		q.Reach += c.Reach
		add(c.Platform, c.Period, c.Sentiment, c.Mentions)
	}
	for k, m := range inferred {
		for l, n := range m {
			add(k.Platform, k.Period, l, n)
		}
	}
	var outP []SocialPlatform
	for name, p := range plat {
		p.EngagementRate = ratio(float64(p.Likes+p.Shares+p.Comments), float64(p.Reach))
		s := ps[name]
		if s == nil {
			s = &sc{}
		}
		p.Positive, p.Negative = metric.NewProportion(s.pos, s.lab), metric.NewProportion(s.neg, s.lab)
		outP = append(outP, *p)
	}
	// Most mentioned first; ties by name, so the order does not follow the map's.
	sort.Slice(outP, func(i, j int) bool {
		if outP[i].Mentions != outP[j].Mentions {
			return outP[i].Mentions > outP[j].Mentions
		}
		return outP[i].Platform < outP[j].Platform
	})
	var outT []SocialPeriod
	for i, q := range per {
		s := pp[i]
		if s == nil {
			s = &sc{}
		}
		q.Positive, q.Negative = metric.NewProportion(s.pos, s.lab), metric.NewProportion(s.neg, s.lab)
		q.NetSentiment = (q.Positive.Value - q.Negative.Value) * 100
		outT = append(outT, *q)
	}
	sort.Slice(outT, func(i, j int) bool { return outT[i].Index < outT[j].Index })
	return outP, outT
}
