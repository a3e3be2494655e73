package fidelis

import (
	"context"
	"time"
)

// SurveyStore is the voice-of-the-customer part of Store: the survey answers and exit records
// reduced to small aggregates (score counts, answer-pattern counts, attribute counts), plus the
// comments themselves, which text analysis needs verbatim.
//
// Breakdowns follow Query.By exactly as the other aggregates do (any customer attribute; answers
// without a customer, or whose customer lacks the attribute, fall in the segment "(none)").
type SurveyStore interface {
	// SurveyScores counts answers per segment, period, kind, scale, channel and score, for answers
	// timestamped in [q.From, q.To).
	SurveyScores(ctx context.Context, q Query) ([]ScoreCell, error)
	// SurveySpan returns the first and last answer timestamps (zero times when there are none):
	// the survey data's own reach, which says whether a period's answers are all in even when
	// no orders are imported.
	SurveySpan(ctx context.Context) (first, last time.Time, err error)
	// SurveyComments returns the non-empty comments of [q.From, q.To), newest first, at most limit
	// of them (limit ≤ 0: all).
	SurveyComments(ctx context.Context, q Query, limit int) ([]SurveyComment, error)
	// SurveyItems returns, for the given survey kinds, each customer's latest answer to each kind
	// in [q.From, q.To), compressed to distinct answer patterns with the number of customers
	// sharing each (see ItemPattern). Answers without a customer are left out.
	SurveyItems(ctx context.Context, q Query, kinds []string) ([]ItemPattern, error)
	// ExitRecords returns the exits of [q.From, q.To), oldest first, each with the customer's
	// segment and net revenue to the moment of exit (see ExitRecord).
	ExitRecords(ctx context.Context, q Query) ([]ExitRecord, error)
	// DefectorProfiles counts, among defectors and loyal customers (see ProfileCounts), the
	// customers holding each value of each customer attribute and behaviour.
	DefectorProfiles(ctx context.Context, q Query) (ProfileCounts, error)
}

// ScoreCell counts the answers with one score: Count answers of kind Kind ("nps", "csat", ...),
// asked on Scale (as written in the data, "" when absent) through Channel ("" when absent), with
// score Score, in period Period, from customers of segment Segment.
type ScoreCell struct {
	Segment string
	Period  int64
	Kind    string
	Scale   string
	Channel string
	Score   float64
	Count   int64
}

// SurveyComment is one free-text answer with its context.
type SurveyComment struct {
	ID       string
	Customer string // "" for anonymous answers
	Segment  string // under Query.By; "" when By is empty
	Time     time.Time
	Kind     string
	Scale    string
	Score    float64
	Language string
	Channel  string
	Text     string
}

// ItemAnswer is one answer to a survey kind on a scale.
type ItemAnswer struct {
	Kind  string
	Scale string
	Score float64
}

// ItemPattern is a distinct combination of latest answers (one per kind answered, sorted by kind)
// and the number of Customers in Segment who gave exactly that combination. Composite indices are
// per-customer functions of these answers, so they are computed once per pattern and weighted.
type ItemPattern struct {
	Segment   string
	Answers   []ItemAnswer
	Customers int64
}

// ExitRecord is one exit joined with what is known of the customer: their segment under
// Query.By and their net revenue (orders minus refunds) up to the exit timestamp. Orders counts
// their orders (refunds excluded) up to then.
type ExitRecord struct {
	ID       string
	Customer string
	Time     time.Time
	Reason   string
	Comment  string
	Segment  string
	Revenue  float64
	Orders   int64
}

// ProfileCounts compares defectors with loyal customers as of AsOf (q.To, or the last order):
//
//	defector: a customer with an exit record in [q.From, AsOf);
//	loyal:    a customer with no exit record at all who bought within the activity window
//	          (Query.ActivityWindow periods of Query.Grain) ending at AsOf.
//
// Lapsed customers who left no exit record are neither. Cells count, per attribute and non-empty
// value, the customers of each group holding it; a customer without a value for an attribute
// appears in no cell of it (the difference to Defectors or Loyal is the "missing" count).
// Attributes are the fixed customer columns and the free attributes. Behaviours counts the
// customers of each group by what they did before AsOf, as exact counts; the bands the profile
// compares ("orders" 0, 1, 2-3, ...) are the metric's rule (voc.BehaviourCells), not the store's.
type ProfileCounts struct {
	AsOf       time.Time
	Defectors  int64
	Loyal      int64
	Cells      []ProfileCell
	Behaviours []BehaviourCell
}

// BehaviourCell counts the Customers of one group (Defector or loyal) with exactly these numbers
// of records before ProfileCounts.AsOf.
type BehaviourCell struct {
	Defector      bool
	Subscriptions int64 // subscriptions started
	Enrolments    int64 // programme events of type enroll (any case)
	Orders        int64 // orders, refunds excluded
	Support       int64 // interactions on the support channel (any case)
	Customers     int64
}

// ProfileCell counts the Customers of one group (Defector or loyal) with Attribute = Value.
type ProfileCell struct {
	Attribute string
	Value     string
	Defector  bool
	Customers int64
}
