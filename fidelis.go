// Package fidelis holds the domain of the Fidelis loyalty-analytics engine: the kinds of record a
// business imports, their canonical fields, calendar grains, and the Store interface through which
// every metric reads its (small) aggregates. It imports only the standard library; adapters
// (ingest, duckdb, http) depend on it, never the other way round.
package fidelis

import (
	"fmt"
	"sort"
	"strings"
)

// Kind names one kind of imported record.
type Kind string

// The record kinds a loyalty analysis uses.
const (
	Customers     Kind = "customers"
	Orders        Kind = "orders"
	Subscriptions Kind = "subscriptions"
	Surveys       Kind = "surveys"
	Referrals     Kind = "referrals"
	Program       Kind = "program"
	Interactions  Kind = "interactions"
	Social        Kind = "social"
	Exits         Kind = "exits"
)

// Kinds lists every record kind in import order (customers first, as the others refer to them).
var Kinds = []Kind{Customers, Orders, Subscriptions, Surveys, Referrals, Program, Interactions, Social, Exits}

// FieldType is the storage type of a canonical field.
type FieldType int

// Field types. Values in rows are string, time.Time, float64 and int64 respectively, or nil.
const (
	Text FieldType = iota
	Time
	Float
	Int
)

func (t FieldType) String() string {
	return [...]string{"text", "timestamp", "number", "integer"}[t]
}

// Field is one canonical column of a record kind.
type Field struct {
	Name     string
	Type     FieldType
	Required bool
	// Synonyms are other header names matched case-insensitively (after trimming and folding
	// spaces and dashes to underscores).
	Synonyms []string
}

// Schema describes a record kind: its canonical fields, which one identifies a record, and whether
// extra columns are kept as free attributes.
type Schema struct {
	Kind   Kind
	Fields []Field
	// ID is the name of the identifying field. Rows whose id is empty get a derived id (see
	// ingest), so that re-importing a file is recognised while identical rows within a file are kept.
	ID string
	// KeepAttrs keeps unmatched columns as free attributes (customers: age band, gender, ...).
	KeepAttrs bool
}

// Index returns the position of the named field, or -1.
func (s Schema) Index(name string) int {
	for i, f := range s.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func text(name string, syn ...string) Field { return Field{Name: name, Type: Text, Synonyms: syn} }
func req(f Field) Field                     { f.Required = true; return f }
func ts(name string, syn ...string) Field   { return Field{Name: name, Type: Time, Synonyms: syn} }
func num(name string, syn ...string) Field  { return Field{Name: name, Type: Float, Synonyms: syn} }
func whole(name string, syn ...string) Field {
	return Field{Name: name, Type: Int, Synonyms: syn}
}

// Schemas holds the canonical schema of every kind. The id field always comes first.
var Schemas = map[Kind]Schema{
	Customers: {Kind: Customers, ID: "customer_id", KeepAttrs: true, Fields: []Field{
		req(text("customer_id", "customer", "client_id", "user_id", "id")),
		ts("signup_at", "first_seen", "created_at", "signup_date", "joined"),
		text("region"), text("country"), text("segment"),
		text("acquisition_channel", "channel", "source"),
	}},
	Orders: {Kind: Orders, ID: "order_id", Fields: []Field{
		text("order_id", "order", "transaction_id", "invoice", "invoice_no"),
		req(text("customer_id", "customer", "client_id", "user_id")),
		req(ts("timestamp", "date", "order_date", "created_at", "time", "invoice_date")),
		req(num("amount", "total", "value", "revenue", "dollar_value", "price")),
		text("currency"), text("channel"),
		num("quantity", "qty", "number_of_cds", "items"),
	}},
	Subscriptions: {Kind: Subscriptions, ID: "subscription_id", Fields: []Field{
		text("subscription_id", "subscription"),
		req(text("customer_id", "customer", "client_id")),
		text("plan"),
		req(ts("started_at", "start", "start_date")),
		ts("ended_at", "end", "end_date", "cancelled_at", "canceled_at"),
		req(num("mrr", "monthly_revenue")),
	}},
	Surveys: {Kind: Surveys, ID: "response_id", Fields: []Field{
		text("response_id", "response"),
		text("customer_id", "customer"),
		req(ts("timestamp", "date", "answered_at", "created_at")),
		req(text("kind", "question", "metric", "type")),
		req(num("score", "rating", "answer")),
		text("scale"), text("comment", "feedback", "text"),
		text("language", "lang"), text("channel"),
	}},
	Referrals: {Kind: Referrals, ID: "referral_id", Fields: []Field{
		text("referral_id", "referral"),
		req(text("referrer_id", "referrer", "customer_id")),
		text("prospect", "prospect_id", "invitee", "email"),
		req(ts("invited_at", "timestamp", "date")),
		ts("converted_at"),
		text("converted_customer_id", "new_customer_id"),
		num("first_order_revenue"),
	}},
	Program: {Kind: Program, ID: "event_id", Fields: []Field{
		text("event_id", "event"),
		req(text("customer_id", "customer", "member_id")),
		req(ts("timestamp", "date", "created_at")),
		req(text("type", "event_type")),
		num("points"), num("value"), text("tier"),
	}},
	Interactions: {Kind: Interactions, ID: "interaction_id", Fields: []Field{
		text("interaction_id", "interaction"),
		req(text("customer_id", "customer")),
		req(ts("timestamp", "date", "created_at")),
		req(text("channel")), text("kind", "type"),
		num("depth", "duration", "seconds"),
	}},
	Social: {Kind: Social, ID: "mention_id", Fields: []Field{
		text("mention_id", "mention", "post_id"),
		req(ts("timestamp", "date", "created_at")),
		req(text("platform", "network")),
		text("customer_id", "customer", "author_id"),
		whole("likes"), whole("shares"), whole("comments"), whole("reach", "impressions"),
		text("sentiment"), text("text", "content", "message"),
	}},
	Exits: {Kind: Exits, ID: "exit_id", Fields: []Field{
		text("exit_id"),
		req(text("customer_id", "customer")),
		req(ts("timestamp", "date", "churned_at")),
		req(text("reason", "exit_reason")),
		text("comment"),
	}},
}

// ParseKind returns the kind named s (case-insensitive; "program" also answers to "loyalty").
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	if k == "loyalty" {
		k = Program
	}
	if _, ok := Schemas[k]; ok {
		return k, nil
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	sort.Strings(names)
	return "", Errorf(EInvalid, "unknown record kind %q (known: %s)", s, strings.Join(names, ", "))
}

// Attr is a free attribute of a customer (a column the schema does not name).
type Attr struct{ Name, Value string }

// Row is one validated input record: values aligned with its schema's fields (nil where absent),
// the line it came from, and free attributes.
type Row struct {
	Line   int64
	Values []any
	Attrs  []Attr
}

// FixedDimensions are the customer columns a metric can be broken down by directly; any other name
// is looked up among the free attributes.
var FixedDimensions = []string{"region", "country", "segment", "acquisition_channel"}

// CleanName folds a header or attribute name to its canonical form: lower case, trimmed, spaces and
// dashes as underscores.
func CleanName(s string) string {
	return nameSeparators.Replace(strings.ToLower(strings.TrimSpace(s)))
}

var nameSeparators = strings.NewReplacer(" ", "_", "-", "_", ".", "_") // safe for concurrent use

// String lets a Kind print itself in messages.
func (k Kind) String() string { return string(k) }

// Describe lists a schema's fields for help and error messages, required ones marked with *.
func (s Schema) Describe() string {
	var b strings.Builder
	for i, f := range s.Fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.Name)
		if f.Required {
			b.WriteString("*")
		}
	}
	return fmt.Sprintf("%s: %s", s.Kind, b.String())
}
