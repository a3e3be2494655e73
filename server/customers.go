package server

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"fidelis"
	"fidelis/analysis"
	"fidelis/churn"
	"fidelis/internal/table"
)

// CustomerRow is one customer of a drill-down list: the CRM columns.
type CustomerRow struct {
	CustomerID string            `json:"customer_id"`
	Attributes map[string]string `json:"attributes"`
	// FirstPurchase and LastPurchase are YYYY-MM-DD ("" when the customer has no purchase).
	FirstPurchase string  `json:"first_purchase"`
	LastPurchase  string  `json:"last_purchase"`
	Orders        int64   `json:"orders" doc:"orders, refunds excluded"`
	Revenue       float64 `json:"revenue" doc:"net revenue to date, refunds deducted"`
	// PAlive and CLV are the customer-base model's, null when no model passed the holdout check
	// (see model_note) or the customer has no purchase.
	PAlive *float64 `json:"p_alive"`
	CLV    *float64 `json:"clv"`
	// ChurnRisk and ChurnReasons come with list=churn-risk only: the churn model's probability of
	// no purchase within its horizon (the backtest's winner, named in model_note) and the
	// features pushing it up most.
	ChurnRisk    *float64 `json:"churn_risk,omitempty"`
	ChurnReasons []string `json:"churn_reasons,omitempty"`
}

// CustomerList is one page of a list.
type CustomerList struct {
	List      string        `json:"list"`
	Total     int           `json:"total" doc:"customers in the whole list"`
	Page      int           `json:"page"`
	PerPage   int           `json:"per_page"`
	ModelNote string        `json:"model_note,omitempty" doc:"why p_alive and clv are null, when they are"`
	Customers []CustomerRow `json:"customers"`
}

type customersInput struct {
	Filters
	List    string `query:"list" required:"true" maxLength:"300" doc:"all; segment:ATTR=VALUE; cohort:LABEL:OFFSET (or cohort:LABEL:OFFSET:SEGMENT, a matrix of /v1/cohorts under by); lost:PERIOD (a retention row's churn.k: active in the previous period, not in this one), or lost:PERIOD:SEGMENT for a row of retention_by under by; likewise retained, active (end), new, returning; action:ID; palive:BAND (0..9, tenths of P(alive)) or palive:BAND:REPEAT (0..7 repeat purchase days); churn-risk (every customer the churn model scored, riskiest first); detractors (latest NPS answer 0-6) or detractors:THEME (a 0-6 answer in the window whose comment mentions the theme of sections.voc.themes); lapsed-members (enrolled, no programme event since the last period began)"`
	Page    int    `query:"page" minimum:"1" default:"1"`
	PerPage int    `query:"per_page" minimum:"1" maximum:"1000" default:"50"`
	Format  string `query:"format" enum:"json,csv,xlsx,parquet" default:"json" doc:"json pages; csv, xlsx and parquet export the whole list"`
}

type customersOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

// exportTypes are the media types of the export formats.
var exportTypes = map[string]string{
	"csv":     "text/csv; charset=utf-8",
	"xlsx":    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"parquet": "application/vnd.apache.parquet",
}

// members is a resolved list: its customers in order, and the forecast that prices them.
type members struct {
	ids      []string
	forecast map[string]analysis.CustomerScore
	churn    map[string]churn.Customer // list=churn-risk only
	note     string
}

func (s *Server) routeCustomers() {
	huma.Register(s.api, scopeOp(huma.Operation{OperationID: "customers", Method: http.MethodGet, Path: "/v1/customers",
		Summary: "The customers behind a count: a page of them as JSON, or the whole list as CSV, XLSX or Parquet",
		Tags:    []string{"customers"}, Errors: []int{400, 404}}, ScopeRead), s.customers)
	// One operation answers in four media types; the JSON one is described by CustomerList.
	if o := s.api.OpenAPI().Paths["/v1/customers"]; o != nil && o.Get != nil {
		ref := s.api.OpenAPI().Components.Schemas.Schema(reflect.TypeOf(CustomerList{}), true, "CustomerList")
		nullableNumbers(s.api.OpenAPI())
		bin := &huma.Schema{Type: huma.TypeString, Format: "binary"}
		o.Get.Responses["200"].Content = map[string]*huma.MediaType{"application/json": {Schema: ref},
			"text/csv": {Schema: bin}, exportTypes["xlsx"]: {Schema: bin}, exportTypes["parquet"]: {Schema: bin}}
	}
}

func (s *Server) customers(ctx context.Context, in *customersInput) (*customersOutput, error) {
	if in.Format == "json" { // a page is read once per store version, like an analysis
		page := fmt.Sprintf("/v1/customers:%s:%d:%d", in.List, in.Page, in.PerPage)
		v, err := s.cached(ctx, page, in.Filters, false, func(cctx context.Context, _ analysis.Options) (any, error) {
			m, err := s.members(cctx, in.Filters, in.List)
			if err != nil {
				return nil, err
			}
			lo := min(len(m.ids), (in.Page-1)*in.PerPage)
			rows, err := s.records(cctx, m.ids[lo:min(len(m.ids), lo+in.PerPage)], m)
			if err != nil {
				return nil, err
			}
			b, err := encodeJSON(CustomerList{List: in.List, Total: len(m.ids), Page: in.Page, PerPage: in.PerPage, ModelNote: m.note, Customers: rows})
			return &b, err
		})
		if err != nil {
			return nil, apiError(ctx, err)
		}
		return &customersOutput{ContentType: "application/json", Body: *v.(*[]byte)}, nil
	}
	m, err := s.members(ctx, in.Filters, in.List)
	if err != nil {
		return nil, apiError(ctx, err)
	}
	rows, err := s.records(ctx, m.ids, m)
	if err != nil {
		return nil, apiError(ctx, err)
	}
	cols, trows := tableOf(rows)
	var buf bytes.Buffer
	switch in.Format {
	case "csv":
		err = table.WriteCSV(&buf, cols, trows)
	case "xlsx":
		err = table.WriteXLSX(&buf, "customers", cols, trows)
	case "parquet":
		err = table.WriteParquet(&buf, cols, trows)
	}
	if err != nil {
		return nil, err
	}
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, in.List)
	return &customersOutput{ContentType: exportTypes[in.Format], Body: buf.Bytes(),
		ContentDisposition: fmt.Sprintf(`attachment; filename="customers-%s.%s"`, name, in.Format)}, nil
}

// members resolves a list id to its customers, cached per store version and query.
func (s *Server) members(ctx context.Context, f Filters, list string) (*members, error) {
	kind, arg, _ := strings.Cut(list, ":")
	switch kind {
	case "all", "segment", "cohort", "action", "palive", "churn-risk", "detractors", "lapsed-members":
	case "lost", "retained", "active", "new", "returning":
	default:
		return nil, fidelis.Errorf(fidelis.EInvalid, "list=%s: want all, segment:ATTR=VALUE, cohort:LABEL:OFFSET, lost:PERIOD[:SEGMENT] (or retained, active, new, returning), action:ID, palive:BAND, churn-risk, detractors[:THEME] or lapsed-members", list)
	}
	v, err := s.cached(ctx, "/v1/customers:"+list, f, false, func(ctx context.Context, o analysis.Options) (any, error) {
		a, err := s.full(ctx, f) // the forecast prices every list; actions come from it too
		if err != nil {
			return nil, err
		}
		m := &members{forecast: map[string]analysis.CustomerScore{}}
		fc := a.Forecast()
		if fc.Trusted() {
			for _, sc := range fc.Scores {
				m.forecast[sc.Customer] = sc
			}
		} else {
			m.note = "no customer-base model passed the holdout check, so no P(alive) or CLV is shown (see /v1/fit)"
		}
		s.store.RLock()
		defer s.store.RUnlock()
		cs := s.cfg.Store
		switch kind {
		case "all":
			m.ids, err = cs.CustomerIDs(ctx, fidelis.CustomerSelection{})
		case "segment":
			attr, val, ok := strings.Cut(arg, "=")
			if !ok || attr == "" {
				return nil, fidelis.Errorf(fidelis.EInvalid, "list=%s: want segment:ATTR=VALUE", list)
			}
			if err := s.checkBy(ctx, fidelis.CleanName(attr)); err != nil {
				return nil, err
			}
			m.ids, err = cs.CustomerIDs(ctx, fidelis.CustomerSelection{By: fidelis.CleanName(attr), Segment: val})
		case "cohort":
			label, off, ok := strings.Cut(arg, ":")
			off, seg, bySeg := strings.Cut(off, ":")
			k, kerr := strconv.ParseInt(off, 10, 64)
			if !ok || kerr != nil || k < 0 {
				return nil, fidelis.Errorf(fidelis.EInvalid, "list=%s: want cohort:LABEL:OFFSET[:SEGMENT], e.g. cohort:2024-01:3", list)
			}
			sel := fidelis.CustomerSelection{InCohort: true, Grain: o.Grain, Offset: k}
			if bySeg {
				if o.By == "" {
					return nil, fidelis.Errorf(fidelis.EInvalid, "list=%s: a segment's cohort needs the breakdown it belongs to (by=ATTR)", list)
				}
				sel.By, sel.Segment = o.By, seg
			}
			c, ok := periodIndex(o.Grain, a.First, a.Last, label)
			if !ok {
				return nil, fidelis.Errorf(fidelis.ENotFound, "list=%s: no %s cohort labelled %q in the data (%s to %s)", list, o.Grain, label, a.First.Format("2006-01-02"), a.Last.Format("2006-01-02"))
			}
			sel.Cohort = c
			m.ids, err = cs.CustomerIDs(ctx, sel)
		case "lost", "retained", "active", "new", "returning":
			m.ids, err = periodList(ctx, cs, a, o, kind, arg)
		case "action":
			i := slices.IndexFunc(a.Actions, func(x analysis.Action) bool { return x.ID == arg })
			if i < 0 {
				return nil, fidelis.Errorf(fidelis.ENotFound, "list=%s: no action %q on this store (see /v1/actions)", list, arg)
			}
			for _, mb := range a.Actions[i].Members {
				m.ids = append(m.ids, mb.Customer)
			}
		case "palive":
			b, r, byRepeat := strings.Cut(arg, ":")
			band, berr := strconv.Atoi(b)
			repeat, rerr := strconv.Atoi(r)
			if berr != nil || band < 0 || band > 9 || byRepeat && (rerr != nil || repeat < 0 || repeat > 7) {
				return nil, fidelis.Errorf(fidelis.EInvalid, "list=%s: want palive:BAND with BAND 0..9 (tenths of P(alive), as p_alive_histogram), or palive:BAND:REPEAT with REPEAT 0..7 repeat purchase days (7: seven or more), a cell of p_alive_by_frequency", list)
			}
			if !fc.Trusted() {
				return nil, fidelis.Errorf(fidelis.ENotFound, "list=%s: %s", list, m.note)
			}
			for _, sc := range fc.Scores {
				if min(9, int(sc.PAlive*10)) == band && (!byRepeat || min(7, int(sc.X)) == repeat) { // the histogram's own banding
					m.ids = append(m.ids, sc.Customer)
				}
			}
			sort.Strings(m.ids)
		case "churn-risk":
			ch := analysis.Section[analysis.Churn](a, "churn")
			if ch == nil || ch.Scoring == nil || len(ch.Scoring.Customers) == 0 {
				return nil, fidelis.Errorf(fidelis.ENotFound, "list=%s: the churn model scored no customers on this store (see /v1/churn)", list)
			}
			scored := slices.Clone(ch.Scoring.Customers)
			slices.SortStableFunc(scored, func(x, y churn.Customer) int {
				if c := cmp.Compare(y.Risk, x.Risk); c != 0 {
					return c
				}
				return strings.Compare(x.Customer, y.Customer)
			})
			m.churn = make(map[string]churn.Customer, len(scored))
			for _, cu := range scored {
				m.ids = append(m.ids, cu.Customer)
				m.churn[cu.Customer] = cu
			}
			m.note = strings.TrimSpace(m.note + " churn_risk: " + ch.Basis.Text)
		case "detractors":
			m.ids, err = detractors(ctx, cs, a, arg)
		case "lapsed-members":
			p := analysis.Section[analysis.Program](a, "program")
			if p == nil {
				return nil, fidelis.Errorf(fidelis.ENotFound, "list=%s: the store has no programme records", list)
			}
			m.ids = p.Lapsed()
		}
		if err == nil && len(o.Segment) > 0 {
			m.ids, err = inSegment(ctx, cs, m.ids, o.Segment)
		}
		return m, err
	})
	if err != nil {
		return nil, err
	}
	return v.(*members), nil
}

// detractors lists the customers whose latest NPS answer is a detractor's (0-6, the rule of the
// recovery action); with a theme, those who gave a 0-6 answer in the window with a comment that
// mentions the theme: the customers the voice-of-the-customer section counts (detractor_customers
// of sections.voc.themes), sorted.
func detractors(ctx context.Context, st fidelis.Store, a *analysis.Analysis, theme string) ([]string, error) {
	var ids []string
	if theme == "" {
		err := st.LatestAnswers(ctx, "nps", func(cust string, score float64, _ string) error {
			if score <= 6 {
				ids = append(ids, cust)
			}
			return nil
		})
		slices.Sort(ids)
		return ids, err
	}
	ids, ok := analysis.Section[analysis.VoC](a, "voc").ThemeDetractors(theme)
	if !ok {
		return nil, fidelis.Errorf(fidelis.ENotFound, "list=detractors:%s: no theme %q in this analysis (see sections.voc.themes)", theme, theme)
	}
	return ids, nil
}

// inSegment keeps the ids of customers with every attribute value of seg (the segment filter the
// analysis behind the list ran under), in their order.
func inSegment(ctx context.Context, cs fidelis.CustomerStore, ids []string, seg []fidelis.AttrValue) ([]string, error) {
	for _, av := range seg {
		in, err := cs.CustomerIDs(ctx, fidelis.CustomerSelection{By: av.Name, Segment: av.Value})
		if err != nil {
			return nil, err
		}
		ids = slices.DeleteFunc(ids, func(id string) bool {
			_, found := slices.BinarySearch(in, id) // CustomerIDs are sorted
			return !found
		})
	}
	return ids, nil
}

// periodStates say which customers of a period each list keeps (fidelis.PeriodCustomer).
var periodStates = map[string]func(fidelis.PeriodCustomer) bool{
	"lost":      fidelis.PeriodCustomer.Lost,
	"retained":  fidelis.PeriodCustomer.Retained,
	"active":    func(c fidelis.PeriodCustomer) bool { return c.Active },
	"new":       func(c fidelis.PeriodCustomer) bool { return c.New },
	"returning": fidelis.PeriodCustomer.Returning,
}

// periodList lists, sorted, the customers of a retention row: arg is "PERIOD" (a row of
// retention) or "PERIOD:SEGMENT" (a row of retention_by, the segment of the view's by), and kind
// which of the row's counts: lost (churn.k: active in the previous period, not in this one),
// retained (id_based.k), active (end), new, returning. The rules are Activity's, so each list
// has exactly as many customers as its count.
func periodList(ctx context.Context, cs fidelis.Store, a *analysis.Analysis, o analysis.Options, kind, arg string) ([]string, error) {
	label, seg, bySeg := strings.Cut(arg, ":")
	list := kind + ":" + arg
	if bySeg && o.By == "" {
		return nil, fidelis.Errorf(fidelis.EInvalid, "list=%s: a segment of a retention row needs the breakdown it belongs to (by=ATTR)", list)
	}
	i, ok := periodIndex(o.Grain, a.First, a.Last, label)
	if !ok {
		return nil, fidelis.Errorf(fidelis.ENotFound, "list=%s: no %s labelled %q in the data (%s to %s)", list, o.Grain, label, a.First.Format("2006-01-02"), a.Last.Format("2006-01-02"))
	}
	q := fidelis.Query{Grain: o.Grain, Window: o.Window, Segment: o.Segment}
	if bySeg {
		q.By = o.By
	}
	pcs, err := cs.PeriodCustomers(ctx, q, i)
	if err != nil {
		return nil, err
	}
	keep := periodStates[kind]
	ids := []string{}
	for _, c := range pcs {
		if keep(c) && (!bySeg || c.Segment == seg) {
			ids = append(ids, c.Customer)
		}
	}
	return ids, nil
}

// periodIndex finds the period of grain g labelled label within the data's span.
func periodIndex(g fidelis.Grain, first, last time.Time, label string) (int64, bool) {
	if first.IsZero() {
		return 0, false
	}
	for i := g.Index(first); i <= g.Index(last); i++ {
		if g.Label(i) == label {
			return i, true
		}
	}
	return 0, false
}

// records reads the CRM columns of ids from the store and adds the forecast's figures.
func (s *Server) records(ctx context.Context, ids []string, m *members) ([]CustomerRow, error) {
	rows := make([]CustomerRow, 0, len(ids))
	if len(ids) == 0 {
		return rows, nil
	}
	s.store.RLock()
	defer s.store.RUnlock()
	cs := s.cfg.Store
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	}
	err := cs.CustomerRecords(ctx, ids, func(r fidelis.CustomerRecord) error {
		row := CustomerRow{CustomerID: r.Customer, Attributes: map[string]string{}, FirstPurchase: day(r.First),
			LastPurchase: day(r.Last), Orders: r.Orders, Revenue: r.Revenue}
		for _, a := range r.Attrs {
			row.Attributes[a.Name] = a.Value
		}
		if sc, ok := m.forecast[r.Customer]; ok {
			row.PAlive, row.CLV = finite(sc.PAlive), finite(sc.CLV)
		}
		if cu, ok := m.churn[r.Customer]; ok {
			row.ChurnRisk = finite(cu.Risk)
			row.ChurnReasons = []string{}
			for _, re := range cu.Reasons {
				row.ChurnReasons = append(row.ChurnReasons, re.Label)
			}
		}
		rows = append(rows, row)
		return nil
	})
	if m.churn != nil { // the store returns records in its own order; this list is ranked
		pos := make(map[string]int, len(ids))
		for i, id := range ids {
			pos[id] = i
		}
		slices.SortStableFunc(rows, func(x, y CustomerRow) int { return cmp.Compare(pos[x.CustomerID], pos[y.CustomerID]) })
	}
	return rows, err
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// tableOf lays rows out as export columns: id, the attributes (fixed ones first, then the free
// ones by name), purchases, revenue, P(alive), CLV.
func tableOf(rows []CustomerRow) ([]table.Column, []table.Row) {
	seen := map[string]bool{}
	for _, r := range rows {
		for k := range r.Attributes {
			seen[k] = true
		}
	}
	var attrs []string
	for _, d := range fidelis.FixedDimensions {
		if seen[d] {
			attrs = append(attrs, d)
			delete(seen, d)
		}
	}
	free := make([]string, 0, len(seen))
	for k := range seen {
		free = append(free, k)
	}
	sort.Strings(free)
	attrs = append(attrs, free...)
	cols := []table.Column{{Name: "customer_id", Kind: 's'}}
	for _, a := range attrs {
		cols = append(cols, table.Column{Name: a, Kind: 's'})
	}
	cols = append(cols, table.Column{Name: "first_purchase", Kind: 'd'}, table.Column{Name: "last_purchase", Kind: 'd'},
		table.Column{Name: "orders", Kind: 'i'}, table.Column{Name: "revenue", Kind: 'f'},
		table.Column{Name: "p_alive", Kind: 'f'}, table.Column{Name: "clv", Kind: 'f'})
	withChurn := slices.ContainsFunc(rows, func(r CustomerRow) bool { return r.ChurnRisk != nil })
	if withChurn {
		cols = append(cols, table.Column{Name: "churn_risk", Kind: 'f'}, table.Column{Name: "churn_reasons", Kind: 's'})
	}
	out := make([]table.Row, len(rows))
	opt := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	num := func(p *float64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	for i, r := range rows {
		row := table.Row{r.CustomerID}
		for _, a := range attrs {
			row = append(row, opt(r.Attributes[a]))
		}
		out[i] = append(row, opt(r.FirstPurchase), opt(r.LastPurchase), r.Orders, r.Revenue, num(r.PAlive), num(r.CLV))
		if withChurn {
			out[i] = append(out[i], num(r.ChurnRisk), opt(strings.Join(r.ChurnReasons, "; ")))
		}
	}
	return cols, out
}
