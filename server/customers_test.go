package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/xuri/excelize/v2"

	"fidelis"
	"fidelis/ingest"
)

type customerList struct {
	List      string `json:"list"`
	Total     int    `json:"total"`
	Page      int    `json:"page"`
	PerPage   int    `json:"per_page"`
	ModelNote string `json:"model_note"`
	Customers []struct {
		CustomerID   string            `json:"customer_id"`
		Attributes   map[string]string `json:"attributes"`
		LastPurchase string            `json:"last_purchase"`
		Orders       int64             `json:"orders"`
		PAlive       *float64          `json:"p_alive"`
	} `json:"customers"`
}

// TestCustomerLists checks each kind of list against the count it stands behind in the analysis
// JSON, pagination against the whole list, and the three export formats against the JSON.
func TestCustomerLists(t *testing.T) {
	f := newFixture(t, false, nil)
	tok := f.secret["read"]
	list := func(id string, extra string) customerList {
		t.Helper()
		w := f.do("GET", "/v1/customers?per_page=1000&list="+url.QueryEscape(id)+extra, tok, nil)
		if w.Code != 200 {
			t.Fatalf("list %s: %d %s", id, w.Code, w.Body.String())
		}
		return decode[customerList](t, w)
	}
	all := list("all", "")
	if all.Total < 400 || len(all.Customers) != min(all.Total, 1000) {
		t.Fatalf("all: total %d, %d rows", all.Total, len(all.Customers))
	}

	// A segment: exactly the customers whose attribute has the value.
	want := 0
	var region string
	for _, c := range all.Customers {
		if region == "" {
			region = c.Attributes["region"]
		}
		if c.Attributes["region"] == region && region != "" {
			want++
		}
	}
	if seg := list("segment:region="+region, ""); seg.Total != want || want == 0 {
		t.Errorf("segment:region=%s: %d customers, the whole list has %d with that region", region, seg.Total, want)
	}

	// A cohort cell: the customers the bounded count of cohort c at offset k counts.
	cm := decode[[]struct {
		Rows []struct {
			Cohort  string `json:"cohort"`
			Bounded []struct{ K, N int64 }
		} `json:"rows"`
	}](t, f.do("GET", "/v1/cohorts?grain=quarter", tok, nil))
	checked := 0
	for _, r := range cm[0].Rows {
		for k, cell := range r.Bounded {
			if k == 0 || k > 3 || checked > 6 {
				continue
			}
			got := list(fmt.Sprintf("cohort:%s:%d", r.Cohort, k), "&grain=quarter")
			if int64(got.Total) != cell.K {
				t.Errorf("cohort %s offset %d: list of %d customers, the matrix counts %d", r.Cohort, k, got.Total, cell.K)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no cohort cell checked")
	}

	// An action and a P(alive) band: the counts the report shows.
	rep := decode[struct {
		Actions []struct {
			ID        string `json:"id"`
			Customers int    `json:"customers"`
		} `json:"actions"`
		Sections struct {
			Models struct {
				Histogram *[10]int `json:"p_alive_histogram"`
			} `json:"models"`
		} `json:"sections"`
	}](t, f.do("GET", "/v1/report", tok, nil))
	if len(rep.Actions) == 0 {
		t.Fatal("the synthetic company has no action")
	}
	for _, a := range rep.Actions {
		if got := list("action:"+a.ID, ""); got.Total != a.Customers {
			t.Errorf("action %s: %d customers listed, %d counted", a.ID, got.Total, a.Customers)
		}
	}
	if h := rep.Sections.Models.Histogram; h != nil {
		for b, n := range h {
			if got := list(fmt.Sprintf("palive:%d", b), ""); got.Total != n {
				t.Errorf("palive:%d: %d listed, histogram %d", b, got.Total, n)
			}
		}
		if all.Customers[0].PAlive == nil && all.Customers[0].Orders > 0 {
			t.Error("a buyer without P(alive) although the model passed")
		}
	} else if all.ModelNote == "" {
		t.Error("no model and no note saying so")
	}

	// Pagination: page 3 of 7 is the 15th to 21st customer of the whole list.
	p := list("all", "&page=3&per_page=7")
	p3 := decode[customerList](t, f.do("GET", "/v1/customers?list=all&page=3&per_page=7", tok, nil))
	_ = p
	if p3.Total != all.Total || len(p3.Customers) != 7 || p3.Customers[0].CustomerID != all.Customers[14].CustomerID {
		t.Errorf("page 3 of 7: %+v", p3)
	}

	// Exports hold the whole list with the same ids in the same order.
	seg := list("segment:region="+region, "")
	w := f.do("GET", "/v1/customers?format=csv&list="+url.QueryEscape("segment:region="+region), tok, nil)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", w.Code, w.Header())
	}
	recs, err := csv.NewReader(bytes.NewReader(w.Body.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != seg.Total+1 || recs[0][0] != "customer_id" || recs[1][0] != seg.Customers[0].CustomerID {
		t.Errorf("csv: %d lines, header %v", len(recs), recs[0])
	}
	w = f.do("GET", "/v1/customers?format=xlsx&list="+url.QueryEscape("segment:region="+region), tok, nil)
	x, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	xr, _ := x.GetRows("customers")
	if len(xr) != seg.Total+1 || xr[1][0] != seg.Customers[0].CustomerID {
		t.Errorf("xlsx: %d rows", len(xr))
	}
	w = f.do("GET", "/v1/customers?format=parquet&list="+url.QueryEscape("segment:region="+region), tok, nil)
	pf, err := parquet.OpenFile(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRows() != int64(seg.Total) {
		t.Errorf("parquet: %d rows, want %d", pf.NumRows(), seg.Total)
	}

	for _, bad := range []struct {
		list string
		want int
	}{{"cohort:1999-01:1", 404}, {"cohort:x", 400}, {"action:nope", 404}, {"palive:12", 400}, {"segment:shoe=1", 400}, {"everyone", 400}} {
		if w := f.do("GET", "/v1/customers?list="+url.QueryEscape(bad.list), tok, nil); w.Code != bad.want {
			t.Errorf("list=%s: %d, want %d: %s", bad.list, w.Code, bad.want, w.Body.String())
		}
	}
}

// TestChurnRiskList checks the churn model's list: every scored customer, riskiest first, each
// with a risk in [0, 1] and the report's ten riskiest at its head; the CSV carries the columns.
func TestChurnRiskList(t *testing.T) {
	f := newFixture(t, false, nil)
	tok := f.secret["read"]
	ch := decode[struct {
		Top []struct {
			Customer string  `json:"customer_id"`
			Risk     float64 `json:"risk"`
		} `json:"top_risk"`
	}](t, f.do("GET", "/v1/churn", tok, nil))
	if len(ch.Top) == 0 {
		t.Fatal("the churn section lists no risky customer")
	}
	w := f.do("GET", "/v1/customers?per_page=1000&list=churn-risk", tok, nil)
	if w.Code != 200 {
		t.Fatalf("churn-risk: %d %s", w.Code, w.Body.String())
	}
	got := decode[struct {
		Total     int    `json:"total"`
		ModelNote string `json:"model_note"`
		Customers []struct {
			CustomerID string   `json:"customer_id"`
			Risk       *float64 `json:"churn_risk"`
			Reasons    []string `json:"churn_reasons"`
		} `json:"customers"`
	}](t, w)
	if got.Total < len(ch.Top) || len(got.Customers) == 0 || !strings.Contains(got.ModelNote, "churn_risk") {
		t.Fatalf("churn-risk: total %d, %d rows, note %q", got.Total, len(got.Customers), got.ModelNote)
	}
	for i, c := range got.Customers {
		if c.Risk == nil || *c.Risk < 0 || *c.Risk > 1 {
			t.Fatalf("row %d (%s): risk %v", i, c.CustomerID, c.Risk)
		}
		if i > 0 && *c.Risk > *got.Customers[i-1].Risk {
			t.Fatalf("row %d (%s) risk %.4f above the row before (%.4f): not ranked", i, c.CustomerID, *c.Risk, *got.Customers[i-1].Risk)
		}
	}
	if top := ch.Top[0]; *got.Customers[0].Risk != top.Risk {
		t.Errorf("riskiest listed %s at %.4f, the churn section's riskiest %s at %.4f", got.Customers[0].CustomerID, *got.Customers[0].Risk, top.Customer, top.Risk)
	}
	w = f.do("GET", "/v1/customers?format=csv&list=churn-risk", tok, nil)
	recs, err := csv.NewReader(bytes.NewReader(w.Body.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	h := recs[0]
	if len(recs) != got.Total+1 || h[len(h)-2] != "churn_risk" || h[len(h)-1] != "churn_reasons" || recs[1][0] != got.Customers[0].CustomerID {
		t.Errorf("csv: %d lines, header %v", len(recs), h)
	}
}

// TestDetractorAndLapsedLists: detractors are the customers whose latest NPS answer is 0-6, as the
// store reads them; detractors:THEME those with a 0-6 answer whose comment mentions the theme, no
// more than the theme's detractor comments; lapsed-members are the members the programme action
// lists when it is proposed.
func TestDetractorAndLapsedLists(t *testing.T) {
	f := newFixture(t, false, nil)
	tok := f.secret["read"]
	ids := func(id string) []string {
		t.Helper()
		w := f.do("GET", "/v1/customers?per_page=1000&list="+url.QueryEscape(id), tok, nil)
		if w.Code != 200 {
			t.Fatalf("list %s: %d %s", id, w.Code, w.Body.String())
		}
		var out []string
		for _, c := range decode[customerList](t, w).Customers {
			out = append(out, c.CustomerID)
		}
		slices.Sort(out)
		return out
	}
	var want []string
	if err := f.st.LatestAnswers(context.Background(), "nps", func(c string, s float64, _ string) error {
		if s <= 6 {
			want = append(want, c)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	if got := ids("detractors"); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("detractors: %d customers, the store's latest answers give %d", len(got), len(want))
	}

	rep := decode[struct {
		Actions []struct {
			ID        string `json:"id"`
			Customers int    `json:"customers"`
		} `json:"actions"`
		Sections struct {
			VoC struct {
				Themes []struct {
					Name      string
					Sentiment struct{ Counts []int64 }
				}
			} `json:"voc"`
		} `json:"sections"`
	}](t, f.do("GET", "/v1/report", tok, nil))
	checked := 0
	for _, th := range rep.Sections.VoC.Themes {
		var comments int64 // the theme's comments with a detractor's score
		for s, n := range th.Sentiment.Counts {
			if s <= 6 {
				comments += n
			}
		}
		got := ids("detractors:" + th.Name)
		if int64(len(got)) > comments {
			t.Errorf("detractors:%s: %d customers, more than the theme's %d detractor comments", th.Name, len(got), comments)
		}
		if comments > 0 && len(got) == 0 {
			t.Errorf("detractors:%s: empty, the theme has %d detractor comments", th.Name, comments)
		}
		checked += len(got)
	}
	if checked == 0 {
		t.Error("no theme had a detractor to list")
	}
	if w := f.do("GET", "/v1/customers?list=detractors:nonsense", tok, nil); w.Code != 404 {
		t.Errorf("an unknown theme: %d", w.Code)
	}

	lapsed := ids("lapsed-members")
	for _, a := range rep.Actions {
		if a.ID == "programme" {
			if prog := ids("action:programme"); !slices.Equal(lapsed, prog) {
				t.Errorf("lapsed-members has %d customers, the programme action lists %d", len(lapsed), len(prog))
			}
		}
	}
	if len(lapsed) == 0 {
		t.Error("lapsed-members: empty on the synthetic company")
	}
}

// TestLostLists checks every retention period's lost list against the lost count the retention
// analysis reports (churn.k: active in the previous period, not in this one), at three grains,
// under a breakdown (each segment's row) and under a segment filter; and the other lists of a
// retention row (retained, active, new, returning) against id_based.k, end, new and returning.
func TestLostLists(t *testing.T) {
	f := newFixture(t, false, nil)
	tok := f.secret["read"]
	type row struct {
		Segment   string          `json:"segment"`
		Period    string          `json:"period"`
		End       int             `json:"end"`
		New       int             `json:"new"`
		Returning int             `json:"returning"`
		IDBased   struct{ K int } `json:"id_based"`
		Churn     struct{ K int } `json:"churn"`
	}
	total := func(id, view string) int {
		t.Helper()
		w := f.do("GET", "/v1/customers?per_page=1&list="+url.QueryEscape(id)+view, tok, nil)
		if w.Code != 200 {
			t.Fatalf("list %s%s: %d %s", id, view, w.Code, w.Body.String())
		}
		return decode[customerList](t, w).Total
	}
	all := decode[customerList](t, f.do("GET", "/v1/customers?list=all&per_page=1", tok, nil))
	region := all.Customers[0].Attributes["region"]
	if region == "" {
		t.Fatal("the synthetic company's first customer has no region")
	}
	lost, n := 0, 0
	for _, view := range []string{"&grain=month", "&grain=quarter&by=region", "&grain=week&window=8",
		"&grain=month&by=segment&segment=region%3D" + url.QueryEscape(region)} {
		rep := decode[struct {
			Retention   []row `json:"retention"`
			RetentionBy []row `json:"retention_by"`
		}](t, f.do("GET", "/v1/report?"+view[1:], tok, nil))
		if len(rep.Retention) == 0 {
			t.Fatalf("%s: no retention rows", view)
		}
		rows := rep.Retention
		for _, r := range rep.RetentionBy {
			r.Period += ":" + r.Segment
			rows = append(rows, r)
		}
		for _, r := range rows {
			for _, c := range []struct {
				kind string
				want int
			}{{"lost", r.Churn.K}, {"retained", r.IDBased.K}, {"active", r.End}, {"new", r.New}, {"returning", r.Returning}} {
				if c.kind != "lost" && n%5 != 0 { // the other kinds on a sample of rows
					continue
				}
				if got := total(c.kind+":"+r.Period, view); got != c.want {
					t.Errorf("%s %s:%s: %d customers listed, the retention row counts %d", view, c.kind, r.Period, got, c.want)
				}
			}
			lost += r.Churn.K
			n++
		}
	}
	if lost == 0 {
		t.Fatal("no customer lost in any period: nothing checked")
	}
	for _, bad := range []struct {
		list, view string
		want       int
	}{{"lost:1999-01", "", 404}, {"lost:2024-03:North", "", 400}, {"lost:2024-Q1", "&grain=month", 404}} {
		if w := f.do("GET", "/v1/customers?list="+url.QueryEscape(bad.list)+bad.view, tok, nil); w.Code != bad.want {
			t.Errorf("list=%s%s: %d, want %d: %s", bad.list, bad.view, w.Code, bad.want, w.Body.String())
		}
	}
}

// TestLostListsHandBuilt serves a store small enough to work by hand (2024; window 1 month,
// active = bought that month): A buys in Jan, Feb, Mar; B in Jan and Mar; C in Feb; D in Mar and
// Apr (and a refund in Apr, no purchase); E in Jan. Active Jan {A,B,E}, Feb {A,C}, Mar {A,B,D},
// Apr {D}: lost Feb {B,E}, Mar {C}, Apr {A,B}. By region (A, B, E North; C, D South), April's
// lost are North's A and B, South loses nobody.
func TestLostListsHandBuilt(t *testing.T) {
	f := newFixture(t, true, nil)
	tok := f.secret["read"]
	dir := t.TempDir()
	for kind, body := range map[fidelis.Kind]string{
		fidelis.Customers: "customer_id,region\nA,North\nB,North\nC,South\nD,South\nE,North\n",
		fidelis.Orders: "order_id,customer_id,date,amount\no1,A,2024-01-15,10\no2,A,2024-02-15,10\no3,A,2024-03-15,10\n" +
			"o4,B,2024-01-15,10\no5,B,2024-03-15,10\no6,C,2024-02-15,10\no7,D,2024-03-15,10\no8,D,2024-04-15,30\n" +
			"o9,D,2024-04-20,-5\no10,E,2024-01-15,10\n",
	} {
		p := filepath.Join(dir, string(kind)+".csv")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ingest.Import(t.Context(), f.st, kind, p, ingest.Options{Rejects: p + ".rejects"}); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(list, view string) []string {
		t.Helper()
		w := f.do("GET", "/v1/customers?list="+url.QueryEscape(list)+view, tok, nil)
		if w.Code != 200 {
			t.Fatalf("%s%s: %d %s", list, view, w.Code, w.Body.String())
		}
		var out []string
		for _, c := range decode[customerList](t, w).Customers {
			out = append(out, c.CustomerID)
		}
		return out
	}
	rep := decode[struct {
		Retention []struct {
			Period   string `json:"period"`
			Lost     int    `json:"lost"`
			LostList string `json:"lost_list"`
		} `json:"retention"`
		RetentionBy []struct {
			Segment  string `json:"segment"`
			Period   string `json:"period"`
			Lost     int    `json:"lost"`
			LostList string `json:"lost_list"`
		} `json:"retention_by"`
	}](t, f.do("GET", "/v1/metrics?grain=month&window=1&by=region", tok, nil))
	want := map[string][]string{"2024-02": {"B", "E"}, "2024-03": {"C"}, "2024-04": {"A", "B"}}
	if len(rep.Retention) != len(want) {
		t.Fatalf("retention rows %+v, want Feb, Mar, Apr", rep.Retention)
	}
	for _, r := range rep.Retention {
		got := ids(r.LostList, "&grain=month&window=1&by=region")
		if r.LostList != "lost:"+r.Period || r.Lost != len(want[r.Period]) || !slices.Equal(got, want[r.Period]) {
			t.Errorf("%s: lost %d, list %s = %v; want %v", r.Period, r.Lost, r.LostList, got, want[r.Period])
		}
	}
	checked := 0
	for _, r := range rep.RetentionBy {
		if r.Period != "2024-04" {
			continue
		}
		w := map[string][]string{"North": {"A", "B"}, "South": nil}[r.Segment]
		got := ids(r.LostList, "&grain=month&window=1&by=region")
		if r.LostList != "lost:2024-04:"+r.Segment || r.Lost != len(w) || !slices.Equal(got, w) {
			t.Errorf("April, %s: lost %d, list %s = %v; want %v", r.Segment, r.Lost, r.LostList, got, w)
		}
		checked++
	}
	if checked != 2 {
		t.Errorf("April rows by region: %d, want North and South", checked)
	}
}
