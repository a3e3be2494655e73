package fidelis

import "context"

// SocialStore is the social-listening part of Store: mentions with their engagement
// counts per platform and period, the texts for sentiment, and the customers who amplify most.
type SocialStore interface {
	// SocialActivity returns, per segment, period, platform and sentiment label (as written, ""
	// when absent), the mentions of [q.From, q.To). Anonymous mentions fall in segment "(none)"
	// under a breakdown.
	SocialActivity(ctx context.Context, q Query) ([]SocialCell, error)
	// SocialTexts streams the mentions of [q.From, q.To) that carry text.
	SocialTexts(ctx context.Context, q Query, fn func(SocialText) error) error
	// Amplifiers returns the limit customers whose mentions reached most people in
	// [q.From, q.To), by reach, then shares.
	Amplifiers(ctx context.Context, q Query, limit int) ([]Amplifier, error)
}

// SocialCell sums the mentions of one platform, period and sentiment label.
type SocialCell struct {
	Segment   string
	Period    int64
	Platform  string
	Sentiment string
	Mentions  int64
	Likes     int64
	Shares    int64
	Comments  int64
	Reach     int64
	Authors   int64 // distinct customers (anonymous mentions not counted)
}

// SocialText is one mention's text and label.
type SocialText struct {
	ID        string
	Segment   string
	Period    int64
	Platform  string
	Sentiment string
	Text      string
}

// Amplifier is one customer's social reach.
type Amplifier struct {
	Customer string
	Mentions int64
	Positive int64 // labelled positive
	Negative int64 // labelled negative
	Likes    int64
	Shares   int64
	Reach    int64
}
