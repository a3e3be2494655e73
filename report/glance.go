package report

import (
	"fmt"
	"math"
	"strings"

	"fidelis/analysis"
	"fidelis/insight"
	"fidelis/metric"
)

// The first screen answers a loyalty team's questions before any detail: retention and churn
// with their trend, the target gap, customer value, NPS/CSAT/CES, referrals and the programme
// (tiles), then what to know and what to do with the money at stake.

// tile is one key figure: its value, what it is, a line of context (interval, change, target)
// and, when set, its recent trend.
type tile struct {
	id, value, label, sub string
	tone                  string // "good", "bad", "warn" or ""
	spark                 []float64
}

// completeRetention is the retention rows of complete periods.
func completeRetention(a *analysis.Analysis) []metric.Retention {
	rs := a.Retention
	if !a.LastComplete && len(rs) > 1 {
		rs = rs[:len(rs)-1]
	}
	return rs
}

// change describes a move between two proportions in points, with a two-proportion z-test.
func (lc locale) change(prev, now metric.Proportion, period string, higherIsBetter bool) (string, string) {
	d := 100 * (now.Value - prev.Value)
	if !finite(d) {
		return "", ""
	}
	_, p := metric.TwoProportionZ(prev, now)
	arrow, tone := "→", ""
	if p < 0.05 {
		arrow = map[bool]string{true: "▲", false: "▼"}[d > 0]
		if (d > 0) == higherIsBetter {
			tone = "up"
		} else {
			tone = "down"
		}
	}
	sig := lc.T("not significant")
	if p < 0.05 {
		sig = lc.T("significant")
	}
	return lc.T("%s %+.1f pts vs %s (%s)", arrow, d, period, sig), tone
}

func (lc locale) tiles(a *analysis.Analysis) []tile {
	var ts []tile
	// Targets go into the tile of their metric; a target without one gets a tile of its own.
	targets := map[string]insight.Target{}
	var targetOrder []string
	if ins := analysis.Section[insight.Report](a, "insight"); ins != nil {
		for _, g := range ins.Targets {
			if _, dup := targets[g.Goal.Metric]; !dup {
				targets[g.Goal.Metric] = g
				targetOrder = append(targetOrder, g.Goal.Metric)
			}
		}
	}
	withTarget := func(t tile, metric string) tile {
		g, ok := targets[metric]
		if !ok {
			return t
		}
		delete(targets, metric)
		text, tone := lc.targetText(g)
		t.sub += " · " + text
		if t.tone == "" || tone == "bad" {
			t.tone = tone
		}
		return t
	}
	rs := completeRetention(a)
	if n := len(rs); n > 0 {
		r := rs[n-1]
		spark := func(f func(metric.Retention) float64) []float64 {
			var out []float64
			for _, x := range rs[max(0, n-12):] {
				out = append(out, f(x))
			}
			return out
		}
		t := tile{id: "retention", value: lc.pct(r.IDBased.Value), label: lc.T("Retention, %s", r.Period),
			sub:   lc.T("ID-based; 95%% CI %s–%s", lc.pct(r.IDBased.Low), lc.pct(r.IDBased.High)),
			spark: spark(func(x metric.Retention) float64 { return x.IDBased.Value })}
		c := tile{id: "churn", value: lc.pct(r.Churn.Value), label: lc.T("Churn, %s", r.Period), sub: lc.T("100%% − retention"),
			spark: spark(func(x metric.Retention) float64 { return x.Churn.Value })}
		if n > 1 {
			txt, tone := lc.change(rs[n-2].IDBased, r.IDBased, rs[n-2].Period, true)
			t.sub += " · " + txt
			t.tone = map[string]string{"up": "good", "down": "bad"}[tone]
			txt, tone = lc.change(rs[n-2].Churn, r.Churn, rs[n-2].Period, false)
			c.sub += " · " + txt
			c.tone = map[string]string{"up": "good", "down": "bad"}[tone]
		}
		ts = append(ts, withTarget(t, "retention"), withTarget(c, "churn"),
			withTarget(tile{id: "customers", value: lc.count(r.End), label: lc.T("Active customers, %s", r.Period),
				sub: lc.T("%s bought more than once; average order %s", lc.pct(a.Purchases.RepeatRate.Value), lc.moneyEst(a.Purchases.AOV, a.Currency))}, "repeat_purchase_rate"))
	}
	ts = append(ts, lc.valueTile(a))
	if v := analysis.Section[analysis.VoC](a, "voc"); v != nil {
		if v.NPS.N > 0 {
			t := tile{id: "nps", value: lc.sf("%+.0f", v.NPS.Score.Value), label: lc.T("NPS"),
				sub: lc.T("95%% CI %+.0f to %+.0f, %s answers", v.NPS.Score.Low, v.NPS.Score.High, lc.count(v.NPS.N))}
			if c := v.NPSChange; c != nil && !math.IsNaN(c.Diff.Z) {
				arrow := "→"
				if c.Diff.Significant {
					arrow = map[bool]string{true: "▲", false: "▼"}[c.Diff.Diff > 0]
					t.tone = map[bool]string{true: "good", false: "bad"}[c.Diff.Diff > 0]
				}
				t.sub += " · " + lc.T("%s %+.1f vs %s", arrow, c.Diff.Diff, c.From)
			}
			for _, p := range v.NPSPeriods[max(0, len(v.NPSPeriods)-12):] {
				if p.Complete {
					t.spark = append(t.spark, p.NPS.Score.Value)
				}
			}
			ts = append(ts, withTarget(t, "nps"))
		}
		if len(v.CSAT) > 0 || len(v.CES) > 0 {
			t := tile{id: "csat"}
			if len(v.CSAT) > 0 {
				r := v.CSAT[0]
				t.value, t.label = lc.pct(r.Share.Value), lc.T("CSAT, satisfied (top box %s of %s)", boxLabel(r.TopBox), r.Scale.String())
				t.sub = lc.T("95%% CI %s–%s, %s answers", lc.pct(r.Share.Low), lc.pct(r.Share.High), lc.count(r.N))
			}
			if len(v.CES) > 0 {
				r := v.CES[0]
				ces := lc.T("CES %s on %s; %s find it easy", lc.num(r.Mean.Value, 1), r.Scale.String(), lc.pct(r.Share.Value))
				if t.value == "" {
					t.value, t.label = lc.num(r.Mean.Value, 1), lc.T("CES 2.0 mean on %s", r.Scale.String())
					ces = lc.T("%s find it easy, %s answers", lc.pct(r.Share.Value), lc.count(r.N))
				}
				t.sub = strings.TrimPrefix(t.sub+" · "+ces, " · ")
			}
			ts = append(ts, withTarget(t, "csat"))
		}
	}
	if v := analysis.Section[analysis.Advocacy](a, "advocacy"); v != nil {
		ts = append(ts, tile{id: "referrals", value: lc.pct(v.Total.Conversion.Value), label: lc.T("Referral conversion"),
			sub: lc.T("%s referrals; referred customers bring %s of revenue", lc.count(v.Total.Invites), lc.pct(v.Revenue.Share))})
	}
	if v := analysis.Section[analysis.Program](a, "program"); v != nil {
		s := v.Summary
		ts = append(ts, withTarget(tile{id: "programme", value: lc.pct(s.Participation.Value), label: lc.T("Programme participation"),
			sub: lc.T("active members ÷ %s members; points liability %s", lc.count(s.Members), lc.moneyEst(s.Liability, a.Currency))}, "participation"))
	}
	for _, m := range targetOrder {
		if g, ok := targets[m]; ok {
			t := tile{id: "target-" + m, value: lc.insVal(g.Current, g.Unit), label: lc.T("%s, now", lc.T(g.Name))}
			text, tone := lc.targetText(g)
			t.sub, t.tone = text, tone
			ts = append(ts, t)
		}
	}
	return ts
}

// targetText is a goal, its status and its gap: "target ≥ 85%: met", "target ≥ +40: off track,
// gap 73 customers (≈12,000 EUR a year)".
func (lc locale) targetText(g insight.Target) (string, string) {
	tone := "warn"
	switch g.Status {
	case "met", "met, significantly":
		tone = "good"
	case "off track":
		tone = "bad"
	}
	goal := map[string]string{">=": "≥", "<=": "≤"}[g.Goal.Op] + " " + lc.insVal(g.Goal.Value, g.Unit)
	s := lc.T("target %s: %s", goal, lc.T(g.Status))
	if g.GapCustomers > 0 && tone != "good" {
		if finite(g.GapRevenue) && g.GapRevenue > 0 {
			s += lc.T(", gap %s customers (%s a year)", lc.num(g.GapCustomers, 0), lc.moneyEst(g.GapRevenue, ""))
		} else {
			s += lc.T(", gap %s customers", lc.num(g.GapCustomers, 0))
		}
	}
	return s, tone
}

// valueTile is the model's predicted value per customer when a model passed the gate, else the
// historical value to date (saying why when a model failed).
func (lc locale) valueTile(a *analysis.Analysis) tile {
	m := analysis.Section[analysis.Models](a, "models")
	if m != nil && m.Customers > 0 && m.Trusted() {
		t := tile{id: "clv", value: lc.moneyEst(m.ExpectedValue/float64(m.Customers), a.Currency),
			label: lc.T("Predicted CLV, next %d months", analysis.CLVMonths),
			sub:   lc.T("model estimate per customer; %s in total", lc.moneyEst(m.ExpectedValue, a.Currency))}
		if h := m.Holdout; h != nil && h.Actual > 0 {
			e := (h.Predicted/h.Actual - 1) * 100
			t.sub += " · " + lc.T("holdout check off by %+.0f%%", e)
			if math.Abs(e) > 10 {
				t.tone = "warn"
			}
		}
		return t
	}
	t := tile{id: "clv", value: lc.moneyEst(a.Value.CLVMean, a.Currency), label: lc.T("Customer value to date"),
		sub: lc.T("net revenue per customer, mean; median %s", lc.moneyEst(metric.Median(a.Value.CLVQuantiles), a.Currency))}
	if m != nil && m.Customers > 0 {
		// The models ran but none passed the holdout check: history, not a forecast, and said so.
		t.sub += " · " + lc.T("no model passed the holdout check, so no forecast")
		t.tone = "warn"
	}
	return t
}

// spark draws a small trend line; the last point is a dot.
func spark(vs []float64) string {
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for _, v := range vs {
		if finite(v) {
			lo, hi, n = math.Min(lo, v), math.Max(hi, v), n+1
		}
	}
	if n < 3 {
		return ""
	}
	if hi == lo {
		hi, lo = hi+1, lo-1
	}
	const w, h = 72, 22
	var pts []string
	var x, y float64
	for i, v := range vs {
		if !finite(v) {
			continue
		}
		x, y = float64(i)*w/float64(len(vs)-1), 2+(hi-v)/(hi-lo)*(h-4)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
	}
	return fmt.Sprintf(`<svg width="%d" height="%d" viewBox="-3 0 %d %d" aria-hidden="true"><polyline points="%s" fill="none" stroke="#9ca3af" stroke-width="1.5"/><circle cx="%.1f" cy="%.1f" r="2.5" fill="#2563eb"/></svg>`,
		w+6, h, w+6, h, strings.Join(pts, " "), x, y)
}

func tilesHTML(ts []tile) string {
	var b strings.Builder
	b.WriteString(`<div class="tiles">`)
	for _, t := range ts {
		cls := "tile"
		if t.tone != "" {
			cls += " " + t.tone
		}
		v := "v"
		if len([]rune(t.value)) > 9 {
			v += " long"
		}
		fmt.Fprintf(&b, `<div class="%s" id="tile-%s">%s<span class="%s">%s</span><span class="l">%s</span><span class="s">%s</span></div>`,
			cls, esc(t.id), spark(t.spark), v, esc(t.value), esc(t.label), esc(t.sub))
	}
	b.WriteString(`</div>`)
	return b.String()
}

// actionsTable lists the top actions with their customers and money, rounded to what planning
// figures support.
func (lc locale) actionsTable(a *analysis.Analysis) string {
	if len(a.Actions) == 0 {
		return `<p class="muted small">` + esc(lc.T("No action has enough evidence behind it yet.")) + `</p>`
	}
	top := a.Actions[:min(5, len(a.Actions))]
	var b strings.Builder
	b.WriteString(`<table class="acts">` + lc.th("Action", "Customers", "Expected gain", "Value at stake"))
	var total float64
	for _, x := range top {
		title, _, _, _ := lc.actionText(x)
		fmt.Fprintf(&b, `<tr><td class="t"><a class="plain" href="#actions">%s</a></td><td>%s</td><td><b>%s</b></td><td>%s</td></tr>`,
			esc(title), lc.count(x.Customers), esc(lc.moneyEst(x.Gain, a.Currency)), esc(lc.moneyEst(x.Exposed, a.Currency)))
		if finite(x.Gain) {
			total += x.Gain
		}
	}
	fmt.Fprintf(&b, `<tr><th>%s</th><th></th><th>%s</th><th></th></tr></table>`, esc(lc.T("Together")), esc(lc.moneyEst(total, a.Currency)))
	b.WriteString(`<p class="muted small">` + esc(lc.T("Expected gain = value at stake × an assumed effect: planning figures, rounded; each action's assumptions and customer list are under “What to do first”.")) + `</p>`)
	return b.String()
}

func (lc locale) summaryHTML(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(tilesHTML(lc.tiles(a)))
	b.WriteString(`<div class="two"><div><h3 style="color:#2563eb">` + esc(lc.T("Five things to know")) + `</h3><ol class="small">`)
	for _, s := range lc.Know(a) {
		fmt.Fprintf(&b, `<li>%s</li>`, esc(s))
	}
	b.WriteString(`</ol></div><div><h3 style="color:#16a34a">` + esc(lc.T(lc.doTitle(a))) + `</h3>`)
	b.WriteString(lc.actionsTable(a))
	b.WriteString(`</div></div>`)
	fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(lc.T("Active = a purchase within %s. Periods: %s. ⚑ marks n < %d.", analysis.GrainCount(a.Window, a.Grain), lc.T(string(a.Grain)), metric.SmallSample)))
	return b.String()
}

// doTitle says how many actions there are: "Five things to do" only when there are five.
func (lc locale) doTitle(a *analysis.Analysis) string {
	switch n := min(5, len(a.Actions)); n {
	case 5:
		return "Five things to do"
	case 0:
		return "Things to do"
	default:
		return lc.T("%d thing to do|%d things to do", n)
	}
}

// moneyEst rounds an estimate to two significant figures from 1000 up, three below (planning
// figures and model forecasts carry no more), with "≈"; millions are written as such.
func (lc locale) moneyEst(v float64, currency string) string {
	if !finite(v) {
		return "–"
	}
	r := roundSig(v, 3)
	if math.Abs(v) >= 1000 {
		r = roundSig(v, 2)
	}
	var s string
	if math.Abs(r) >= 1e6 {
		s = lc.T("%s million", lc.num(r/1e6, max(0, 1-int(math.Floor(math.Log10(math.Abs(r/1e6)))))))
	} else {
		s = lc.num(r, 0)
	}
	if r != 0 {
		s = "≈" + s
	}
	if currency != "" {
		s += "\u00a0" + currency
	}
	return s
}

// roundSig rounds v to n significant figures.
func roundSig(v float64, n int) float64 {
	if v == 0 || !finite(v) {
		return v
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}

var _ = add(
	"%d thing to do|%d things to do",
	"%d rzecz do zrobienia|%d rzeczy do zrobienia|%d rzeczy do zrobienia",
	"%d lucru de făcut|%d lucruri de făcut|%d de lucruri de făcut",
	"%d darāmo darbu|%d darāmais darbs|%d darāmie darbi",
	"Things to do",
	"Rzeczy do zrobienia",
	"Lucruri de făcut",
	"Darāmie darbi",
	"%s %+.1f pts vs %s (%s)",
	"%s %+.1f pkt wobec %s (%s)",
	"%s %+.1f pp față de %s (%s)",
	"%s %+.1f pp pret %s (%s)",
	"%s %+.1f vs %s",
	"%s %+.1f wobec %s",
	"%s %+.1f față de %s",
	"%s %+.1f pret %s",
	"%s bought more than once; average order %s",
	"%s kupiło więcej niż raz; średnie zamówienie %s",
	"%s au cumpărat de mai multe ori; comanda medie %s",
	"%s pirka vairāk nekā vienu reizi; vidējais pasūtījums %s",
	"%s find it easy, %s answers",
	"łatwość: %s, odpowiedzi: %s",
	"%s o consideră ușor, %s răspunsuri",
	"viegli: %s, atbildes: %s",
	"%s million",
	"%s mln",
	"%s mil.",
	"%s milj.",
	"%s referrals; referred customers bring %s of revenue",
	"poleceń: %s; poleceni klienci dają %s przychodu",
	"recomandări: %s; clienții recomandați aduc %s din venituri",
	"ieteikumi: %s; ieteiktie klienti dod %s ieņēmumu",
	"%s, now",
	"%s, obecnie",
	"%s, acum",
	"%s, pašlaik",
	"(maturing)",
	"(w toku)",
	"(în curs)",
	"(vēl procesā)",
	", gap %s customers (%s a year)",
	", luka: %s klientów (%s rocznie)",
	", decalaj: %s clienți (%s pe an)",
	", iztrūkums: %s klienti (%s gadā)",
	", gap %s customers",
	", luka: %s klientów",
	", decalaj: %s clienți",
	", iztrūkums: %s klienti",
	"100%% − retention",
	"100%% − retencja",
	"100%% − retenția",
	"100%% − noturēšana",
	"95%% CI %+.0f to %+.0f, %s answers",
	"95%% CI od %+.0f do %+.0f, odpowiedzi: %s",
	"IÎ 95%% de la %+.0f la %+.0f, răspunsuri: %s",
	"95%% TI no %+.0f līdz %+.0f, atbildes: %s",
	"95%% CI %s–%s, %s answers",
	"95%% CI %s–%s, odpowiedzi: %s",
	"IÎ 95%% %s–%s, răspunsuri: %s",
	"95%% TI %s–%s, atbildes: %s",
	"Action",
	"Działanie",
	"Acțiune",
	"Darbība",
	"Active customers, %s",
	"Aktywni klienci, %s",
	"Clienți activi, %s",
	"Aktīvie klienti, %s",
	"Appendix: period by period",
	"Załącznik: okres po okresie",
	"Anexă: perioadă cu perioadă",
	"Pielikums: periods pa periodam",
	"CES %s on %s; %s find it easy",
	"CES %s w skali %s; łatwość: %s",
	"CES %s pe scala %s; %s o consideră ușor",
	"CES %s skalā %s; viegli: %s",
	"CES 2.0 mean on %s",
	"CES 2.0, średnia w skali %s",
	"CES 2.0, media pe scala %s",
	"CES 2.0, vidējais skalā %s",
	"CSAT, satisfied (top box %s of %s)",
	"CSAT, zadowoleni (oceny %s w skali %s)",
	"CSAT, mulțumiți (notele %s pe scala %s)",
	"CSAT, apmierināti (vērtējumi %s skalā %s)",
	"Churn, %s",
	"Odpływ, %s",
	"Rata de abandon, %s",
	"Aiziešana, %s",
	"Customer value to date",
	"Wartość klienta do dziś",
	"Valoarea clientului până acum",
	"Klienta vērtība līdz šim",
	"Details",
	"Szczegóły",
	"Detalii",
	"Sīkāk",
	"Expected gain = value at stake × an assumed effect: planning figures, rounded; each action's assumptions and customer list are under “What to do first”.",
	"Oczekiwany zysk = wartość zagrożona × zakładany efekt: wartości planistyczne, zaokrąglone; założenia i lista klientów każdego działania są w części „Co zrobić najpierw”.",
	"Câștig așteptat = valoare în joc × un efect presupus: cifre de planificare, rotunjite; ipotezele și lista de clienți ale fiecărei acțiuni sunt la „Ce să faceți mai întâi”.",
	"Sagaidāmais ieguvums = apdraudētā vērtība × pieņemtā ietekme: plānošanas skaitļi, noapaļoti; katras darbības pieņēmumi un klientu saraksts ir sadaļā “Ko darīt vispirms”.",
	"Expected gain",
	"Oczekiwany zysk",
	"Câștig așteptat",
	"Sagaidāmais ieguvums",
	"ID-based; 95%% CI %s–%s",
	"wg ID; 95%% CI %s–%s",
	"pe ID; IÎ 95%% %s–%s",
	"pēc ID; 95%% TI %s–%s",
	"Period by period (customers, new, win-back, orders, revenue): see the appendix.",
	"Okres po okresie (klienci, nowi, odzyskani, zamówienia, przychód): zob. załącznik.",
	"Perioadă cu perioadă (clienți, noi, recâștigați, comenzi, venituri): vezi anexa.",
	"Periods pa periodam (klienti, jaunie, atgūtie, pasūtījumi, ieņēmumi): skatīt pielikumu.",
	"Predicted CLV, next %d months",
	"Prognozowana CLV, najbliższe %d mies.",
	"CLV prognozat, următoarele %d luni",
	"Prognozētā CLV, nākamie %d mēneši",
	"Programme participation",
	"Aktywność w programie",
	"Participarea la program",
	"Dalība programmā",
	"Referral conversion",
	"Konwersja poleceń",
	"Conversia recomandărilor",
	"Ieteikumu konversija",
	"Retention, %s",
	"Retencja, %s",
	"Retenția, %s",
	"Noturēšana, %s",
	"Together",
	"Razem",
	"Total",
	"Kopā",
	"Value at stake",
	"Wartość zagrożona",
	"Valoare în joc",
	"Apdraudētā vērtība",
	"active members ÷ %s members; points liability %s",
	"aktywni członkowie ÷ %s członków; zobowiązanie punktowe %s",
	"membri activi ÷ %s membri; obligația pentru puncte %s",
	"aktīvie dalībnieki ÷ %s dalībnieki; punktu saistības %s",
	"holdout check off by %+.0f%%",
	"test na danych odłożonych: odchylenie %+.0f%%",
	"verificarea pe perioada de test: abatere %+.0f%%",
	"pārbaude atliktajā periodā: novirze %+.0f%%",
	"model estimate per customer; %s in total",
	"szacunek modelu na klienta; łącznie %s",
	"estimarea modelului per client; în total %s",
	"modeļa aplēse uz klientu; kopā %s",
	"net revenue per customer, mean; median %s",
	"przychód netto na klienta, średnia; mediana %s",
	"venit net per client, medie; mediana %s",
	"neto ieņēmumi uz klientu, vidēji; mediāna %s",
	"target %s: %s",
	"cel %s: %s",
	"ținta %s: %s",
	"mērķis %s: %s",
	"no model passed the holdout check, so no forecast",
	"żaden model nie przeszedł testu na danych odłożonych, więc brak prognozy",
	"niciun model nu a trecut verificarea pe perioada de test, deci nu există prognoză",
	"neviens modelis neizturēja pārbaudi atliktajā periodā, tāpēc prognozes nav",
	"○ still maturing (%s): its referrals have had less than the usual %s days to convert, so its conversion will still rise.",
	"○ jeszcze w toku (%s): polecenia z tego okresu miały mniej niż zwykłe %s dni na konwersję, więc ich konwersja jeszcze wzrośnie.",
	"○ încă în curs (%s): recomandările din această perioadă au avut mai puțin decât cele %s zile obișnuite pentru conversie, deci conversia lor va mai crește.",
	"○ vēl procesā (%s): šī perioda ieteikumiem bija mazāk nekā parastās %s dienas konversijai, tāpēc to konversija vēl pieaugs.",
)
