package report

import (
	"fmt"
	"sort"
	"strings"

	"fidelis/analysis"
)

func init() {
	AddSection(Section{Order: 55, ID: "models", Title: "Who is still a customer, and what each is worth",
		Skip:     func(a *analysis.Analysis) bool { return analysis.Section[analysis.Models](a, "models") == nil },
		HTML:     locale.modelsHTML,
		Markdown: locale.modelsMD})
}

func (lc locale) paramText(f analysis.FitSummary) string {
	names := make([]string, 0, len(f.Params))
	for n := range f.Params {
		names = append(names, n)
	}
	order := map[string]int{"r": 0, "alpha": 1, "a": 2, "b": 3, "s": 4, "beta": 5, "p": 6, "q": 7, "gamma": 8}
	sort.Slice(names, func(i, j int) bool { return order[names[i]] < order[names[j]] })
	var parts []string
	for _, n := range names {
		s := lc.sf("%s = %.4g", n, f.Params[n])
		if se, ok := f.StdErrors[n]; ok {
			s += lc.sf(" (SE %.2g)", se)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// gateHTML states the gate's verdict, the seasonality treatment and every candidate's scores
// against the thresholds.
func (lc locale) gateHTML(b *strings.Builder, m *analysis.Models) {
	g := m.Gate
	cls := "muted small"
	if !g.Passed {
		cls = "small flag"
	}
	fmt.Fprintf(b, `<p class="%s"><strong>%s</strong> %s</p>`, cls, esc(lc.tm(g.VerdictMsg)), esc(lc.tm(g.SeasonalityMsg)))
	fmt.Fprintf(b, `<h3>%s</h3>`, esc(lc.T("Model selection: calibration until %s, holdout of %.0f weeks", lc.date(m.CalibrationEnd), m.HoldoutWeeks)))
	b.WriteString(`<table>` + lc.th("Model", "Converged", "Total purchases", "Frequency groups", "Week by week", "Passed"))
	for _, c := range g.Candidates {
		passed := lc.T("yes")
		if !c.Passed {
			passed = lc.T("no") + ": " + strings.Join(lc.failures(c), "; ")
		}
		fmt.Fprintf(b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(analysis.ModelNames[c.Model]),
			lc.T(map[bool]string{true: "yes", false: "no"}[c.Fit.Converged]), lc.signedPct(c.AggregateError), lc.pct(c.GroupError), lc.pct(c.TrackingError), esc(passed))
	}
	b.WriteString(`</table>`)
	thr := g.Thresholds
	fmt.Fprintf(b, `<p class="muted small">%s</p>`, esc(lc.T("A model passes when it converged, no parameter is at the edge of what the data identify, and on the holdout its total purchases are within ±%.0f%%, its mean error per frequency group within %.0f%% and its cumulative week-by-week gap within %.0f%% of the actual.",
		thr.MaxAggregateError*100, thr.MaxGroupError*100, thr.MaxTrackingError*100)))
}

func (lc locale) failures(c analysis.Candidate) []string {
	if len(c.FailureMsgs) != len(c.Failures) {
		return c.Failures
	}
	out := make([]string, len(c.FailureMsgs))
	for i, f := range c.FailureMsgs {
		out[i] = lc.tm(f)
	}
	return out
}

func (lc locale) signedPct(v float64) string {
	if v != v {
		return "–"
	}
	return lc.sf("%+.1f%%", v*100)
}

// shownModel is the name of the model whose holdout check is shown: the chosen one, or the first
// candidate when none passed.
func shownModel(m *analysis.Models) string {
	if m.Gate.Passed {
		return analysis.ModelNames[m.Gate.Chosen]
	}
	return analysis.ModelNames[m.Gate.Candidates[0].Model]
}

func (lc locale) modelsHTML(a *analysis.Analysis) string {
	m := analysis.Section[analysis.Models](a, "models")
	var b strings.Builder
	b.WriteString(`<div class="cards">`)
	if m.Trusted() {
		card(&b, lc.num(m.AliveCustomers, 0), lc.T("customers expected to be still active (Σ P(alive), of %d)", m.Customers))
		card(&b, lc.num(m.ExpectedPurchases, 0), lc.T("expected purchase days in the next %d months", analysis.CLVMonths))
		card(&b, lc.moneyEst(m.ExpectedValue, a.Currency), lc.T("predicted customer value, next %d months", analysis.CLVMonths))
		if m.Customers > 0 {
			card(&b, lc.moneyEst(m.ExpectedValue/float64(m.Customers), a.Currency), lc.T("predicted CLV per customer"))
		}
	} else {
		card(&b, lc.count(int64(m.ActiveByWindow)), lc.T("customers active by their last purchase (within %.0f days), of %d; no model forecast", m.WindowDays, m.Customers))
		card(&b, lc.moneyC(m.RevenueToDate, a.Currency), lc.T("revenue to date (history, not a forecast)"))
		if m.Customers > 0 {
			card(&b, lc.moneyC(m.RevenueToDate/float64(m.Customers), a.Currency), lc.T("revenue to date per customer"))
		}
	}
	b.WriteString(`</div>`)
	fmt.Fprintf(&b, `<p class="muted small">%s.</p>`, esc(lc.modelAssumptions(m)))
	lc.gateHTML(&b, m)

	if m.Trusted() {
		b.WriteString(`<h3>` + esc(lc.T("P(alive) today")) + `</h3>`)
		labels := make([]string, 10)
		vals := make([]float64, 10)
		for i, c := range m.PAliveHistogram {
			labels[i] = lc.sf("%d–%d%%", i*10, (i+1)*10)
			vals[i] = float64(c)
		}
		b.WriteString(barChart(labels, vals, nil, nil, func(v float64) string { return lc.num(v, 0) }))
	}

	h := m.Holdout
	fmt.Fprintf(&b, `<h3>%s</h3>`, esc(lc.T("Does %s predict? Calibration until %s, holdout of %.0f weeks", shownModel(m), lc.date(m.CalibrationEnd), m.HoldoutWeeks)))
	fmt.Fprintf(&b, `<p>%s</p>`, esc(lc.T("Fitted on the purchases before the holdout, the model expected %.0f purchase days in the holdout; customers made %.0f (%+.1f%%). Mean absolute error per customer %.2f.",
		h.Predicted, h.Actual, (h.Predicted/h.Actual-1)*100, h.MAE)))
	var glabels []string
	var gp, ga []float64
	b.WriteString(`<table>` + lc.th("Repeat purchase days in calibration", "Customers", "Predicted per customer", "Actual per customer"))
	for _, g := range h.Groups {
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, g.Label, lc.count(int64(g.Customers)), lc.num(g.Predicted, 2), lc.num(g.Actual, 2))
		glabels = append(glabels, g.Label)
		gp = append(gp, g.Predicted)
		ga = append(ga, g.Actual)
	}
	b.WriteString(`</table>`)
	b.WriteString(lineChart(glabels, []series{{Name: lc.T("predicted"), Values: gp, Dashed: true}, {Name: lc.T("actual"), Values: ga}}, func(v float64) string { return lc.num(v, 1) }))
	if len(m.Tracking) > 0 {
		b.WriteString(`<h3>` + esc(lc.T("Cumulative purchase days in the holdout, week by week")) + `</h3>`)
		var tl []string
		te, ta := make([]float64, len(m.Tracking)), make([]float64, len(m.Tracking))
		for i, t := range m.Tracking {
			tl = append(tl, lc.T("w%d", t.Week))
			te[i], ta[i] = t.Expected, t.Actual
		}
		b.WriteString(lineChart(tl, []series{{Name: lc.T("expected"), Values: te, Dashed: true}, {Name: lc.T("actual"), Values: ta}}, func(v float64) string { return lc.num(v, 0) }))
	}
	if len(m.BySegment) > 0 && m.Trusted() {
		fmt.Fprintf(&b, `<h3>%s</h3><table>%s`, esc(lc.T("Predicted value by %s", a.By)), lc.th(a.By, "Customers", "Mean P(alive)", "Predicted CLV, mean", "total"))
		for _, s := range m.BySegment {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(s.Segment), lc.count(int64(s.Customers)), lc.pct(s.PAlive), lc.money(s.CLVMean), lc.money(s.CLVTotal))
		}
		b.WriteString(`</table>`)
	}
	fmt.Fprintf(&b, `<p class="muted small">%s`, esc(lc.fitText(m)))
	if m.Spend != nil {
		b.WriteString(" " + esc(lc.T("Gamma-Gamma spend model: %s.", lc.paramText(*m.Spend))))
	}
	b.WriteString(`</p>`)
	if t := lc.churnRanking(a); t != "" {
		fmt.Fprintf(&b, `<p>%s</p>`, esc(t))
	}
	return b.String()
}

// fitText lists each candidate's calibration parameters and the refit.
func (lc locale) fitText(m *analysis.Models) string {
	var parts []string
	for _, c := range m.Gate.Candidates {
		f := c.Fit
		parts = append(parts, lc.T("%s on the calibration period: %s; log-likelihood %.1f over %.0f customers (%d distinct histories), converged: %s.",
			analysis.ModelNames[c.Model], lc.paramText(f), f.LogLik, f.Customers, f.Rows, lc.T(map[bool]string{true: "yes", false: "no"}[f.Converged])))
	}
	if m.Current != nil {
		parts = append(parts, lc.T("Refitted on all history: %s.", lc.paramText(*m.Current)))
	}
	return strings.Join(parts, " ")
}

func (lc locale) modelsMD(a *analysis.Analysis) string {
	m := analysis.Section[analysis.Models](a, "models")
	var b strings.Builder
	if m.Trusted() {
		b.WriteString("- " + lc.T("Customers expected to be still active: %.0f of %d (Σ P(alive))", m.AliveCustomers, m.Customers) + "\n")
		b.WriteString("- " + lc.T("Expected purchase days in the next %d months: %.0f; predicted value %s", analysis.CLVMonths, m.ExpectedPurchases, lc.moneyC(m.ExpectedValue, a.Currency)) + "\n")
	} else {
		b.WriteString("- " + lc.T("customers active by their last purchase (within %.0f days), of %d; no model forecast", m.WindowDays, m.Customers) + ": " + lc.count(int64(m.ActiveByWindow)) + "\n")
		b.WriteString("- " + lc.T("revenue to date (history, not a forecast)") + ": " + lc.moneyC(m.RevenueToDate, a.Currency) + "\n")
	}
	b.WriteString("- " + lc.modelAssumptions(m) + "\n")
	g := m.Gate
	b.WriteString("\n" + lc.tm(g.VerdictMsg) + " " + lc.tm(g.SeasonalityMsg) + "\n\n" +
		lc.mdHead("|---|---|--:|--:|--:|---|", "Model", "Converged", "Total purchases", "Frequency groups", "Week by week", "Passed"))
	for _, c := range g.Candidates {
		passed := lc.T("yes")
		if !c.Passed {
			passed = lc.T("no") + ": " + strings.Join(lc.failures(c), "; ")
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", analysis.ModelNames[c.Model], lc.T(map[bool]string{true: "yes", false: "no"}[c.Fit.Converged]),
			lc.signedPct(c.AggregateError), lc.pct(c.GroupError), lc.pct(c.TrackingError), passed)
	}
	h := m.Holdout
	b.WriteString("\n" + lc.T("Holdout check of %s (%.0f weeks after %s): predicted %.0f purchase days, actual %.0f.", shownModel(m), m.HoldoutWeeks, lc.date(m.CalibrationEnd), h.Predicted, h.Actual) + "\n\n" +
		lc.mdHead("|---|--:|--:|--:|", "Calibration repeat days", "Customers", "Predicted", "Actual"))
	for _, g := range h.Groups {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", g.Label, lc.count(int64(g.Customers)), lc.num(g.Predicted, 2), lc.num(g.Actual, 2))
	}
	b.WriteString("\n" + lc.fitText(m) + "\n")
	if t := lc.churnRanking(a); t != "" {
		b.WriteString(t + "\n\n")
	}
	return b.String()
}

func (lc locale) modelAssumptions(m *analysis.Models) string {
	if m.AssumptionsMsg.Key != "" {
		return lc.tm(m.AssumptionsMsg)
	}
	return lc.T(m.Assumptions)
}

// The model gate's messages (analysis/gate.go, the models section and the summary line).
var _ = add(
	"%s passed the holdout check (total purchases %+.1f%%, frequency groups %.1f%%, week-by-week %.1f%%; limits ±%.0f%%, %.0f%%, %.0f%%) with the smallest group error of the models that passed, and was refitted on all history.",
	"%s przeszedł test na okresie kontrolnym (łączne zakupy %+.1f%%, grupy częstotliwości %.1f%%, tydzień po tygodniu %.1f%%; limity ±%.0f%%, %.0f%%, %.0f%%) z najmniejszym błędem grup spośród modeli, które go przeszły, i został ponownie dopasowany na całej historii.",
	"%s a trecut verificarea pe perioada de test (achiziții totale %+.1f%%, grupe de frecvență %.1f%%, săptămână cu săptămână %.1f%%; limite ±%.0f%%, %.0f%%, %.0f%%) cu cea mai mică eroare pe grupe dintre modelele care au trecut-o și a fost reajustat pe tot istoricul.",
	"%s izturēja pārbaudi kontroles periodā (kopējie pirkumi %+.1f%%, biežuma grupas %.1f%%, nedēļu pa nedēļai %.1f%%; robežas ±%.0f%%, %.0f%%, %.0f%%) ar mazāko grupu kļūdu no modeļiem, kas to izturēja, un tika pārvērtēts uz visu vēsturi.",
	"No purchase model passed the holdout check (BG/NBD, MBG/NBD and Pareto/NBD tried), so no model-based numbers are shown: customers are counted active or lapsed by their last purchase and valued by their revenue to date.",
	"Żaden model zakupów nie przeszedł testu na okresie kontrolnym (sprawdzono BG/NBD, MBG/NBD i Pareto/NBD), więc nie pokazujemy liczb z modelu: klienci są liczeni jako aktywni lub utraceni według ostatniego zakupu i wyceniani przychodem do dziś.",
	"Niciun model de achiziții nu a trecut verificarea pe perioada de test (încercate BG/NBD, MBG/NBD și Pareto/NBD), deci nu se afișează cifre din model: clienții sunt numărați activi sau pierduți după ultima achiziție și evaluați după venitul de până acum.",
	"Neviens pirkumu modelis neizturēja pārbaudi kontroles periodā (izmēģināti BG/NBD, MBG/NBD un Pareto/NBD), tāpēc modeļa skaitļi netiek rādīti: klienti skaitīti kā aktīvi vai zaudēti pēc pēdējā pirkuma un novērtēti pēc līdzšinējiem ieņēmumiem.",
	"The holdout is the last 52 weeks and the calibration before it spans at least a year, so every season is in both; the forecast is over 12 months for the same reason. Week by week, a seasonal peak shows as the actual line crossing the expected one.",
	"Okres kontrolny to ostatnie 52 tygodnie, a kalibracja przed nim obejmuje co najmniej rok, więc każdy sezon jest w obu; prognoza obejmuje 12 miesięcy z tego samego powodu. Tydzień po tygodniu szczyt sezonowy widać jako przecięcie linii rzeczywistej z oczekiwaną.",
	"Perioada de test cuprinde ultimele 52 de săptămâni, iar calibrarea dinaintea ei acoperă cel puțin un an, deci fiecare sezon apare în ambele; prognoza este pe 12 luni din același motiv. Săptămână cu săptămână, un vârf sezonier apare ca linia reală care o traversează pe cea așteptată.",
	"Kontroles periods ir pēdējās 52 nedēļas, un kalibrācija pirms tā aptver vismaz gadu, tāpēc katra sezona ir abos; prognoze ir 12 mēnešiem tā paša iemesla dēļ. Nedēļu pa nedēļai sezonas maksimums redzams kā faktiskā līnija, kas šķērso sagaidāmo.",
	"With less than two years of orders the holdout (%.0f weeks) is shorter than a year: a seasonal peak inside or before it is not averaged out, so its error may reflect the season rather than the model.",
	"Przy mniej niż dwóch latach zamówień okres kontrolny (%.0f tyg.) jest krótszy niż rok: szczyt sezonowy w nim lub przed nim nie uśrednia się, więc błąd może wynikać z sezonu, a nie z modelu.",
	"Cu mai puțin de doi ani de comenzi, perioada de test (%.0f săptămâni) e mai scurtă de un an: un vârf sezonier în ea sau înaintea ei nu se mediază, deci eroarea poate ține de sezon, nu de model.",
	"Ja pasūtījumu ir mazāk nekā par diviem gadiem, kontroles periods (%.0f nedēļas) ir īsāks par gadu: sezonas maksimums tajā vai pirms tā netiek izlīdzināts, tāpēc kļūda var atspoguļot sezonu, nevis modeli.",
	"the fit did not converge: %s",
	"dopasowanie nie osiągnęło zbieżności: %s",
	"ajustarea nu a convers: %s",
	"novērtējums nekonverģēja: %s",
	"parameter %s = %.2g is at the edge of what the data identify (outside %.0e–%.0e)",
	"parametr %s = %.2g leży na granicy tego, co dane identyfikują (poza %.0e–%.0e)",
	"parametrul %s = %.2g este la limita a ceea ce datele identifică (în afara %.0e–%.0e)",
	"parametrs %s = %.2g ir uz robežas tam, ko dati identificē (ārpus %.0e–%.0e)",
	"no purchases in the holdout to check the model against",
	"brak zakupów w okresie kontrolnym, z którymi można porównać model",
	"nicio achiziție în perioada de test cu care să se verifice modelul",
	"kontroles periodā nav pirkumu, ar ko pārbaudīt modeli",
	"the model's holdout prediction is not a finite number",
	"prognoza modelu dla okresu kontrolnego nie jest liczbą skończoną",
	"prognoza modelului pentru perioada de test nu este un număr finit",
	"modeļa prognoze kontroles periodam nav galīgs skaitlis",
	"total holdout purchases off by %+.1f%% (limit ±%.0f%%)",
	"łączne zakupy w okresie kontrolnym chybione o %+.1f%% (limit ±%.0f%%)",
	"achizițiile totale din perioada de test deviate cu %+.1f%% (limită ±%.0f%%)",
	"kopējie pirkumi kontroles periodā novirzās par %+.1f%% (robeža ±%.0f%%)",
	"purchases per frequency group off by %.1f%% on average (limit %.0f%%)",
	"zakupy w grupach częstotliwości chybione średnio o %.1f%% (limit %.0f%%)",
	"achizițiile pe grupe de frecvență deviate în medie cu %.1f%% (limită %.0f%%)",
	"pirkumi biežuma grupās vidēji novirzās par %.1f%% (robeža %.0f%%)",
	"week-by-week cumulative purchases off by up to %.1f%% (limit %.0f%%)",
	"skumulowane zakupy tydzień po tygodniu chybione nawet o %.1f%% (limit %.0f%%)",
	"achizițiile cumulate săptămână cu săptămână deviate cu până la %.1f%% (limită %.0f%%)",
	"kumulatīvie pirkumi nedēļu pa nedēļai novirzās līdz %.1f%% (robeža %.0f%%)",
	"predicted CLV over %d months (%s + Gamma-Gamma, discounted %.0f%% a month)",
	"prognozowana CLV na %d mies. (%s + Gamma-Gamma, dyskonto %.0f%% miesięcznie)",
	"CLV prognozat pe %d luni (%s + Gamma-Gamma, actualizat cu %.0f%% pe lună)",
	"prognozētā CLV %d mēnešiem (%s + Gamma-Gamma, diskontēta par %.0f%% mēnesī)",
	"revenue per year since the first purchase, for %d months (no purchase model passed the holdout check)",
	"przychód na rok od pierwszego zakupu, za %d mies. (żaden model zakupów nie przeszedł testu na okresie kontrolnym)",
	"venitul pe an de la prima achiziție, pe %d luni (niciun model de achiziții nu a trecut verificarea pe perioada de test)",
	"ieņēmumi gadā kopš pirmā pirkuma, par %d mēnešiem (neviens pirkumu modelis neizturēja pārbaudi kontroles periodā)",
	"no purchase model passed the holdout check: a customer is active when their last purchase is within the activity window (%.0f days), lapsed otherwise; value is revenue to date",
	"żaden model zakupów nie przeszedł testu na okresie kontrolnym: klient jest aktywny, gdy jego ostatni zakup mieści się w oknie aktywności (%.0f dni), w przeciwnym razie utracony; wartość to przychód do dziś",
	"niciun model de achiziții nu a trecut verificarea pe perioada de test: un client e activ când ultima achiziție e în fereastra de activitate (%.0f zile), altfel e pierdut; valoarea este venitul de până acum",
	"neviens pirkumu modelis neizturēja pārbaudi kontroles periodā: klients ir aktīvs, ja pēdējais pirkums ir aktivitātes logā (%.0f dienas), citādi zaudēts; vērtība ir līdzšinējie ieņēmumi",
	"%.0f%% of contacted detractors become passive and take the passives' mean revenue per year (history: no purchase model passed the holdout check)",
	"%.0f%% krytyków, z którymi się skontaktowano, staje się neutralnymi i przyjmuje średni roczny przychód neutralnych (historia: żaden model zakupów nie przeszedł testu na okresie kontrolnym)",
	"%.0f%% dintre detractorii contactați devin pasivi și preiau venitul mediu anual al pasivilor (istoric: niciun model de achiziții nu a trecut verificarea pe perioada de test)",
	"%.0f%% uzrunāto kritiķu kļūst par pasīvajiem un iegūst pasīvo vidējos gada ieņēmumus (vēsture: neviens pirkumu modelis neizturēja pārbaudi kontroles periodā)",
	"Model selection: calibration until %s, holdout of %.0f weeks",
	"Wybór modelu: kalibracja do %s, okres kontrolny %.0f tyg.",
	"Alegerea modelului: calibrare până la %s, perioadă de test de %.0f săptămâni",
	"Modeļa izvēle: kalibrācija līdz %s, kontroles periods %.0f nedēļas",
	"Model",
	"Model",
	"Model",
	"Modelis",
	"Converged",
	"Zbieżność",
	"Convergent",
	"Konverģēja",
	"Total purchases",
	"Łączne zakupy",
	"Achiziții totale",
	"Kopējie pirkumi",
	"Frequency groups",
	"Grupy częstotliwości",
	"Grupe de frecvență",
	"Biežuma grupas",
	"Week by week",
	"Tydzień po tygodniu",
	"Săptămână cu săptămână",
	"Nedēļu pa nedēļai",
	"Passed",
	"Przeszedł",
	"A trecut",
	"Izturēja",
	"A model passes when it converged, no parameter is at the edge of what the data identify, and on the holdout its total purchases are within ±%.0f%%, its mean error per frequency group within %.0f%% and its cumulative week-by-week gap within %.0f%% of the actual.",
	"Model przechodzi test, gdy osiągnął zbieżność, żaden parametr nie leży na granicy tego, co dane identyfikują, a w okresie kontrolnym łączne zakupy mieszczą się w ±%.0f%%, średni błąd w grupach częstotliwości w %.0f%%, a skumulowana różnica tydzień po tygodniu w %.0f%% wartości rzeczywistej.",
	"Un model trece când a convers, niciun parametru nu e la limita a ceea ce datele identifică, iar pe perioada de test achizițiile totale sunt în ±%.0f%%, eroarea medie pe grupe de frecvență în %.0f%% și diferența cumulată săptămână cu săptămână în %.0f%% din valoarea reală.",
	"Modelis iztur pārbaudi, ja tas konverģēja, neviens parametrs nav uz robežas tam, ko dati identificē, un kontroles periodā kopējie pirkumi ir ±%.0f%% robežās, vidējā kļūda biežuma grupās %.0f%% robežās un kumulatīvā starpība nedēļu pa nedēļai %.0f%% robežās no faktiskā.",
	"customers active by their last purchase (within %.0f days), of %d; no model forecast",
	"klientów aktywnych według ostatniego zakupu (w ciągu %.0f dni), z %d; bez prognozy modelu",
	"clienți activi după ultima achiziție (în ultimele %.0f zile), din %d; fără prognoză din model",
	"klienti, kas aktīvi pēc pēdējā pirkuma (%.0f dienu laikā), no %d; bez modeļa prognozes",
	"revenue to date (history, not a forecast)",
	"przychód do dziś (historia, nie prognoza)",
	"venitul de până acum (istoric, nu prognoză)",
	"līdzšinējie ieņēmumi (vēsture, nevis prognoze)",
	"revenue to date per customer",
	"przychód do dziś na klienta",
	"venitul de până acum per client",
	"līdzšinējie ieņēmumi uz klientu",
	"%s on the calibration period: %s; log-likelihood %.1f over %.0f customers (%d distinct histories), converged: %s.",
	"%s na okresie kalibracji: %s; log-wiarygodność %.1f dla %.0f klientów (%d różnych historii), zbieżność: %s.",
	"%s pe perioada de calibrare: %s; log-verosimilitate %.1f pentru %.0f clienți (%d istorii distincte), convergent: %s.",
	"%s kalibrācijas periodā: %s; log-ticamība %.1f %.0f klientiem (%d atšķirīgas vēstures), konverģēja: %s.",
	"Refitted on all history: %s.",
	"Ponownie dopasowany na całej historii: %s.",
	"Reajustat pe tot istoricul: %s.",
	"Pārvērtēts uz visu vēsturi: %s.",
	"No purchase model passed the holdout check, so there is no forecast of who is still a customer or what each is worth; by their last purchase %d of %d customers (%s) bought within the last %.0f days.",
	"Żaden model zakupów nie przeszedł testu na okresie kontrolnym, więc nie ma prognozy, kto nadal jest klientem ani ile każdy jest wart; według ostatniego zakupu %d z %d klientów (%s) kupiło w ciągu ostatnich %.0f dni.",
	"Niciun model de achiziții nu a trecut verificarea pe perioada de test, deci nu există o prognoză a celor care sunt încă clienți sau a valorii fiecăruia; după ultima achiziție, %d din %d clienți (%s) au cumpărat în ultimele %.0f zile.",
	"Neviens pirkumu modelis neizturēja pārbaudi kontroles periodā, tāpēc nav prognozes, kas joprojām ir klients un cik katrs ir vērts; pēc pēdējā pirkuma %d no %d klientiem (%s) pirka pēdējo %.0f dienu laikā.",
)

// churnRanking says which method ranks customers by churn risk in the lists and actions (the churn
// backtest's winner), with the customers it expects to lapse when it replaces P(alive); "" without
// a churn section.
func (lc locale) churnRanking(a *analysis.Analysis) string {
	ch := analysis.Section[analysis.Churn](a, "churn")
	if ch == nil || ch.Scoring == nil {
		return ""
	}
	t := lc.T("Churn risk: %s.", ch.Basis.Msg)
	if ch.Basis.Replaces {
		var n float64
		for _, c := range ch.Scoring.Customers {
			n += c.Risk
		}
		t += " " + lc.T("It expects %s of %d customers to make no purchase in the next %d days.", lc.num(n, 0), len(ch.Scoring.Customers), ch.Backtest.HorizonDays)
	}
	return t
}
