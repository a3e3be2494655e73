package synth_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"fidelis"
	"fidelis/synth"
)

// The shared fixture: 20 000 customers (the default size), written once.
var (
	fixOnce sync.Once
	fixDir  string
	fixMan  synth.Manifest
	fixErr  error
)

func fixture(t *testing.T) (string, synth.Manifest) {
	t.Helper()
	fixOnce.Do(func() {
		fixDir, fixErr = os.MkdirTemp("", "synth-fixture-")
		if fixErr == nil {
			fixMan, fixErr = synth.Write(context.Background(), fixDir, synth.Config{}, nil)
		}
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fixDir, fixMan
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixDir != "" {
		os.RemoveAll(fixDir)
	}
	os.Exit(code)
}

type table struct {
	header []string
	rows   [][]string
}

func (tb table) col(name string) int { return slices.Index(tb.header, name) }

func readCSV(t *testing.T, dir string, k fidelis.Kind) table {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, string(k)+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", k, err)
	}
	return table{header: rows[0], rows: rows[1:]}
}

func TestHeadersMatchSchemas(t *testing.T) {
	dir, _ := fixture(t)
	for _, k := range fidelis.Kinds {
		var want []string
		for _, f := range fidelis.Schemas[k].Fields {
			want = append(want, f.Name)
		}
		if k == fidelis.Customers {
			want = append(want, "age_band", "gender")
		}
		tb := readCSV(t, dir, k)
		if !slices.Equal(tb.header, want) {
			t.Errorf("%s header %v, want %v", k, tb.header, want)
		}
		if len(tb.rows) == 0 {
			t.Errorf("%s has no rows", k)
		}
		for i, r := range tb.rows {
			if len(r) != len(want) {
				t.Fatalf("%s line %d has %d fields, want %d", k, i+2, len(r), len(want))
			}
		}
	}
}

func fileBytes(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// TestDeterministic: the same Config gives the same bytes, whatever the number of workers; another
// seed gives other bytes.
func TestDeterministic(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	cfg := synth.Config{Customers: 5000, Seed: 42}
	write := func(name string, cfg synth.Config) map[string][]byte {
		dir := filepath.Join(base, name)
		if _, err := synth.Write(ctx, dir, cfg, nil); err != nil {
			t.Fatal(err)
		}
		return fileBytes(t, dir)
	}
	a := write("a", cfg)
	prev := runtime.GOMAXPROCS(1)
	b := write("b", cfg)
	runtime.GOMAXPROCS(prev)
	c := write("c", synth.Config{Customers: 5000, Seed: 43})
	if len(a) != len(fidelis.Kinds)+1 {
		t.Fatalf("wrote %d files, want %d", len(a), len(fidelis.Kinds)+1)
	}
	for name, x := range a {
		if !bytes.Equal(x, b[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	for _, name := range []string{"orders.csv", "customers.csv", "surveys.csv"} {
		if bytes.Equal(a[name], c[name]) {
			t.Errorf("%s is the same for seeds 42 and 43", name)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	_, err := synth.Write(context.Background(), t.TempDir(), synth.Config{Customers: -5}, nil)
	if fidelis.ErrorCode(err) != fidelis.EInvalid {
		t.Errorf("negative customers: err %v, want code invalid", err)
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = synth.Write(context.Background(), t.TempDir(), synth.Config{Customers: 5, Start: start, End: start}, nil)
	if fidelis.ErrorCode(err) != fidelis.EInvalid {
		t.Errorf("empty window: err %v, want code invalid", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = synth.Write(ctx, t.TempDir(), synth.Config{Customers: 50000}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err %v, want context.Canceled", err)
	}
}

// TestTruthJSON: truth.json round-trips and agrees with the manifest.
func TestTruthJSON(t *testing.T) {
	dir, m := fixture(t)
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tr synth.Truth
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	if tr.Customers != synth.DefaultCustomers || tr.Realized != m.Truth.Realized || tr.Program.RateEffect != 0.10 {
		t.Errorf("truth.json disagrees with the manifest: %+v vs %+v", tr.Realized, m.Truth.Realized)
	}
	if len(tr.Cells) != 12 || len(tr.Drivers) == 0 {
		t.Errorf("truth has %d cells and %d drivers", len(tr.Cells), len(tr.Drivers))
	}
	if m.Rows[fidelis.Customers] != int64(synth.DefaultCustomers) {
		t.Errorf("customers rows %d", m.Rows[fidelis.Customers])
	}
}

type customer struct {
	signup                            time.Time
	segment, region, country, channel string
}

func customers(t *testing.T, dir string) map[string]customer {
	t.Helper()
	tb := readCSV(t, dir, fidelis.Customers)
	out := make(map[string]customer, len(tb.rows))
	var prev time.Time
	for _, r := range tb.rows {
		ts := parseTS(t, r[1])
		if ts.Before(prev) {
			t.Fatalf("customer %s signs up before the previous one", r[0])
		}
		prev = ts
		if _, dup := out[r[0]]; dup {
			t.Fatalf("duplicate customer %s", r[0])
		}
		out[r[0]] = customer{signup: ts, region: r[2], country: r[3], segment: r[4], channel: r[5]}
	}
	return out
}

func parseTS(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse("2006-01-02T15:04:05Z", s)
	if err != nil {
		t.Fatalf("timestamp %q: %v", s, err)
	}
	if ts.Before(synth.DefaultStart) || !ts.Before(synth.DefaultEnd) {
		t.Fatalf("timestamp %s outside the window", s)
	}
	return ts
}

// TestReferentialIntegrity: every customer id in another file is a customer; every timestamp parses
// and lies in the window; referred customers came through the referral channel.
func TestReferentialIntegrity(t *testing.T) {
	dir, _ := fixture(t)
	cs := customers(t, dir)
	refs := map[fidelis.Kind][]string{
		fidelis.Orders: {"customer_id"}, fidelis.Subscriptions: {"customer_id"}, fidelis.Surveys: {"customer_id"},
		fidelis.Referrals: {"referrer_id", "converted_customer_id"}, fidelis.Program: {"customer_id"},
		fidelis.Interactions: {"customer_id"}, fidelis.Social: {"customer_id"}, fidelis.Exits: {"customer_id"},
	}
	for k, cols := range refs {
		tb := readCSV(t, dir, k)
		ids := map[string]bool{}
		for _, r := range tb.rows {
			if id := r[0]; ids[id] {
				t.Fatalf("%s: duplicate id %s", k, id)
			} else {
				ids[id] = true
			}
			for _, c := range cols {
				id := r[tb.col(c)]
				if id == "" && (k == fidelis.Social || c == "converted_customer_id") {
					continue // anonymous mentions, referrals that did not convert
				}
				if _, ok := cs[id]; !ok {
					t.Fatalf("%s: %s %q is not a customer", k, c, id)
				}
			}
			for i, f := range fidelis.Schemas[k].Fields {
				if f.Type == fidelis.Time && r[i] != "" {
					parseTS(t, r[i])
				}
			}
		}
	}
	// Converted referrals: the new customer came through the referral channel, signed up at
	// conversion, and was invited after the referrer signed up.
	tb := readCSV(t, dir, fidelis.Referrals)
	converted := 0
	for _, r := range tb.rows {
		if r[5] == "" {
			continue
		}
		converted++
		nc, ref := cs[r[5]], cs[r[1]]
		if nc.channel != "referral" || !parseTS(t, r[4]).Equal(nc.signup) {
			t.Fatalf("referral %s: converted customer %+v, converted_at %s", r[0], nc, r[4])
		}
		if parseTS(t, r[3]).Before(ref.signup) || !ref.signup.Before(nc.signup) {
			t.Fatalf("referral %s: invited %s, referrer signed up %s", r[0], r[3], ref.signup)
		}
	}
	want := 0
	for _, c := range cs {
		if c.channel == "referral" {
			want++
		}
	}
	if converted != want {
		t.Errorf("%d converted referrals, %d customers acquired by referral", converted, want)
	}
}

type orderStats struct {
	purchases, refunds map[string]int
	first              map[string]time.Time
	spend              map[string][2]float64 // segment: sum, count
}

func readOrders(t *testing.T, dir string, cs map[string]customer) orderStats {
	tb := readCSV(t, dir, fidelis.Orders)
	s := orderStats{purchases: map[string]int{}, refunds: map[string]int{}, first: map[string]time.Time{},
		spend: map[string][2]float64{}}
	for _, r := range tb.rows {
		amt, err := strconv.ParseFloat(r[3], 64)
		if err != nil || r[4] != "EUR" {
			t.Fatalf("order %v", r)
		}
		if amt < 0 {
			s.refunds[r[1]]++
			continue
		}
		s.purchases[r[1]]++
		ts := parseTS(t, r[2])
		if f, ok := s.first[r[1]]; !ok || ts.Before(f) {
			s.first[r[1]] = ts
		}
		seg := cs[r[1]].segment
		x := s.spend[seg]
		s.spend[seg] = [2]float64{x[0] + amt, x[1] + 1}
	}
	return s
}

// TestOrdersRecoverModel checks the purchase process against its planted BG/NBD parameters.
//
// Every customer's first order is at signup and the rest follow the BG/NBD on an effective clock
// τ = seasonally weighted weeks from signup to End, plus RateEffect × those from enrolment on for
// programme members. So E[orders] = 1 + E[X(τ)] with E[X(t)] from Fader, Hardie & Lee (2005) eq. 9
// and the cell's (r, α, a, b). The test compares Σ orders with Σ expectations; the tolerance is
// 4 standard errors of the mean difference (estimated from the data) plus 1.5% for one known
// approximation: intending members who drop out before their enrolment date cannot be seen, so
// their clock is taken unboosted while the model had it boosted (a bias below 1%: about a quarter
// of the members-to-be, a 10% boost on part of their remaining expected purchases).
func TestOrdersRecoverModel(t *testing.T) {
	dir, m := fixture(t)
	tr := m.Truth
	cs := customers(t, dir)
	os := readOrders(t, dir, cs)

	enrol := map[string]time.Time{}
	pg := readCSV(t, dir, fidelis.Program)
	for _, r := range pg.rows {
		if r[3] == "enroll" {
			enrol[r[1]] = parseTS(t, r[2])
		}
	}
	if int64(len(enrol)) != tr.Realized.Members {
		t.Errorf("%d enrol events, truth says %d members", len(enrol), tr.Realized.Members)
	}

	var sumObs, sumExp, sumSq float64
	n := 0
	for id, c := range cs {
		if !os.first[id].Equal(c.signup) {
			t.Fatalf("customer %s: first order %s, signup %s", id, os.first[id], c.signup)
		}
		cell, ok := tr.Cell(c.segment, c.region)
		if !ok {
			t.Fatalf("no cell for %+v", c)
		}
		tau := tr.EffectiveWeeks(c.signup, tr.End)
		if e, ok := enrol[id]; ok {
			tau += tr.Program.RateEffect * tr.EffectiveWeeks(e, tr.End)
		}
		exp := 1 + cell.ExpectedRepeats(tau)
		obs := float64(os.purchases[id])
		sumObs += obs
		sumExp += exp
		sumSq += (obs - exp) * (obs - exp)
		n++
	}
	meanObs, meanExp := sumObs/float64(n), sumExp/float64(n)
	se := math.Sqrt(sumSq/float64(n)-math.Pow(meanObs-meanExp, 2)) / math.Sqrt(float64(n))
	tol := 4*se + 0.015*meanExp
	t.Logf("orders per customer: observed %.3f, BG/NBD expectation %.3f (SE %.3f, tolerance %.3f)", meanObs, meanExp, se, tol)
	if math.Abs(meanObs-meanExp) > tol {
		t.Errorf("mean orders per customer %.3f, model expects %.3f ± %.3f", meanObs, meanExp, tol)
	}
	// The default size is tuned to about 10 orders per customer (1M customers → ~10M orders).
	if meanObs < 9 || meanObs > 11 {
		t.Errorf("mean orders per customer %.2f, want about 10", meanObs)
	}

	// Refunds: each purchase is refunded with probability RefundShare unless the refund would fall
	// after End (1–14 days later: under 1.3% of purchases are that late). Binomial tolerance.
	var refunds, purchases int
	for _, v := range os.refunds {
		refunds += v
	}
	for _, v := range os.purchases {
		purchases += v
	}
	share := float64(refunds) / float64(purchases)
	sd := math.Sqrt(tr.RefundShare * (1 - tr.RefundShare) / float64(purchases))
	if math.Abs(share-tr.RefundShare) > 4*sd+0.02*tr.RefundShare {
		t.Errorf("refund share %.4f, planted %.3f", share, tr.RefundShare)
	}

	// Spend: the mean order value of each segment is the Gamma-Gamma mean p·γ/(q−1) averaged over
	// its regions (spend does not depend on frequency). The per-customer mean has a heavy right tail
	// (1/ν is inverse-gamma), so the tolerance is a generous 8%.
	for _, seg := range tr.Segments {
		var want, w float64
		for _, c := range tr.Cells {
			if c.Segment == seg.Name {
				want += c.Share * c.MeanSpend
				w += c.Share
			}
		}
		want /= w
		x := os.spend[seg.Name]
		got := x[0] / x[1]
		t.Logf("%s: mean order value %.2f, planted %.2f", seg.Name, got, want)
		if math.Abs(got-want) > 0.08*want {
			t.Errorf("%s: mean order value %.2f, planted %.2f", seg.Name, got, want)
		}
	}

	// Self-selection into the programme: members buy more often than non-members, and the member
	// share is what the truth says.
	var mem, non [2]float64
	for id := range cs {
		x := float64(os.purchases[id])
		if _, ok := enrol[id]; ok {
			mem[0] += x
			mem[1]++
		} else {
			non[0] += x
			non[1]++
		}
	}
	t.Logf("members %.0f (%.1f%%): %.2f orders each; non-members %.2f", mem[1], 100*mem[1]/float64(n), mem[0]/mem[1], non[0]/non[1])
	if mem[0]/mem[1] < 1.3*non[0]/non[1] {
		t.Errorf("members do not self-select on frequency: %.2f vs %.2f orders", mem[0]/mem[1], non[0]/non[1])
	}
	if s := mem[1] / float64(n); s < 0.15 || s > 0.5 {
		t.Errorf("member share %.3f", s)
	}
}

// words splits a comment into lower-case words.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
}

func containsSeq(ws, phrase []string) bool {
	for i := 0; i+len(phrase) <= len(ws); i++ {
		if slices.Equal(ws[i:i+len(phrase)], phrase) {
			return true
		}
	}
	return false
}

// TestSurveys: languages follow countries, carry their diacritics, and the planted driver phrases
// appear mostly in their group's NPS comments (DriverNoise = 10% of comments draw a random group,
// so about 93% should land in the intended group; we ask for 80%).
func TestSurveys(t *testing.T) {
	dir, m := fixture(t)
	cs := customers(t, dir)
	tb := readCSV(t, dir, fidelis.Surveys)
	diacritics := map[string]string{"pl": "ąćęłńóśźż", "ro": "ăâîșț", "lv": "āčēģīķļņšūž"}
	seen := map[string]int{}
	withDia := map[string]int{}
	type key struct{ phrase, group string }
	counts := map[key]int{}
	var nps, promoters, detractors int
	scaleRange := map[string][2]int{"nps": {0, 10}, "csat": {1, 5}, "ces": {1, 7}, "trust": {1, 5},
		"attachment": {1, 7}, "belonging": {1, 7}, "identification": {1, 7}}
	for _, r := range tb.rows {
		kind, lang, comment := r[3], r[7], r[6]
		score, err := strconv.Atoi(r[4])
		rg, ok := scaleRange[kind]
		if err != nil || !ok || score < rg[0] || score > rg[1] {
			t.Fatalf("survey row %v", r)
		}
		want := m.Truth.Languages[cs[r[1]].country]
		if lang != want {
			t.Fatalf("survey %s in %q, customer's country %s speaks %q", r[0], lang, cs[r[1]].country, want)
		}
		if comment == "" {
			continue
		}
		seen[lang]++
		if strings.ContainsAny(comment, diacritics[lang]) {
			withDia[lang]++
		}
		if kind != "nps" {
			continue
		}
		nps++
		group := "passive"
		if score <= 6 {
			group = "detractor"
			detractors++
		} else if score >= 9 {
			group = "promoter"
			promoters++
		}
		ws := words(comment)
		for _, d := range m.Truth.Drivers {
			if d.Language == lang && containsSeq(ws, words(d.Phrase)) {
				counts[key{d.Phrase, group}]++
			}
		}
	}
	for _, l := range []string{"en", "pl", "ro", "lv"} {
		if seen[l] == 0 {
			t.Errorf("no comments in %s", l)
		}
		if l != "en" && withDia[l] < seen[l]/4 {
			t.Errorf("%s: only %d of %d comments have diacritics", l, withDia[l], seen[l])
		}
	}
	t.Logf("NPS comments %d: promoters %d, detractors %d", nps, promoters, detractors)
	// Expected share in the intended group: with D the detractor share of NPS comments (about
	// 0.18), a detractor phrase comes from detractors 0.9·D/4 + 0.1·D/12 of the time and from
	// others 0.1·(1−D)/12: about 86%; promoters (about half) give about 97%. We ask 75% per
	// language and group (n ≈ 100–1000), and 60% per phrase (n ≈ 30–300).
	type lg struct{ lang, group string }
	pooledIn, pooledAll := map[lg]int{}, map[lg]int{}
	for _, d := range m.Truth.Drivers {
		if d.Group == "passive" {
			continue
		}
		in := counts[key{d.Phrase, d.Group}]
		all := counts[key{d.Phrase, "detractor"}] + counts[key{d.Phrase, "promoter"}] + counts[key{d.Phrase, "passive"}]
		pooledIn[lg{d.Language, d.Group}] += in
		pooledAll[lg{d.Language, d.Group}] += all
		if all < 10 {
			t.Errorf("driver %q (%s) appears in only %d NPS comments", d.Phrase, d.Language, all)
			continue
		}
		if float64(in) < 0.6*float64(all) {
			t.Errorf("driver %q (%s): %d of %d comments in %s group", d.Phrase, d.Language, in, all, d.Group)
		}
	}
	for k, all := range pooledAll {
		if in := pooledIn[k]; float64(in) < 0.75*float64(all) {
			t.Errorf("%s %s drivers: %d of %d comments in the group", k.lang, k.group, in, all)
		}
	}
}

// TestAdvocacyAndExits: promoters refer more than detractors; exit reasons and subscriptions are
// well formed.
func TestAdvocacyAndExits(t *testing.T) {
	dir, m := fixture(t)
	sv := readCSV(t, dir, fidelis.Surveys)
	npsSum, npsN := map[string]float64{}, map[string]float64{}
	for _, r := range sv.rows {
		if r[3] == "nps" {
			x, _ := strconv.ParseFloat(r[4], 64)
			npsSum[r[1]] += x
			npsN[r[1]]++
		}
	}
	invites := map[string]int{}
	for _, r := range readCSV(t, dir, fidelis.Referrals).rows {
		invites[r[1]]++
	}
	var pro, det [2]float64
	for id, n := range npsN {
		mean := npsSum[id] / n
		switch {
		case mean >= 9:
			pro[0] += float64(invites[id])
			pro[1]++
		case mean <= 6:
			det[0] += float64(invites[id])
			det[1]++
		}
	}
	t.Logf("referrals per promoter %.3f, per detractor %.3f", pro[0]/pro[1], det[0]/det[1])
	if pro[0]/pro[1] < 1.5*det[0]/det[1] {
		t.Errorf("promoters do not refer more: %.3f vs %.3f", pro[0]/pro[1], det[0]/det[1])
	}

	reasons := map[string]bool{}
	for r := range m.Truth.Exits.Base {
		reasons[r] = true
	}
	for _, r := range readCSV(t, dir, fidelis.Exits).rows {
		if !reasons[r[3]] {
			t.Fatalf("exit reason %q", r[3])
		}
	}
	subs := readCSV(t, dir, fidelis.Subscriptions)
	live := 0
	for _, r := range subs.rows {
		if r[4] == "" {
			live++
		} else if !parseTS(t, r[4]).After(parseTS(t, r[3])) {
			t.Fatalf("subscription %v ends before it starts", r)
		}
		if r[2] != "basic" && r[2] != "plus" {
			t.Fatalf("plan %q", r[2])
		}
	}
	if live == 0 || live == len(subs.rows) {
		t.Errorf("%d of %d subscriptions live", live, len(subs.rows))
	}
}

// BenchmarkWrite measures generation of 20 000 customers (~200 000 orders) to disk.
func BenchmarkWrite(b *testing.B) {
	dir := b.TempDir()
	var m synth.Manifest
	for b.Loop() {
		var err error
		if m, err = synth.Write(context.Background(), dir, synth.Config{Customers: 20000}, nil); err != nil {
			b.Fatal(err)
		}
	}
	var rows int64
	for _, n := range m.Rows {
		rows += n
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(20000/sec, "customers/s")
	b.ReportMetric(float64(m.Rows[fidelis.Orders])/sec, "orders/s")
	b.ReportMetric(float64(rows)/sec, "rows/s")
}
