package fidelis

import (
	"context"
	"strings"
	"time"
)

// Store is where imported records live. Every aggregate an analysis reads is a method of Store,
// grouped below by capability (the embedded interfaces): a store implements them all, checked at
// compile time (var _ fidelis.Store = (*Store)(nil)), so a missing capability can never look like
// empty data. The aggregates are small results computed close to the data (GROUP BY queries); all
// mathematics on top of them is plain Go, so each metric is written once and runs on any engine.
// storetest holds the conformance suite every implementation must pass, with no skips.
//
// Optional interfaces remain only for optimisations that have a Go fallback: CompressedModelStore
// (a GROUP BY pushed into the engine; without it the summaries are compressed in Go).
type Store interface {
	ModelStore      // customer-base model inputs
	LifetimeStore   // first-spell lifetimes for survival curves
	AnswerStore     // each customer's latest survey answer
	SurveyStore     // voice of the customer
	ProgramStore    // loyalty programme
	AdvocacyStore   // referrals and advocacy features
	EngagementStore // channel engagement
	SocialStore     // social listening
	ChurnStore      // per-customer rows of the churn model
	CustomerStore   // customer records for CRM exports
	SettingStore    // settings the business declares
	Versioned       // per-kind change counters, for caches of results

	// Begin starts the atomic import of one file of the given kind. Nothing is visible until
	// Commit; Rollback (or a crash) leaves the store as it was. In Update mode a record whose id is
	// stored already replaces the stored one where any value differs.
	Begin(ctx context.Context, kind Kind, source string, mode ImportMode) (Writer, error)
	// Delete removes the records of kind with the given ids (and a customer's free attributes) in
	// one transaction, and returns the ids it found and removed. Records of other kinds that name
	// a deleted customer stay: Forget erases a person.
	Delete(ctx context.Context, kind Kind, ids []string) (deleted []string, err error)
	// Forget erases customers (GDPR Art. 17): each customer record, its attributes and every record
	// of any kind that names the customer in a CustomerFields column, in one transaction; then it
	// reclaims the freed space so that none of it remains in the store's files. It logs each id
	// as a salted hash with the time, never the id itself.
	Forget(ctx context.Context, ids []string) (Erasure, error)
	// Erasures returns the log Forget keeps (empty before the first erasure).
	Erasures(ctx context.Context) (ErasureLog, error)
	// Counts returns the number of stored records of each kind.
	Counts(ctx context.Context) (map[Kind]int64, error)
	// Span returns the first and last order timestamps (zero times when there are no orders).
	Span(ctx context.Context) (first, last time.Time, err error)
	// Dimensions lists the customer attributes a breakdown can use: the fixed columns with any
	// non-empty value, then the free attributes.
	Dimensions(ctx context.Context) ([]string, error)
	// Activity returns, per segment and period, the activity counts behind the retention metrics.
	Activity(ctx context.Context, q Query) ([]ActivityCell, error)
	// Cohorts returns, per segment, first-purchase cohort and periods since, the counts behind the
	// cohort retention matrix.
	Cohorts(ctx context.Context, q Query) ([]CohortCell, error)
	// Purchases returns per segment the order and customer counts of the window [q.From, q.To).
	Purchases(ctx context.Context, q Query) ([]PurchaseCell, error)
	// Values returns per segment the distribution of per-customer net revenue to date, of tenure
	// and of lifespan, up to q.To, at the given probabilities.
	Values(ctx context.Context, q Query, probs []float64) ([]ValueCell, error)
	// SubscriptionMovements returns, per segment and period, the logo and MRR movements between the
	// start and the end of each period (see SubscriptionCell).
	SubscriptionMovements(ctx context.Context, q Query) ([]SubscriptionCell, error)
	// Quality reports records naming unknown customers and the currencies of the orders.
	Quality(ctx context.Context) (Quality, error)
	// Currencies returns the distinct currency codes the stored orders name, at most two: enough
	// to tell the store's one currency from a mix, at a cost that does not grow with the store
	// (what an import of a small batch checks instead of Quality).
	Currencies(ctx context.Context) ([]string, error)
	Close() error
}

// ImportMode says what an import does with a record whose id is stored already.
type ImportMode int

const (
	// Insert keeps the stored record and counts the new one as a duplicate.
	Insert ImportMode = iota
	// Update replaces the stored record when any value (or, for customers, any free attribute)
	// differs, and counts identical ones as duplicates.
	Update
)

// Writer receives the validated rows of one import. Rows carry values aligned with the kind's
// schema and a non-empty id (ingest derives one where the file has none).
type Writer interface {
	Write(ctx context.Context, rows []Row) error
	// Commit stores, atomically, the first occurrence of each id in this import that is not
	// stored already (in Update mode, also those whose stored record differs), and reports the
	// counts. A later occurrence of an id identical to the first is a duplicate; one that differs
	// is a Conflict, not stored, which the caller reports as rejected. rejected is the caller's
	// count of rejected rows, for the store's import log (conflicts are added to it).
	Commit(ctx context.Context, rejected int64) (Committed, error)
	Rollback() error
}

// GroupWriter applies several imports of one kind in one transaction, each with its own
// accounting, so that many small imports (API batches from several clients) share one commit.
// The rows of one import are written, then Segment ends that import: it stores them as Commit
// would, the group's earlier imports counting as stored, and reports its counts, without
// committing. Commit makes every segment durable at once; Rollback (or an error from Segment,
// which rolls back) undoes them all.
type GroupWriter interface {
	Write(ctx context.Context, rows []Row) error
	Segment(ctx context.Context, source string, rejected int64) (Committed, error)
	Commit(ctx context.Context) error
	Rollback() error
}

// Grouper is a Store that can apply imports in groups (see GroupWriter).
type Grouper interface {
	BeginGroup(ctx context.Context, kind Kind, mode ImportMode) (GroupWriter, error)
}

// Committed reports what an import's Commit did: Stored + Updated + Duplicates + len(Conflicts)
// equals the rows written.
type Committed struct {
	Stored     int64 // new ids
	Updated    int64 // stored records replaced (Update mode)
	Duplicates int64 // rows identical to a stored record or to an earlier row of the import
	// Differ counts, in Insert mode, duplicates whose stored record has other values: the ones
	// Update mode would replace.
	Differ    int64
	Conflicts []Conflict
}

// Conflict is a row whose id repeats an earlier row of the same import with different values.
type Conflict struct {
	Line, FirstLine int64
	ID              string
}

// Erasure reports what Forget removed.
type Erasure struct {
	Removed    map[Kind]int64 // records removed per kind
	Attributes int64          // free customer attributes removed
	NotFound   []string       // requested ids named by no record
	// Reclaimed is true when the store's files were rewritten without the freed space (always for
	// a file store; false for an in-memory one, which keeps nothing on disk).
	Reclaimed bool
}

// UniqueIDs drops empty and repeated ids (after trimming spaces), keeping the first order: what
// Delete and Forget act on, whatever the caller passed.
func UniqueIDs(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// CustomerFields lists the fields of a kind that hold a customer id: what Forget erases by and
// what pseudonymisation replaces.
func (s Schema) CustomerFields() []string {
	var out []string
	for _, f := range s.Fields {
		switch f.Name {
		case "customer_id", "referrer_id", "converted_customer_id":
			out = append(out, f.Name)
		}
	}
	return out
}

// Query selects what an aggregate covers.
type Query struct {
	Grain Grain
	// From and To bound the window [From, To); zero values leave it open. Activity and cohort
	// queries use all history for customers' state and report only periods inside the window.
	From, To time.Time
	// By names the customer attribute to break down by ("" for the whole base). Stores accept only
	// names listed by Dimensions; values are bound, never spliced into SQL.
	By string
	// Window is the activity window in periods: a customer is active in period i when they bought
	// in any of periods i−Window+1 … i. Zero means Grain.DefaultWindow().
	Window int
	// Segment keeps only the customers with every one of these attribute values (none: everyone).
	// Like By, names are folded with CleanName and values are bound, never spliced into SQL.
	Segment []AttrValue
}

// AttrValue is one customer attribute's value: a segment condition, region=North.
type AttrValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ParseSegment reads "attr=value" (the CLI's --segment, the API's segment=) into an AttrValue.
func ParseSegment(s string) (AttrValue, error) {
	k, v, ok := strings.Cut(s, "=")
	k, v = CleanName(k), strings.TrimSpace(v)
	if !ok || k == "" || v == "" {
		return AttrValue{}, Errorf(EInvalid, "segment %q: want ATTRIBUTE=VALUE, e.g. region=North", s)
	}
	return AttrValue{Name: k, Value: v}, nil
}

// ActivityWindow returns the window in periods, with the default applied.
func (q Query) ActivityWindow() int {
	if q.Window > 0 {
		return q.Window
	}
	return q.Grain.DefaultWindow()
}

// ActivityCell holds one segment's counts for one period i.
type ActivityCell struct {
	Segment string
	Period  int64
	Active  int64 // customers active in period i (bought within the window ending with i)
	// PrevActive counts customers active in period i−1: the start-of-period base S.
	PrevActive int64
	// Acquired counts customers whose first purchase came before period i.
	Acquired int64
	// Retained counts customers active in both period i−1 and period i.
	Retained int64
	New      int64 // customers whose first purchase is in period i
	// Returning counts customers who became active in period i again after having lapsed: they had
	// bought before, but were not active in period i−1 (win-backs).
	Returning int64
	Buyers    int64   // distinct customers who bought in period i
	Orders    int64   // orders in period i (refunds excluded)
	Revenue   float64 // net revenue in period i (refunds deducted)
}

// CohortCell counts, for customers whose first purchase is in period Cohort, those who bought in
// period Cohort+Offset (Returned) and those whose last purchase so far is in it (LastAt).
type CohortCell struct {
	Segment  string
	Cohort   int64
	Offset   int64
	Returned int64
	LastAt   int64
}

// PurchaseCell holds one segment's purchase counts within the query window.
type PurchaseCell struct {
	Segment   string
	Buyers    int64 // customers with ≥ 1 order in the window
	Repeaters int64 // customers with ≥ 2 orders in the window
	Orders    int64 // orders (refunds excluded)
	Gross     float64
	Refunds   float64 // sum of refund amounts, as a positive number
	Refunded  int64   // number of refund rows
}

// ValueCell holds one segment's per-customer distributions (quantiles at the requested
// probabilities) up to the end of the window.
type ValueCell struct {
	Segment   string
	Customers int64
	// NetRevenue: revenue to date minus refunds, per customer (historical CLV).
	NetMean      float64
	NetQuantiles []float64
	// Tenure: days from a customer's first purchase to the end of the window (or the last order).
	TenureMean      float64
	TenureQuantiles []float64
	// Lifespan: days from first to last purchase.
	LifespanMean float64
}

// SubscriptionCell holds one segment's subscription movements over period i, comparing each
// customer's MRR at the start of the period with their MRR at its end.
type SubscriptionCell struct {
	Segment     string
	Period      int64
	StartLogos  int64   // customers with MRR > 0 at the start
	LostLogos   int64   // of those, customers with no MRR at the end
	NewLogos    int64   // customers with MRR > 0 at the end and none at the start
	StartMRR    float64 // MRR at the start
	ChurnedMRR  float64 // MRR of customers lost
	Contraction float64 // MRR lost by customers who stayed but pay less
	Expansion   float64 // MRR gained by customers who stayed and pay more
	NewMRR      float64 // MRR of new logos (new and reactivated)
	EndMRR      float64
}
