package fidelis

// Bucket is one range of a count: from Min up to the next bucket's Min (exclusive), the last
// without an upper end.
type Bucket struct {
	Min  int64
	Name string
}

// Buckets are ranges of a count with ascending Min, the first starting at 0: a domain rule
// (engagement levels, order-count bands) defined once in Go, where the metric that uses it lives.
// Stores return exact counts and never bucket.
type Buckets []Bucket

// Of returns the index of the bucket holding n (0 for negative n).
func (b Buckets) Of(n int64) int {
	i := 0
	for i+1 < len(b) && n >= b[i+1].Min {
		i++
	}
	return i
}
