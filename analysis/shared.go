package analysis

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"fidelis"
)

// shared is the store as one analysis sees it: queries that several sections ask with the same
// arguments are computed once and remembered for the rest of that analysis. Activity (spells of
// activity over every order) is asked by the core metrics and by the engagement, advocacy and
// programme sections with the same query; at a million customers each call streams about ten
// million customer-periods (4-5 CPU-s). The memo belongs to one Run and dies with it: there is no
// state shared between analyses, and a store changed meanwhile is seen by the next analysis.
type shared struct {
	fidelis.Store
	mu       sync.Mutex // sections run in turn; the lock keeps the memo sound should one ever fan out
	activity map[string][]fidelis.ActivityCell
}

func newShared(st fidelis.Store) *shared {
	if s, ok := st.(*shared); ok {
		return s
	}
	return &shared{Store: st, activity: map[string][]fidelis.ActivityCell{}}
}

// Activity returns the store's Activity for q, computed at most once per analysis. Each caller
// gets its own copy of the cells, so none can change what another sees.
func (s *shared) Activity(ctx context.Context, q fidelis.Query) ([]fidelis.ActivityCell, error) {
	k := queryKey(q)
	s.mu.Lock()
	defer s.mu.Unlock()
	cells, ok := s.activity[k]
	if !ok {
		var err error
		if cells, err = s.Store.Activity(ctx, q); err != nil {
			return nil, err
		}
		s.activity[k] = cells
	}
	return slices.Clone(cells), nil
}

// queryKey tells queries apart by every field that changes a result: the window in periods as
// the store reads it (0 is the grain's default), times as instants.
func queryKey(q fidelis.Query) string {
	return fmt.Sprintf("%s|%s|%s|%q|%d|%q", q.Grain, instant(q.From), instant(q.To), q.By, q.ActivityWindow(), q.Segment)
}

func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
