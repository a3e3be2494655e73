package analysis

import (
	"context"

	"fidelis"
	"fidelis/advocacy"
)

func init() { Register("social", runSocial) }

// Social is the social-listening section.
type Social struct {
	Platforms  []advocacy.SocialPlatform `json:"platforms"`
	Periods    []advocacy.SocialPeriod   `json:"periods"`
	Amplifiers []fidelis.Amplifier       `json:"top_amplifiers"`
	Labelled   int64                     `json:"mentions_labelled_in_data"`
	FromText   int64                     `json:"mentions_labelled_from_text"`
	Unlabelled int64                     `json:"mentions_without_sentiment"`
	Notes      []string                  `json:"definitions"`
}

func runSocial(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (any, error) {
	if a.Counts[fidelis.Social] == 0 {
		return nil, nil
	}
	q := o.query()
	cells, err := st.SocialActivity(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &Social{Notes: []string{
		"Sentiment as given in the data; mentions without a label but with text are labelled by a naive Bayes classifier trained on the labelled mentions (tokens from the voice-of-customer tokeniser).",
		"Sentiment shares are over mentions with a label; net sentiment = positive share − negative share, in points.",
		"Engagement rate = (likes + shares + comments) ÷ reach. Top amplifiers: customers whose mentions reached most people.",
	}}
	// Train on labelled texts, then label the unlabelled ones.
	cl := advocacy.NewClassifier()
	var texts []fidelis.SocialText
	if err := st.SocialTexts(ctx, q, func(t fidelis.SocialText) error {
		if t.Sentiment != "" {
			cl.Train(t.Text, t.Sentiment)
		} else {
			texts = append(texts, t)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	inferred := map[advocacy.InferredKey]map[string]int64{}
	for _, t := range texts {
		l := cl.Classify(t.Text)
		if l == "" {
			continue
		}
		k := advocacy.InferredKey{Segment: t.Segment, Period: t.Period, Platform: t.Platform}
		if inferred[k] == nil {
			inferred[k] = map[string]int64{}
		}
		inferred[k][l]++
		out.FromText++
	}
	for _, c := range cells {
		if c.Sentiment != "" {
			out.Labelled += c.Mentions
		} else {
			out.Unlabelled += c.Mentions
		}
	}
	out.Unlabelled -= out.FromText
	out.Platforms, out.Periods = advocacy.SocialSummary(cells, inferred, o.Grain)
	if out.Amplifiers, err = st.Amplifiers(ctx, q, 10); err != nil {
		return nil, err
	}
	return out, nil
}
