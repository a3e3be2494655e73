package fidelis

import "context"

// AnswerStore is implemented by stores that can list each customer's latest survey answer.
type AnswerStore interface {
	// LatestAnswers calls fn with each customer's most recent answer of the given survey kind.
	LatestAnswers(ctx context.Context, kind string, fn func(customer string, score float64, scale string) error) error
}
