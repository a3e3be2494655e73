package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/ingest"
	"fidelis/server"
	"fidelis/synth"
	"fidelis/web"
)

// demoCustomers is the size of the synthetic company the browser test serves: the demo's
// generator at a quarter of its default size, enough for every page (models pass the gate) while
// the first analysis stays within seconds on two cores.
const demoCustomers = 5000

// TestDashboardInChromium runs the dashboard in Debian's Chromium against a real server on the
// demo company's store: every page loads without a console error and without a request leaving
// the server; the date range and the breakdown change what is fetched and shown; a click on a
// cohort cell opens exactly the customers that cell counts (checked against the orders file the
// store was imported from); a click on a retention period's lost count opens that list (checked
// against the report and the API); a table and a customer list export as CSV; the page speaks
// Polish. Screenshots go to $FIDELIS_SHOTS or a temporary directory, printed with -v.
func TestDashboardInChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
	}
	if testing.Short() {
		t.Skip("-short: the browser test builds a store and starts Chromium")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	m, err := synth.Write(t.Context(), data, synth.Config{Customers: demoCustomers, Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := duckdb.Open(t.Context(), filepath.Join(dir, "demo.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, k := range fidelis.Kinds {
		if p, ok := m.Files[k]; ok {
			if _, err := ingest.Import(t.Context(), st, k, p, ingest.Options{Rejects: p + ".rejects.csv"}); err != nil {
				t.Fatalf("import %s: %v", k, err)
			}
		}
	}
	toks, err := server.OpenTokens(filepath.Join(dir, "tokens"))
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := toks.Create("browser-test", []string{server.ScopeRead}, 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := web.FS()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Store: st, Tokens: toks, Dashboard: fsys})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close) // after the browser's cleanup (LIFO), so no connection is left open
	api := func(path string, v any) {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}

	shots := os.Getenv("FIDELIS_SHOTS") // where to keep the screenshots; a new temporary folder by default
	if shots == "" {
		shots, err = os.MkdirTemp("", "fidelis-dashboard-shots-")
	} else {
		err = os.MkdirAll(shots, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)
	downloads := filepath.Join(dir, "downloads")
	b := newBrowser(t, chromium, ts.URL, downloads)

	// Log in with the token, as the URL `fidelis serve` prints; the first view computes the
	// analysis (cold), the second comes from the server's cache (warm).
	start := time.Now()
	b.do(chromedp.Navigate(ts.URL + "/login?token=" + secret))
	b.waitRenderWithin(0, "overview:en", 15*time.Minute) // the first analysis of the store (model fits)
	cold := time.Since(start)
	b.do(chromedp.Navigate(ts.URL + "/"))
	b.waitRender(0, "overview:en")
	paint := b.eval(`JSON.stringify({fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || -1,
		ready: performance.getEntriesByName('fidelis-render-1')[0].startTime})`)
	t.Logf("first view after login (cold analysis): %v; warm reload: %s (ms: first contentful paint, tiles rendered)", cold.Round(time.Millisecond), paint)

	pages := map[string]string{ // page → what it must show
		"overview":  `[data-tile="retention"] .tile-value`,
		"retention": `#chart-cohorts canvas`,
		"value":     `#chart-palive canvas`,
		"voice":     `#chart-nps canvas`,
		"referrals": `#chart-referrals canvas`,
		"actions":   `tr.click`,
	}
	for _, p := range []string{"overview", "retention", "value", "voice", "referrals", "actions"} {
		n := b.renders()
		b.do(chromedp.Click(chromedp.CSS(`#nav a[data-page="` + p + `"]`)))
		b.waitRender(n, p+":en")
		if got := b.eval(`document.querySelectorAll(` + strconv.Quote(pages[p]) + `).length`); got == "0" {
			t.Errorf("%s: nothing matches %s", p, pages[p])
		}
		if e := b.eval(`(document.querySelector('main .error') || {}).textContent || ''`); e != `""` {
			t.Errorf("%s: %s", p, e)
		}
		b.screenshot(filepath.Join(shots, p+".png"))
	}

	// The date range and the comparison: the URL carries them, the API is asked for them.
	n := b.renders()
	b.setControl("from", "2025-07-01")
	b.waitRender(n, "actions:en")
	n = b.renders()
	b.setControl("to", "2026-07-01")
	b.waitRender(n, "actions:en")
	n = b.renders()
	b.setControl("compare", "year")
	b.waitRender(n, "actions:en")
	if u := b.eval(`location.search`); !strings.Contains(u, "from=2025-07-01") || !strings.Contains(u, "to=2026-07-01") || !strings.Contains(u, "compare=year") {
		t.Errorf("URL after the date change: %s", u)
	}
	b.wantRequest("/v1/report?from=2025-07-01&to=2026-07-01&grain=month")
	b.wantRequest("/v1/report?from=2024-07-01&to=2025-07-01&grain=month")
	n = b.renders()
	b.do(chromedp.Click(chromedp.CSS(`#nav a[data-page="overview"]`)))
	b.waitRender(n, "overview:en")
	if d := b.eval(`document.querySelectorAll('.tile .delta').length`); d == "0" {
		t.Error("overview with a comparison shows no change on any tile")
	}
	b.screenshot(filepath.Join(shots, "overview-compare.png"))
	n = b.renders()
	b.do(chromedp.Click(chromedp.ID("reset")))
	b.waitRender(n, "overview:en")

	// The breakdown: the retention page compares the regions the API reports.
	n = b.renders()
	b.do(chromedp.Click(chromedp.CSS(`#nav a[data-page="retention"]`)))
	b.waitRender(n, "retention:en")
	n = b.renders()
	b.setControl("by", "region")
	b.waitRender(n, "retention:en")
	b.screenshot(filepath.Join(shots, "retention-by-region.png"))
	var byRegion struct {
		PurchasesBy []struct{ Segment string } `json:"purchases_by"`
	}
	api("/v1/report?grain=month&by=region", &byRegion)
	rows := b.eval(`JSON.stringify([...document.querySelectorAll('table[aria-label^="Segments"] tbody tr')].map(r => r.cells[0].textContent))`)
	var shown []string
	_ = json.Unmarshal([]byte(unquote(rows)), &shown)
	var want []string
	for _, s := range byRegion.PurchasesBy {
		want = append(want, s.Segment)
	}
	if len(want) < 2 || !slices.Equal(shown, want) {
		t.Errorf("segments shown %v, API has %v", shown, want)
	}
	n = b.renders()
	b.setControl("by", "")
	b.waitRender(n, "retention:en")

	// The segment filter: region = North, added from the controls; the cohorts the page exports
	// are the filtered API's, and removing the chip brings back everyone.
	var north struct {
		Cohorts struct {
			Rows []struct {
				Cohort string
				Size   int
			}
		}
	}
	api("/v1/report?grain=month&segment=region%3DNorth", &north)
	b.setControl("seg-attr", "region")
	n = b.renders()
	b.do(chromedp.SetValue(chromedp.ID("seg-value"), "North"), chromedp.Click(chromedp.ID("seg-add")))
	b.waitRender(n, "retention:en")
	if l := unquote(b.eval(`location.search + ' ' + document.querySelectorAll('#segments .chip').length`)); !strings.Contains(l, "segment=region%3DNorth") || !strings.HasSuffix(l, " 1") {
		t.Errorf("segment filter in the URL and chips: %s", l)
	}
	b.screenshot(filepath.Join(shots, "retention-north.png"))
	b.do(chromedp.Click(chromedp.CSS(`button[data-export="cohorts"]`)))
	northCSV := b.download("fidelis-cohorts.csv")
	recs := readCSV(t, northCSV)
	os.Remove(northCSV) // the unfiltered export below has the same name
	if len(recs) != len(north.Cohorts.Rows)+1 || recs[1][1] != strconv.Itoa(north.Cohorts.Rows[0].Size) {
		t.Errorf("cohorts CSV under region=North: %d lines, first %v; the API has %d cohorts, first %+v", len(recs), recs[min(1, len(recs)-1)], len(north.Cohorts.Rows), north.Cohorts.Rows[0])
	}
	n = b.renders()
	b.do(chromedp.Click(chromedp.CSS(`#segments .chip`)))
	b.waitRender(n, "retention:en")

	// A table exports as CSV: the cohorts, one row per cohort, raw shares.
	var rep struct {
		Cohorts struct {
			Rows []struct {
				Cohort  string
				Size    int
				Bounded []struct{ K, N int }
			}
		}
	}
	api("/v1/report?grain=month", &rep)
	b.do(chromedp.Click(chromedp.CSS(`button[data-export="cohorts"]`)))
	recs = readCSV(t, b.download("fidelis-cohorts.csv"))
	if len(recs) != len(rep.Cohorts.Rows)+1 || recs[1][0] != rep.Cohorts.Rows[0].Cohort || recs[1][1] != strconv.Itoa(rep.Cohorts.Rows[0].Size) {
		t.Errorf("cohorts CSV: %d lines, first row %v; report has %d cohorts, first %+v", len(recs), recs[min(1, len(recs)-1)], len(rep.Cohorts.Rows), rep.Cohorts.Rows[0])
	}

	// Click a cohort cell on the heatmap (a real mouse click on the canvas, at the cell's pixel)
	// and check the list against the orders file.
	ci, off := len(rep.Cohorts.Rows)/2, 2
	cohort := rep.Cohorts.Rows[ci].Cohort
	xy := b.eval(fmt.Sprintf(`(() => { const box = document.getElementById('chart-cohorts'); const c = echarts.getInstanceByDom(box);
		box.scrollIntoView(); const [x, y] = c.convertToPixel({seriesIndex: 0}, [%d, %d]); const r = box.getBoundingClientRect();
		return JSON.stringify([r.left + x, r.top + y]); })()`, off, ci))
	var pt [2]float64
	if err := json.Unmarshal([]byte(unquote(xy)), &pt); err != nil {
		t.Fatalf("cell position %s: %v", xy, err)
	}
	n = b.renders()
	b.do(chromedp.MouseClickXY(pt[0], pt[1]))
	b.waitRender(n, "retention:en")
	listID := fmt.Sprintf("cohort:%s:%d", cohort, off)
	b.waitDialog(listID + "#1")
	expect := cohortCustomers(t, m.Files[fidelis.Orders], cohort, off)
	if total := unquote(b.eval(`document.getElementById('drill').dataset.total`)); total != strconv.Itoa(len(expect)) || len(expect) != rep.Cohorts.Rows[ci].Bounded[off].K {
		t.Errorf("%s: the list has %s customers; the orders file %d, the report's cell %d", listID, total, len(expect), rep.Cohorts.Rows[ci].Bounded[off].K)
	}
	b.screenshotView(filepath.Join(shots, "drill-down.png"))
	b.do(chromedp.Click(chromedp.ID("drill-csv")))
	list := readCSV(t, b.downloadAny(".csv"))
	var got []string
	for _, r := range list[1:] {
		got = append(got, r[0])
	}
	slices.Sort(got)
	if !slices.Equal(got, expect) {
		t.Errorf("%s CSV: %d customers, the orders file gives %d (first %v vs %v)", listID, len(got), len(expect), got[:min(3, len(got))], expect[:min(3, len(expect))])
	}
	b.do(chromedp.Click(chromedp.ID("drill-close")))

	// A retention period's lost customers: the number in the period table opens the list its
	// lost_list names, as long as the report's count (active the month before, not this one).
	var ret struct {
		Retention []struct {
			Period   string
			Lost     int
			LostList string `json:"lost_list"`
		}
	}
	api("/v1/report?grain=month", &ret)
	lost := ret.Retention[len(ret.Retention)-2] // the last complete period
	if lost.Lost == 0 || lost.LostList != "lost:"+lost.Period {
		t.Fatalf("retention row %+v: no lost customers or no list", lost)
	}
	var lostList struct{ Total int }
	api("/v1/customers?grain=month&per_page=1&list="+lost.LostList, &lostList)
	n = b.renders()
	b.do(chromedp.Click(chromedp.CSS(`table[aria-label="Customers by period"] button[data-list="` + lost.LostList + `"]`)))
	b.waitRender(n, "retention:en")
	b.waitDialog(lost.LostList + "#1")
	if total := unquote(b.eval(`document.getElementById('drill').dataset.total`)); total != strconv.Itoa(lost.Lost) || lostList.Total != lost.Lost {
		t.Errorf("%s: the dialog lists %s customers, the API's list %d, the report's lost count %d", lost.LostList, total, lostList.Total, lost.Lost)
	}
	if u := unquote(b.eval(`location.search`)); !strings.Contains(u, "list="+strings.ReplaceAll(lost.LostList, ":", "%3A")) {
		t.Errorf("the open list is not in the URL: %s", u)
	}
	if title := unquote(b.eval(`document.getElementById('drill-title').textContent`)); title != "Lost customers, "+lost.Period {
		t.Errorf("lost list title %q", title)
	}
	b.screenshotView(filepath.Join(shots, "lost-list.png"))
	b.do(chromedp.Click(chromedp.ID("drill-close")))

	// Polish: the navigation, the labels and the numbers change; the URL keeps it.
	n = b.renders()
	b.setControl("lang", "pl")
	b.waitRender(n, "retention:pl")
	if nav := unquote(b.eval(`document.getElementById('nav').textContent`)); !strings.Contains(nav, "Przegląd") || !strings.Contains(nav, "Retencja") {
		t.Errorf("Polish navigation: %s", nav)
	}
	if l := unquote(b.eval(`document.documentElement.lang + ' ' + location.search`)); !strings.HasPrefix(l, "pl ") || !strings.Contains(l, "lang=pl") {
		t.Errorf("lang: %s", l)
	}
	b.screenshot(filepath.Join(shots, "retention-pl.png"))
	n = b.renders()
	b.do(chromedp.Click(chromedp.CSS(`#nav a[data-page="overview"]`)))
	b.waitRender(n, "overview:pl")
	// Messages the analysis sends (benchmark reasons) are translated too, not only the labels.
	if main := unquote(b.eval(`document.querySelector('main').textContent`)); strings.Contains(main, "compared by value") {
		t.Errorf("English benchmark reason on the Polish overview")
	}
	b.screenshot(filepath.Join(shots, "overview-pl.png"))

	b.close()
	for _, e := range b.problems() {
		t.Error(e)
	}
}

// cohortCustomers computes, from an orders file, the customers whose first purchase (an order
// with an amount of zero or more; refunds, negative, are not purchases) is in month cohort and who bought in the
// month off months later: the customers of cohort cell (cohort, off) at a monthly grain.
func cohortCustomers(t *testing.T, path, cohort string, off int) []string {
	recs := readCSV(t, path)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	first := map[string]time.Time{}
	months := map[string]map[string]bool{}
	for _, r := range recs[1:] {
		amt, err := strconv.ParseFloat(r[col["amount"]], 64)
		if err != nil || amt < 0 {
			continue
		}
		ts, err := time.Parse(time.RFC3339, r[col["timestamp"]])
		if err != nil {
			t.Fatalf("orders: %v", err)
		}
		c := r[col["customer_id"]]
		if f, ok := first[c]; !ok || ts.Before(f) {
			first[c] = ts
		}
		if months[c] == nil {
			months[c] = map[string]bool{}
		}
		months[c][ts.UTC().Format("2006-01")] = true
	}
	var ids []string
	for c, f := range first {
		if f.UTC().Format("2006-01") != cohort {
			continue
		}
		m := time.Date(f.Year(), f.Month()+time.Month(off), 1, 0, 0, 0, 0, time.UTC)
		if months[c][m.Format("2006-01")] {
			ids = append(ids, c)
		}
	}
	slices.Sort(ids)
	return ids
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("%s: %d records, %v", path, len(recs), err)
	}
	return recs
}

func unquote(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}

// chrome is one headless Chromium tab with what the test watches: console messages (errors and
// exceptions fail the test), every request (one not to the test server fails it), downloads.
type chrome struct {
	t         *testing.T
	ctx       context.Context
	cancel    func()
	base      string
	downloads string

	mu       sync.Mutex
	console  []string
	requests []string
	foreign  []string
}

func newBrowser(t *testing.T, path, base, downloads string) *chrome {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "en-GB"))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	b := &chrome{t: t, ctx: ctx, base: base, downloads: downloads, cancel: func() { cancel(); acancel() }}
	if err := chromedp.Do(ctx); err != nil {
		b.cancel()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(b.cancel)
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads, EventsEnabled: new(true)}); err != nil {
		t.Fatal(err)
	}
	console := chromedp.Console(ctx)
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == "error" || m.IsException() {
				b.mu.Lock()
				b.console = append(b.console, fmt.Sprintf("console %s at %s:%d: %s", m.Type, m.URL, m.Line+1, m.Text))
				b.mu.Unlock()
			}
		}
	}()
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			u := ev.Request.URL
			b.mu.Lock()
			b.requests = append(b.requests, u)
			if !strings.HasPrefix(u, base+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:"+base+"/") {
				b.foreign = append(b.foreign, u)
			}
			b.mu.Unlock()
		}
	}()
	return b
}

func (b *chrome) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%v (console: %v)", err, b.problems())
	}
}

func (b *chrome) eval(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](js))
	if err != nil {
		b.t.Fatalf("evaluate: %v", err)
	}
	return string(raw)
}

func (b *chrome) renders() int {
	n, _ := strconv.Atoi(unquote(b.eval(`document.body.dataset.render || '0'`)))
	return n
}

// waitRender waits until the page has rendered after render number after and shows view.
func (b *chrome) waitRender(after int, view string) {
	b.t.Helper()
	b.waitRenderWithin(after, view, 5*time.Minute) // a shared two-core machine under load
}

func (b *chrome) waitRenderWithin(after int, view string, d time.Duration) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, d)
	defer cancel()
	js := fmt.Sprintf(`Number(document.body.dataset.render || 0) > %d && document.body.dataset.ready === %q && !document.querySelector('main[aria-busy]')`, after, view)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0))); err != nil {
		b.t.Fatalf("waiting for %s: %v; page: %s (console: %v)", view, err, b.eval(`document.body.dataset.ready + ' ' + document.getElementById('main').textContent.slice(0, 300)`), b.problems())
	}
}

func (b *chrome) waitDialog(loaded string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	js := fmt.Sprintf(`['error', %q].includes(document.getElementById('drill').dataset.loaded)`, loaded)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0))); err != nil {
		b.t.Fatalf("waiting for the list %s: %v", loaded, err)
	}
	if got := unquote(b.eval(`document.getElementById('drill').dataset.loaded`)); got != loaded {
		b.t.Fatalf("list %s: %s", loaded, b.eval(`document.getElementById('drill-sub').textContent`))
	}
}

// setControl sets a form control and fires its change event, as a user's choice does.
func (b *chrome) setControl(id, value string) {
	b.t.Helper()
	b.eval(fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q; e.dispatchEvent(new Event('change', {bubbles: true})); return 1; })()`, id, value))
}

// wantRequest fails the test unless the browser requested path (with any further parameters).
func (b *chrome) wantRequest(path string) {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.requests {
		if strings.HasPrefix(u, b.base+path) {
			return
		}
	}
	b.t.Errorf("no request for %s", path)
}

func (b *chrome) screenshot(path string) {
	b.t.Helper()
	b.save(path, chromedp.FullScreenshot(100))
}

func (b *chrome) screenshotView(path string) {
	b.t.Helper()
	b.save(path, chromedp.CaptureScreenshot())
}

func (b *chrome) save(path string, a chromedp.Action[[]byte]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	png, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// download waits for a file of that name in the download directory and returns its path.
func (b *chrome) download(name string) string {
	b.t.Helper()
	p := filepath.Join(b.downloads, name)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if fi, err := os.Stat(p); err == nil && fi.Size() > 0 {
			return p
		}
	}
	b.t.Fatalf("no download %s", name)
	return ""
}

// downloadAny waits for a new finished download ending in suffix (the server names the file).
func (b *chrome) downloadAny(suffix string) string {
	b.t.Helper()
	seen := map[string]bool{}
	entries, _ := os.ReadDir(b.downloads)
	for _, e := range entries {
		seen[e.Name()] = true
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		entries, _ := os.ReadDir(b.downloads)
		for _, e := range entries {
			if !seen[e.Name()] && strings.HasSuffix(e.Name(), suffix) {
				time.Sleep(100 * time.Millisecond)
				return filepath.Join(b.downloads, e.Name())
			}
		}
	}
	b.t.Fatalf("no new %s download", suffix)
	return ""
}

func (b *chrome) close() {
	time.Sleep(200 * time.Millisecond) // let the last console and network events arrive
	b.cancel()
}

func (b *chrome) problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := slices.Clone(b.console)
	for _, u := range b.foreign {
		out = append(out, "request leaving the server: "+u)
	}
	return out
}
