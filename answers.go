package fidelis

import "context"

// AnswerStore is the part of Store that lists each customer's latest survey answer.
type AnswerStore interface {
	// LatestAnswers calls fn with each customer's most recent answer of the given survey kind.
	LatestAnswers(ctx context.Context, kind string, fn func(customer string, score float64, scale string) error) error
}
