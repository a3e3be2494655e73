package report

import (
	"fmt"
	"math"
	"strings"

	"fidelis/analysis"
	"fidelis/churn"
)

func init() {
	AddSection(Section{Order: 57, ID: "churn", Title: "Who will buy again: the churn model, backtested",
		Skip:     func(a *analysis.Analysis) bool { return analysis.Section[analysis.Churn](a, "churn") == nil },
		HTML:     locale.churnHTML,
		Markdown: locale.churnMD})
}

var _ = add(
	"Who will buy again: the churn model, backtested",
	"Kto kupi ponownie: model odejść sprawdzony na historii",
	"Cine va cumpăra din nou: modelul de abandon, verificat pe istoric",
	"Kurš pirks vēlreiz: aiziešanas modelis, pārbaudīts uz vēstures",
	"Who makes no purchase in the %d days after a cut-off, predicted from what was known before it, on %d past cut-offs: each model learned from earlier outcomes and was tested on the next %d days, never on a random split across time. AUC is the chance that a customer who lapsed is ranked above one who bought (0.5 is a coin toss); Brier and ECE measure whether the probabilities are right (lower is better).",
	"Kto nie dokona zakupu w ciągu %d dni po dacie odcięcia, przewidywane na podstawie tego, co było wiadomo przed nią, na %d dawnych datach odcięcia: każdy model uczył się na wcześniejszych wynikach i był sprawdzany na kolejnych %d dniach, nigdy na losowym podziale w poprzek czasu. AUC to szansa, że klient, który odszedł, jest oceniony wyżej niż ten, który kupił (0,5 to rzut monetą); Brier i ECE mierzą, czy prawdopodobieństwa są trafne (niższe jest lepsze).",
	"Cine nu face nicio achiziție în cele %d zile de după o dată de referință, prezis din ce se știa înainte de ea, pe %d date de referință trecute: fiecare model a învățat din rezultatele anterioare și a fost testat pe următoarele %d zile, niciodată pe o împărțire aleatorie peste timp. AUC este șansa ca un client care a plecat să fie clasat peste unul care a cumpărat (0,5 este aruncarea unei monede); Brier și ECE măsoară dacă probabilitățile sunt corecte (mai mic este mai bine).",
	"Kurš neveiks pirkumu %d dienās pēc griezuma datuma, prognozēts no tā, kas bija zināms pirms tā, uz %d pagātnes griezuma datumiem: katrs modelis mācījās no agrākiem iznākumiem un tika pārbaudīts nākamajās %d dienās, nekad ar nejaušu sadalījumu pāri laikam. AUC ir iespēja, ka aizgājis klients tiek ierindots augstāk par pircēju (0,5 ir monētas mešana); Brier un ECE mēra, vai varbūtības ir pareizas (mazāks ir labāk).",
	"Method",
	"Metoda",
	"Metodă",
	"Metode",
	"AUC (95% CI)",
	"AUC (95% CI)",
	"AUC (IÎ 95%)",
	"AUC (95% TI)",
	"Lift, top 10%",
	"Przyrost, górne 10%",
	"Lift, primele 10%",
	"Pacēlums, augšējie 10%",
	"Lapsers' revenue in top 10%",
	"Przychód odchodzących w górnych 10%",
	"Venitul celor plecați în primele 10%",
	"Aizgājušo ieņēmumi augšējos 10%",
	"Boosted trees",
	"Drzewa wzmacniane gradientowo",
	"Arbori cu gradient boosting",
	"Gradientā pastiprināti koki",
	"Logistic regression",
	"Regresja logistyczna",
	"Regresie logistică",
	"Loģistiskā regresija",
	"Hiatus rule",
	"Reguła przerwy",
	"Regula pauzei",
	"Pārtraukuma likums",
	"could not be fitted",
	"nie dało się dopasować",
	"nu a putut fi estimat",
	"neizdevās pielāgot",
	"Best ranking: %s, AUC %s, %s ahead of %s (95%% CI of the difference %s to %s).",
	"Najlepszy ranking: %s, AUC %s, %s przed: %s (95%% CI różnicy od %s do %s).",
	"Cel mai bun clasament: %s, AUC %s, cu %s înaintea: %s (IÎ 95%% al diferenței de la %s la %s).",
	"Labākā ierindošana: %s, AUC %s, par %s priekšā: %s (starpības 95%% TI no %s līdz %s).",
	"The boosted trees do not beat the customer-base models and the hiatus rule with confidence on this data, so the better of those is the one to use.",
	"Drzewa wzmacniane nie pokonują z pewnością modeli bazy klientów i reguły przerwy na tych danych, więc należy używać lepszej z tych metod.",
	"Arborii cu boosting nu depășesc cu încredere modelele bazei de clienți și regula pauzei pe aceste date, deci trebuie folosită cea mai bună dintre acestea.",
	"Pastiprinātie koki uz šiem datiem droši nepārspēj klientu bāzes modeļus un pārtraukuma likumu, tāpēc jāizmanto labākais no tiem.",
	"BG/NBD ranks worse than chance here: it gives every customer without a repeat purchase P(alive) = 1, and here those are the likeliest to lapse.",
	"BG/NBD szereguje tu gorzej niż losowo: każdemu klientowi bez ponownego zakupu daje P(aktywny) = 1, a tu właśnie oni najczęściej odchodzą.",
	"BG/NBD clasează aici mai rău decât întâmplarea: dă fiecărui client fără o achiziție repetată P(activ) = 1, iar aici tocmai aceștia pleacă cel mai des.",
	"BG/NBD šeit ierindo sliktāk par nejaušību: katram klientam bez atkārtota pirkuma tas dod P(aktīvs) = 1, bet šeit tieši tie aiziet visbiežāk.",
	"%s of customers lapse within the horizon, so no top decile can show a lift above %s; read AUC rather than lift.",
	"%s klientów odchodzi w tym horyzoncie, więc żadne górne 10%% nie pokaże przyrostu powyżej %s; liczy się AUC, nie przyrost.",
	"%s dintre clienți pleacă în acest orizont, deci niciun decil de sus nu poate arăta un lift peste %s; contează AUC, nu liftul.",
	"%s klientu aiziet šajā periodā, tāpēc neviens augšējais decils nevar parādīt pacēlumu virs %s; skatieties AUC, nevis pacēlumu.",
	"Brier and ECE of the P(alive) rows read 1 − P(alive) as the probability of no purchase in the horizon, which it is not: compare those rows on AUC and lift.",
	"Brier i ECE wierszy P(aktywny) traktują 1 − P(aktywny) jako prawdopodobieństwo braku zakupu w horyzoncie, którym ono nie jest: te wiersze porównuj po AUC i przyroście.",
	"Brier și ECE ale rândurilor P(activ) citesc 1 − P(activ) ca probabilitate de a nu cumpăra în orizont, ceea ce nu este: comparați aceste rânduri după AUC și lift.",
	"P(aktīvs) rindu Brier un ECE lasa 1 − P(aktīvs) kā varbūtību nepirkt periodā, kas tā nav: salīdziniet šīs rindas pēc AUC un pacēluma.",
	"AUC by cut-off",
	"AUC według daty odcięcia",
	"AUC pe date de referință",
	"AUC pa griezuma datumiem",
	"Cut-off",
	"Data odcięcia",
	"Data de referință",
	"Griezuma datums",
	"Reliability of the predicted probabilities, pooled over the cut-offs: the share who lapsed against the predicted probability, by tenth of probability; on the diagonal, a probability of 70% means 70% lapse.",
	"Wiarygodność przewidywanych prawdopodobieństw, łącznie dla wszystkich dat odcięcia: odsetek odchodzących wobec przewidywanego prawdopodobieństwa, według dziesiątych części; na przekątnej 70% prawdopodobieństwa oznacza, że odchodzi 70%.",
	"Fiabilitatea probabilităților prezise, cumulat pe datele de referință: ponderea celor plecați față de probabilitatea prezisă, pe zecimi de probabilitate; pe diagonală, o probabilitate de 70% înseamnă că pleacă 70%.",
	"Prognozēto varbūtību ticamība, apvienojot griezuma datumus: aizgājušo daļa pret prognozēto varbūtību, pa varbūtības desmitdaļām; uz diagonāles 70% varbūtība nozīmē, ka aiziet 70%.",
	"Perfect calibration",
	"Idealna kalibracja",
	"Calibrare perfectă",
	"Ideāla kalibrācija",
)

func (lc locale) methodName(m string) string {
	switch m {
	case churn.MethodGBDT:
		return lc.T("Boosted trees")
	case churn.MethodLogistic:
		return lc.T("Logistic regression")
	case churn.MethodBGNBD:
		return "BG/NBD P(alive)"
	case churn.MethodPareto:
		return "Pareto/NBD P(alive)"
	}
	return lc.T("Hiatus rule")
}

// churnRows are the pooled table's cells per method.
func (lc locale) churnRows(bt *churn.Backtest) [][]string {
	var out [][]string
	for _, m := range churn.Methods {
		s := bt.Pooled[m]
		if s.Missing != "" {
			out = append(out, []string{lc.methodName(m), lc.T("could not be fitted"), "", "", "", ""})
			continue
		}
		out = append(out, []string{lc.methodName(m), lc.sf("%s (%s–%s)", lc.num(s.AUC, 3), lc.num(s.AUCLow, 3), lc.num(s.AUCHigh, 3)),
			lc.num(s.Brier, 3), lc.num(s.ECE, 3), lc.num(s.LiftTop10, 2) + "×", lc.pct(s.RevenueTop10)})
	}
	return out
}

// churnNotes are the backtest's warnings, written from its figures so that they translate.
func (lc locale) churnNotes(bt *churn.Backtest) []string {
	var notes []string
	w := bt.Pooled[bt.Winner]
	notes = append(notes, lc.T("Best ranking: %s, AUC %s, %s ahead of %s (95%% CI of the difference %s to %s).", lc.methodName(bt.Winner), lc.num(w.AUC, 3),
		lc.num(bt.Margin, 3), lc.methodName(bt.RunnerUp), lc.num(bt.MarginLow, 3), lc.num(bt.MarginHigh, 3)))
	if !bt.GBDTBeatsBaselines {
		notes = append(notes, lc.T("The boosted trees do not beat the customer-base models and the hiatus rule with confidence on this data, so the better of those is the one to use."))
	}
	if s := bt.Pooled[churn.MethodBGNBD]; s.Missing == "" && s.AUC < 0.5 {
		notes = append(notes, lc.T("BG/NBD ranks worse than chance here: it gives every customer without a repeat purchase P(alive) = 1, and here those are the likeliest to lapse."))
	}
	var n, lapsed float64
	for _, c := range bt.Cutoffs {
		n += float64(c.Test)
		lapsed += c.LapseRate * float64(c.Test)
	}
	if r := lapsed / n; r > 0.5 {
		notes = append(notes, lc.T("%s of customers lapse within the horizon, so no top decile can show a lift above %s; read AUC rather than lift.", lc.pct(r), lc.num(1/r, 2)+"×"))
	}
	notes = append(notes, lc.T("Brier and ECE of the P(alive) rows read 1 − P(alive) as the probability of no purchase in the horizon, which it is not: compare those rows on AUC and lift."))
	return notes
}

func (lc locale) churnHeads() []string {
	return []string{lc.T("Method"), lc.T("AUC (95% CI)"), "Brier", "ECE", lc.T("Lift, top 10%"), lc.T("Lapsers' revenue in top 10%")}
}

func (lc locale) churnIntro(bt *churn.Backtest) string {
	return lc.T("Who makes no purchase in the %d days after a cut-off, predicted from what was known before it, on %d past cut-offs: each model learned from earlier outcomes and was tested on the next %d days, never on a random split across time. AUC is the chance that a customer who lapsed is ranked above one who bought (0.5 is a coin toss); Brier and ECE measure whether the probabilities are right (lower is better).",
		bt.HorizonDays, len(bt.Cutoffs), bt.HorizonDays)
}

func (lc locale) churnHTML(a *analysis.Analysis) string {
	bt := analysis.Section[analysis.Churn](a, "churn").Backtest
	var b strings.Builder
	fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(lc.churnIntro(bt)))
	b.WriteString(`<table><tr>`)
	for _, h := range lc.churnHeads() {
		b.WriteString(`<th>` + esc(h) + `</th>`)
	}
	b.WriteString(`</tr>`)
	for i, row := range lc.churnRows(bt) {
		b.WriteString(`<tr>`)
		for k, c := range row {
			if k == 0 && churn.Methods[i] == bt.Winner {
				c = "★ " + c
			}
			b.WriteString(`<td>` + esc(c) + `</td>`)
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</table>`)
	for _, n := range lc.churnNotes(bt) {
		fmt.Fprintf(&b, `<p>%s</p>`, esc(n))
	}
	fmt.Fprintf(&b, `<h3>%s</h3><table><tr><th>%s</th><th>%s</th><th>%s</th>`, esc(lc.T("AUC by cut-off")), esc(lc.T("Cut-off")), esc(lc.T("Customers")), esc(lc.T("Lapsed")))
	for _, m := range churn.Methods {
		b.WriteString(`<th>` + esc(lc.methodName(m)) + `</th>`)
	}
	b.WriteString(`</tr>`)
	for _, c := range bt.Cutoffs {
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td>`, lc.date(c.AsOf), lc.count(int64(c.Test)), lc.pct(c.LapseRate))
		for _, m := range churn.Methods {
			fmt.Fprintf(&b, `<td>%s</td>`, lc.num(c.Methods[m].AUC, 3))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</table>`)
	// Reliability: observed lapse share per tenth of predicted probability, for the supervised
	// models (calibrated) and the winner when it is another method.
	fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(lc.T("Reliability of the predicted probabilities, pooled over the cut-offs: the share who lapsed against the predicted probability, by tenth of probability; on the diagonal, a probability of 70% means 70% lapse.")))
	var labels []string
	diag := series{Name: lc.T("Perfect calibration"), Dashed: true, Color: palette[6]}
	for k := range 10 {
		labels = append(labels, fmt.Sprintf("%d–%d%%", k*10, k*10+10))
		diag.Values = append(diag.Values, (float64(k)+0.5)/10)
	}
	ss := []series{diag}
	for i, m := range []string{churn.MethodGBDT, churn.MethodLogistic, bt.Winner} {
		if i == 2 && (m == churn.MethodGBDT || m == churn.MethodLogistic) {
			break
		}
		s := bt.Pooled[m]
		if s.Missing != "" {
			continue
		}
		v := make([]float64, len(s.Reliability))
		for k, bin := range s.Reliability {
			v[k] = bin.Observed
			if bin.N == 0 {
				v[k] = math.NaN()
			}
		}
		ss = append(ss, series{Name: lc.methodName(m), Values: v, Color: palette[i]})
	}
	b.WriteString(lineChart(labels, ss, func(v float64) string { return lc.pct(v) }))
	return b.String()
}

func (lc locale) churnMD(a *analysis.Analysis) string {
	bt := analysis.Section[analysis.Churn](a, "churn").Backtest
	var b strings.Builder
	b.WriteString(lc.churnIntro(bt) + "\n\n")
	b.WriteString("| " + strings.Join(lc.churnHeads(), " | ") + " |\n|---|--:|--:|--:|--:|--:|\n")
	for _, row := range lc.churnRows(bt) {
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	b.WriteString("\n")
	for _, n := range lc.churnNotes(bt) {
		b.WriteString(n + "\n\n")
	}
	return b.String()
}
