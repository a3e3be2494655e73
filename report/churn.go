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

var _ = add(
	"days since the last purchase",
	"dni od ostatniego zakupu",
	"zile de la ultima achiziție",
	"dienas kopš pēdējā pirkuma",
	"orders",
	"zamówienia",
	"comenzi",
	"pasūtījumi",
	"days since the first purchase",
	"dni od pierwszego zakupu",
	"zile de la prima achiziție",
	"dienas kopš pirmā pirkuma",
	"revenue to date",
	"przychód do dziś",
	"venit până azi",
	"ieņēmumi līdz šim",
	"revenue per order",
	"przychód na zamówienie",
	"venit pe comandă",
	"ieņēmumi uz pasūtījumu",
	"revenue in the last 90 days",
	"przychód w ostatnich 90 dniach",
	"venit în ultimele 90 de zile",
	"ieņēmumi pēdējās 90 dienās",
	"spend trend (last 90 days against the 90 before)",
	"trend wydatków (ostatnie 90 dni wobec 90 wcześniejszych)",
	"tendința cheltuielilor (ultimele 90 de zile față de cele 90 dinainte)",
	"tēriņu tendence (pēdējās 90 dienas pret iepriekšējām 90)",
	"mean days between purchases",
	"średnia liczba dni między zakupami",
	"media zilelor dintre achiziții",
	"vidējais dienu skaits starp pirkumiem",
	"variability of the days between purchases",
	"zmienność odstępów między zakupami",
	"variabilitatea intervalelor dintre achiziții",
	"starplaiku starp pirkumiem mainīgums",
	"days since the last purchase ÷ the usual gap",
	"dni od ostatniego zakupu ÷ zwykły odstęp",
	"zile de la ultima achiziție ÷ intervalul obișnuit",
	"dienas kopš pēdējā pirkuma ÷ ierastais starplaiks",
	"refunds per order",
	"zwroty na zamówienie",
	"rambursări pe comandă",
	"atmaksas uz pasūtījumu",
	"P(alive), BG/NBD",
	"P(aktywny), BG/NBD",
	"P(activ), BG/NBD",
	"P(aktīvs), BG/NBD",
	"expected purchases in the horizon, BG/NBD",
	"oczekiwane zakupy w horyzoncie, BG/NBD",
	"achiziții așteptate în orizont, BG/NBD",
	"sagaidāmie pirkumi periodā, BG/NBD",
	"latest NPS answer",
	"ostatnia odpowiedź NPS",
	"ultimul răspuns NPS",
	"pēdējā NPS atbilde",
	"latest CSAT answer",
	"ostatnia odpowiedź CSAT",
	"ultimul răspuns CSAT",
	"pēdējā CSAT atbilde",
	"latest CES answer",
	"ostatnia odpowiedź CES",
	"ultimul răspuns CES",
	"pēdējā CES atbilde",
	"survey answers",
	"odpowiedzi w ankietach",
	"răspunsuri la sondaje",
	"aptauju atbildes",
	"days since the latest survey answer",
	"dni od ostatniej odpowiedzi w ankiecie",
	"zile de la ultimul răspuns la sondaj",
	"dienas kopš pēdējās aptaujas atbildes",
	"points earned",
	"zdobyte punkty",
	"puncte câștigate",
	"nopelnītie punkti",
	"points redeemed",
	"wykorzystane punkty",
	"puncte folosite",
	"izmantotie punkti",
	"programme events in the last 90 days",
	"zdarzenia programu w ostatnich 90 dniach",
	"evenimente în program în ultimele 90 de zile",
	"programmas notikumi pēdējās 90 dienās",
	"days since the last programme event",
	"dni od ostatniego zdarzenia programu",
	"zile de la ultimul eveniment în program",
	"dienas kopš pēdējā programmas notikuma",
	"interactions in the last 90 days",
	"interakcje w ostatnich 90 dniach",
	"interacțiuni în ultimele 90 de zile",
	"mijiedarbības pēdējās 90 dienās",
	"days since the last interaction",
	"dni od ostatniej interakcji",
	"zile de la ultima interacțiune",
	"dienas kopš pēdējās mijiedarbības",
	"referrals sent",
	"wysłane polecenia",
	"recomandări trimise",
	"nosūtītie ieteikumi",
	"exit records",
	"zapisy odejść",
	"înregistrări de plecare",
	"aiziešanas ieraksti",
	"days since the last exit record",
	"dni od ostatniego zapisu odejścia",
	"zile de la ultima înregistrare de plecare",
	"dienas kopš pēdējā aiziešanas ieraksta",
	"running subscription",
	"aktywna subskrypcja",
	"abonament activ",
	"aktīvs abonements",
	"interactions on %s in the last 90 days",
	"interakcje w kanale %s w ostatnich 90 dniach",
	"interacțiuni pe %s în ultimele 90 de zile",
	"mijiedarbības kanālā %s pēdējās 90 dienās",
	"region is %s",
	"region to %s",
	"regiunea este %s",
	"reģions ir %s",
	"country is %s",
	"kraj to %s",
	"țara este %s",
	"valsts ir %s",
	"segment is %s",
	"segment to %s",
	"segmentul este %s",
	"segments ir %s",
	"acquired through %s",
	"pozyskany przez %s",
	"atras prin %s",
	"piesaistīts caur %s",
	"Pareto/NBD not fitted at a training origin",
	"Pareto/NBD nie dopasowywany w punkcie uczenia",
	"Pareto/NBD nu este estimat la o origine de antrenare",
	"Pareto/NBD netiek pielāgots apmācības sākumpunktā",
	"%s fit stopped at its %s deadline",
	"dopasowanie %s przerwane po limicie czasu %s",
	"estimarea %s oprită la termenul său de %s",
	"%s pielāgošana apturēta pēc laika limita %s",
	"%s could not be fitted: %s",
	"nie udało się dopasować %s: %s",
	"%s nu a putut fi estimat: %s",
	"%s neizdevās pielāgot: %s",
	"%s did not converge: %s",
	"%s nie osiągnął zbieżności: %s",
	"%s nu a convergat: %s",
	"%s nekonverģēja: %s",
	"%s parameter %s = %.3g is outside [%g, %g]: the data do not identify it",
	"%s: parametr %s = %.3g jest poza [%g, %g]: dane go nie identyfikują",
	"%s: parametrul %s = %.3g este în afara [%g, %g]: datele nu îl identifică",
	"%s: parametrs %s = %.3g ir ārpus [%g, %g]: dati to neidentificē",
	"the model could not be fitted on this store",
	"nie udało się dopasować modelu do tych danych",
	"modelul nu a putut fi estimat pe aceste date",
	"modeli neizdevās pielāgot šiem datiem",
	"the boosted trees",
	"drzewa wzmacniane gradientowo",
	"arborii cu gradient boosting",
	"gradientā pastiprinātie koki",
	"the logistic regression",
	"regresja logistyczna",
	"regresia logistică",
	"loģistiskā regresija",
	"BG/NBD P(alive)",
	"P(aktywny) BG/NBD",
	"P(activ) BG/NBD",
	"P(aktīvs) BG/NBD",
	"Pareto/NBD P(alive)",
	"P(aktywny) Pareto/NBD",
	"P(activ) Pareto/NBD",
	"P(aktīvs) Pareto/NBD",
	"the hiatus rule",
	"reguła przerwy",
	"regula pauzei",
	"pārtraukuma likums",
	"What drives the risk: each feature's share of the boosted trees' split gain",
	"Co napędza ryzyko: udział każdej cechy w zysku z podziałów drzew wzmacnianych",
	"Ce determină riscul: ponderea fiecărei caracteristici în câștigul din divizările arborilor",
	"Kas nosaka risku: katras pazīmes daļa koku sadalījumu ieguvumā",
	"Feature",
	"Cecha",
	"Caracteristică",
	"Pazīme",
	"Highest risk of no purchase in the next %d days, as of %s",
	"Najwyższe ryzyko braku zakupu w ciągu następnych %d dni, stan na %s",
	"Cel mai mare risc de a nu cumpăra nimic în următoarele %d zile, la data de %s",
	"Lielākais risks neveikt pirkumu nākamajās %d dienās, uz %s",
	"Risk",
	"Ryzyko",
	"Risc",
	"Risks",
	"Top reasons (the trees' contributions)",
	"Główne powody (wkłady drzew)",
	"Motivele principale (contribuțiile arborilor)",
	"Galvenie iemesli (koku ieguldījumi)",
	"Reasons are the features that push a customer's score most towards lapsing, read along the boosted trees' paths (Saabas contributions), whichever method ranks.",
	"Powody to cechy, które najbardziej przesuwają wynik klienta w stronę odejścia, odczytane wzdłuż ścieżek drzew wzmacnianych (wkłady Saabasa), niezależnie od metody, która szereguje.",
	"Motivele sunt caracteristicile care împing cel mai mult scorul unui client spre plecare, citite de-a lungul căilor arborilor (contribuții Saabas), indiferent de metoda care clasează.",
	"Iemesli ir pazīmes, kas visvairāk virza klienta rezultātu uz aiziešanu, nolasītas pa pastiprināto koku ceļiem (Saabas ieguldījumi), neatkarīgi no tā, kura metode sakārto.",
	"%s on the training rows: the trees learned without the BG/NBD features",
	"%s w danych uczących: drzewa uczyły się bez cech BG/NBD",
	"%s în datele de antrenare: arborii au învățat fără caracteristicile BG/NBD",
	"%s apmācības datos: koki mācījās bez BG/NBD pazīmēm",
	"%s: p_alive_bgnbd is empty and the BG/NBD features are missing from every score",
	"%s: p_alive_bgnbd jest puste, a cech BG/NBD brakuje w każdym wyniku",
	"%s: p_alive_bgnbd este gol, iar caracteristicile BG/NBD lipsesc din fiecare scor",
	"%s: p_alive_bgnbd ir tukšs, un BG/NBD pazīmes trūkst katrā rezultātā",
	"%s: p_alive_paretonbd is empty",
	"%s: p_alive_paretonbd jest puste",
	"%s: p_alive_paretonbd este gol",
	"%s: p_alive_paretonbd ir tukšs",
)

var _ = add(
	"%d customers who bought in the last %.0f days are at least 50%% likely to make no purchase in the next %d days (%s); their value at stake is %.0f.",
	"%d klientów, którzy kupili w ciągu ostatnich %.0f dni, z prawdopodobieństwem co najmniej 50%% nie dokona zakupu w ciągu następnych %d dni (%s); wartość zagrożona wynosi %.0f.",
	"%d clienți care au cumpărat în ultimele %.0f zile au o probabilitate de cel puțin 50%% să nu mai cumpere nimic în următoarele %d zile (%s); valoarea expusă este %.0f.",
	"%d klienti, kas pirka pēdējās %.0f dienās, ar vismaz 50%% varbūtību neveiks pirkumu nākamajās %d dienās (%s); apdraudētā vērtība ir %.0f.",
	"customers with a purchase in the last %.0f days whose churn risk (no purchase in the next %d days) is 50%% or more, highest value at stake first",
	"klienci z zakupem w ciągu ostatnich %.0f dni, których ryzyko odejścia (brak zakupu w ciągu następnych %d dni) wynosi 50%% lub więcej, od najwyższej wartości zagrożonej",
	"clienți cu o achiziție în ultimele %.0f zile al căror risc de abandon (nicio achiziție în următoarele %d zile) este de 50%% sau mai mult, începând cu cea mai mare valoare expusă",
	"klienti ar pirkumu pēdējās %.0f dienās, kuru aiziešanas risks (nav pirkuma nākamajās %d dienās) ir 50%% vai vairāk, sākot ar lielāko apdraudēto vērtību",
	"value at stake = value if they stay (%s) × churn risk; a customer who makes no purchase in the next %d days is counted as lost for the whole value",
	"wartość zagrożona = wartość, jeśli klient zostanie (%s) × ryzyko odejścia; klient bez zakupu w ciągu następnych %d dni liczy się jako utracony na całą tę wartość",
	"valoarea expusă = valoarea dacă rămâne (%s) × riscul de abandon; un client fără nicio achiziție în următoarele %d zile este socotit pierdut pentru întreaga valoare",
	"apdraudētā vērtība = vērtība, ja klients paliek (%s) × aiziešanas risks; klients bez pirkuma nākamajās %d dienās tiek uzskatīts par zaudētu visā vērtībā",
	"revenue per year since the first purchase over %d months (no purchase model passed the holdout check)",
	"przychód rocznie od pierwszego zakupu przez %d mies. (żaden model zakupów nie przeszedł sprawdzenia na okresie kontrolnym)",
	"venitul pe an de la prima achiziție pe %d luni (niciun model de achiziții nu a trecut verificarea pe perioada de control)",
	"ieņēmumi gadā kopš pirmā pirkuma %d mēnešos (neviens pirkumu modelis neizturēja pārbaudi kontroles periodā)",
	"predicted CLV ÷ P(alive) over %d months, %s + Gamma-Gamma",
	"prognozowana CLV ÷ P(aktywny) przez %d mies., %s + Gamma-Gamma",
	"CLV prezisă ÷ P(activ) pe %d luni, %s + Gamma-Gamma",
	"prognozētā CLV ÷ P(aktīvs) %d mēnešos, %s + Gamma-Gamma",
)

var _ = add(
	"Winner of the %d-day churn backtest: %s (AUC %.3f, %+.3f over %s, 95%% interval %+.3f to %+.3f); customers are ranked by its calibrated probability of making no purchase in the next %d days",
	"Zwycięzca %d-dniowego testu modelu odejść na historii: %s (AUC %.3f, %+.3f ponad: %s, 95%% przedział od %+.3f do %+.3f); klienci są uszeregowani według jego skalibrowanego prawdopodobieństwa braku zakupu w ciągu następnych %d dni",
	"Câștigătorul testului pe istoric al modelului de abandon pe %d zile: %s (AUC %.3f, %+.3f peste: %s, interval 95%% de la %+.3f la %+.3f); clienții sunt clasați după probabilitatea sa calibrată de a nu cumpăra nimic în următoarele %d zile",
	"%d dienu aiziešanas modeļa pārbaudes uz vēstures uzvarētājs: %s (AUC %.3f, %+.3f pār: %s, 95%% intervāls no %+.3f līdz %+.3f); klienti ir sakārtoti pēc tā kalibrētās varbūtības neveikt pirkumu nākamajās %d dienās",
	"Winner of the %d-day churn backtest: %s (AUC %.3f, %+.3f over %s, 95%% interval %+.3f to %+.3f); customers are ranked by it: in training, %.0f%% of customers %.0f or more days past their last purchase made no purchase in the next %d days, against %.0f%% of the others",
	"Zwycięzca %d-dniowego testu modelu odejść na historii: %s (AUC %.3f, %+.3f ponad: %s, 95%% przedział od %+.3f do %+.3f); to on szereguje klientów: w danych uczących %.0f%% klientów, u których od ostatniego zakupu minęło %.0f dni lub więcej, nie kupiło nic w ciągu następnych %d dni, wobec %.0f%% pozostałych",
	"Câștigătorul testului pe istoric al modelului de abandon pe %d zile: %s (AUC %.3f, %+.3f peste: %s, interval 95%% de la %+.3f la %+.3f); el clasează clienții: la antrenare, %.0f%% dintre clienții cu %.0f sau mai multe zile de la ultima achiziție nu au cumpărat nimic în următoarele %d zile, față de %.0f%% dintre ceilalți",
	"%d dienu aiziešanas modeļa pārbaudes uz vēstures uzvarētājs: %s (AUC %.3f, %+.3f pār: %s, 95%% intervāls no %+.3f līdz %+.3f); tas sakārto klientus: apmācības datos %.0f%% klientu, kuriem kopš pēdējā pirkuma pagājušas %.0f vai vairāk dienas, nākamajās %d dienās neko nepirka, pret %.0f%% pārējo",
	"Winner of the %d-day churn backtest: %s (AUC %.3f, against %.3f for the boosted trees); risk stays 1 − P(alive) of the customer-base model",
	"Zwycięzca %d-dniowego testu modelu odejść na historii: %s (AUC %.3f wobec %.3f dla drzew wzmacnianych); ryzykiem pozostaje 1 − P(aktywny) z modelu bazy klientów",
	"Câștigătorul testului pe istoric al modelului de abandon pe %d zile: %s (AUC %.3f, față de %.3f pentru arborii cu boosting); riscul rămâne 1 − P(activ) din modelul bazei de clienți",
	"%d dienu aiziešanas modeļa pārbaudes uz vēstures uzvarētājs: %s (AUC %.3f pret %.3f pastiprinātajiem kokiem); risks paliek 1 − P(aktīvs) no klientu bāzes modeļa",
	"Winner of the %d-day churn backtest: %s (AUC %.3f); risk stays 1 − P(alive) of the customer-base model",
	"Zwycięzca %d-dniowego testu modelu odejść na historii: %s (AUC %.3f); ryzykiem pozostaje 1 − P(aktywny) z modelu bazy klientów",
	"Câștigătorul testului pe istoric al modelului de abandon pe %d zile: %s (AUC %.3f); riscul rămâne 1 − P(activ) din modelul bazei de clienți",
	"%d dienu aiziešanas modeļa pārbaudes uz vēstures uzvarētājs: %s (AUC %.3f); risks paliek 1 − P(aktīvs) no klientu bāzes modeļa",
)

var _ = add(
	"Churn risk: %s.",
	"Ryzyko odejścia: %s.",
	"Riscul de abandon: %s.",
	"Aiziešanas risks: %s.",
	"It expects %s of %d customers to make no purchase in the next %d days.",
	"Spodziewa się, że %s z %d klientów nie dokona zakupu w ciągu następnych %d dni.",
	"Se așteaptă ca %s din %d clienți să nu cumpere nimic în următoarele %d zile.",
	"Tas sagaida, ka %s no %d klientiem neveiks pirkumu nākamajās %d dienās.",
)

var _ = add(
	"%s ranks best, but the boosted trees' lead over the customer-base models and the hiatus rule is within the backtest's noise on this data (a paired 95%% interval of the AUC difference includes zero).",
	"%s szereguje najlepiej, ale przewaga drzew wzmacnianych nad modelami bazy klientów i regułą przerwy mieści się na tych danych w szumie testu (sparowany 95%% przedział różnicy AUC obejmuje zero).",
	"%s clasează cel mai bine, dar avansul arborilor cu boosting față de modelele bazei de clienți și regula pauzei este pe aceste date în zgomotul testului (intervalul pereche de 95%% al diferenței AUC include zero).",
	"%s ierindo vislabāk, taču pastiprināto koku pārsvars pār klientu bāzes modeļiem un pārtraukuma likumu uz šiem datiem ir pārbaudes troksnī (pārotais 95%% AUC starpības intervāls ietver nulli).",
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

// missingWhy is why a method has no figures, in the locale's language.
func (lc locale) missingWhy(s *churn.Scores) string {
	if s.MissingMsg.Key != "" {
		return lc.tm(s.MissingMsg)
	}
	return s.Missing
}

// ReasonText is a reason as "label: value" in a report language, for the CLI.
func ReasonText(lang string, r churn.Reason) string {
	l, ok := locales[lang]
	if !ok {
		l = locales["en"]
	}
	return l.reason(r)
}

// indicator features read 1 or 0; their values print as yes or no.
var indicators = map[string]bool{"member": true, "subscribed": true, "region": true, "country": true, "segment": true, "acquisition_channel": true}

func (lc locale) reason(r churn.Reason) string {
	var v string
	switch {
	case math.IsNaN(r.Value):
		v = lc.T("none")
	case indicators[r.Key]:
		v = lc.T(map[bool]string{true: "yes", false: "no"}[r.Value == 1])
	case r.Value == math.Trunc(r.Value) || math.Abs(r.Value) >= 100:
		v = lc.num(r.Value, 0)
	case math.Abs(r.Value) < 1:
		v = lc.sf("%.2g", r.Value) // two significant digits: 0.0023, not 0.00
	default:
		v = lc.num(r.Value, 2)
	}
	return lc.tm(r.Msg) + ": " + v
}

func (lc locale) churnReasons(rs []churn.Reason) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = lc.reason(r)
	}
	return strings.Join(parts, "; ")
}

// churnRows are the pooled table's cells per method.
func (lc locale) churnRows(bt *churn.Backtest) [][]string {
	var out [][]string
	for _, m := range churn.Methods {
		s := bt.Pooled[m]
		if s.Missing != "" {
			out = append(out, []string{lc.methodName(m), lc.T("could not be fitted") + ": " + lc.missingWhy(s), "", "", "", ""})
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
	switch {
	case bt.GBDTBeatsBaselines:
	case bt.Winner == churn.MethodGBDT || bt.Winner == churn.MethodLogistic:
		notes = append(notes, lc.T("%s ranks best, but the boosted trees' lead over the customer-base models and the hiatus rule is within the backtest's noise on this data (a paired 95%% interval of the AUC difference includes zero).", lc.methodName(bt.Winner)))
	default:
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

// scoringNotes say which method ranks customers and what is missing from the scores.
func (lc locale) scoringNotes(c *analysis.Churn) []string {
	notes := []string{lc.tm(c.Basis.Msg) + "."}
	for _, n := range c.Scoring.NoteMsgs {
		notes = append(notes, lc.tm(n)+".")
	}
	return notes
}

// importanceRows are the features with a share of the split gain, largest first (at most 10).
func importanceRows(c *analysis.Churn) []churn.Importance {
	var out []churn.Importance
	for _, im := range c.Scoring.Importance {
		if im.Share > 0 && len(out) < 10 {
			out = append(out, im)
		}
	}
	return out
}

func (lc locale) churnHeads() []string {
	return []string{lc.T("Method"), lc.T("AUC (95% CI)"), "Brier", "ECE", lc.T("Lift, top 10%"), lc.T("Lapsers' revenue in top 10%")}
}

func (lc locale) churnIntro(bt *churn.Backtest) string {
	return lc.T("Who makes no purchase in the %d days after a cut-off, predicted from what was known before it, on %d past cut-offs: each model learned from earlier outcomes and was tested on the next %d days, never on a random split across time. AUC is the chance that a customer who lapsed is ranked above one who bought (0.5 is a coin toss); Brier and ECE measure whether the probabilities are right (lower is better).",
		bt.HorizonDays, len(bt.Cutoffs), bt.HorizonDays)
}

func (lc locale) churnHTML(a *analysis.Analysis) string {
	ch := analysis.Section[analysis.Churn](a, "churn")
	bt := ch.Backtest
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
	if ch.Scoring != nil {
		lc.scoringHTML(&b, ch)
	}
	return b.String()
}

// scoringHTML shows the final model: which method ranks and why, the features that drive the
// risk, and the riskiest customers with their reasons.
func (lc locale) scoringHTML(b *strings.Builder, ch *analysis.Churn) {
	for _, n := range lc.scoringNotes(ch) {
		fmt.Fprintf(b, `<p>%s</p>`, esc(n))
	}
	if im := importanceRows(ch); len(im) > 0 {
		fmt.Fprintf(b, `<h3>%s</h3><table><tr><th>%s</th><th>%s</th></tr>`, esc(lc.T("What drives the risk: each feature's share of the boosted trees' split gain")), esc(lc.T("Feature")), esc(lc.T("Share")))
		for _, r := range im {
			fmt.Fprintf(b, `<tr><td>%s</td><td>%s</td></tr>`, esc(lc.tm(r.Msg)), lc.pct(r.Share))
		}
		b.WriteString(`</table>`)
	}
	if len(ch.Top) == 0 {
		return
	}
	fmt.Fprintf(b, `<h3>%s</h3><table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>`,
		esc(lc.T("Highest risk of no purchase in the next %d days, as of %s", ch.Backtest.HorizonDays, ch.Scoring.AsOf)),
		esc(lc.T("Customer")), esc(lc.T("Risk")), esc(lc.T("days since the last purchase")), esc(lc.T("revenue to date")), esc(lc.T("Top reasons (the trees' contributions)")))
	for _, c := range ch.Top {
		fmt.Fprintf(b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(c.Customer), lc.pct(c.Risk), lc.num(c.Recency, 0), lc.num(c.Revenue, 2), esc(lc.churnReasons(c.Reasons)))
	}
	b.WriteString(`</table>`)
	fmt.Fprintf(b, `<p class="muted small">%s</p>`, esc(lc.T("Reasons are the features that push a customer's score most towards lapsing, read along the boosted trees' paths (Saabas contributions), whichever method ranks.")))
}

func (lc locale) churnMD(a *analysis.Analysis) string {
	ch := analysis.Section[analysis.Churn](a, "churn")
	bt := ch.Backtest
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
	b.WriteString("| " + lc.T("Cut-off") + " | " + lc.T("Customers") + " | " + lc.T("Lapsed"))
	for _, m := range churn.Methods {
		b.WriteString(" | " + lc.methodName(m))
	}
	b.WriteString(" |\n|---|--:|--:|" + strings.Repeat("--:|", len(churn.Methods)) + "\n")
	for _, c := range bt.Cutoffs {
		b.WriteString("| " + lc.date(c.AsOf) + " | " + lc.count(int64(c.Test)) + " | " + lc.pct(c.LapseRate))
		for _, m := range churn.Methods {
			b.WriteString(" | " + lc.num(c.Methods[m].AUC, 3))
		}
		b.WriteString(" |\n")
	}
	b.WriteString("\n")
	if ch.Scoring == nil {
		return b.String()
	}
	for _, n := range lc.scoringNotes(ch) {
		b.WriteString(n + "\n\n")
	}
	if im := importanceRows(ch); len(im) > 0 {
		b.WriteString(lc.T("What drives the risk: each feature's share of the boosted trees' split gain") + "\n\n| " + lc.T("Feature") + " | " + lc.T("Share") + " |\n|---|--:|\n")
		for _, r := range im {
			b.WriteString("| " + lc.tm(r.Msg) + " | " + lc.pct(r.Share) + " |\n")
		}
		b.WriteString("\n")
	}
	if len(ch.Top) > 0 {
		b.WriteString(lc.T("Highest risk of no purchase in the next %d days, as of %s", bt.HorizonDays, ch.Scoring.AsOf) + "\n\n")
		b.WriteString("| " + strings.Join([]string{lc.T("Customer"), lc.T("Risk"), lc.T("days since the last purchase"), lc.T("revenue to date"), lc.T("Top reasons (the trees' contributions)")}, " | ") + " |\n|---|--:|--:|--:|---|\n")
		for _, c := range ch.Top {
			b.WriteString("| " + mdCell(c.Customer) + " | " + lc.pct(c.Risk) + " | " + lc.num(c.Recency, 0) + " | " + lc.num(c.Revenue, 2) + " | " + mdCell(lc.churnReasons(c.Reasons)) + " |\n")
		}
		b.WriteString("\n" + lc.T("Reasons are the features that push a customer's score most towards lapsing, read along the boosted trees' paths (Saabas contributions), whichever method ranks.") + "\n\n")
	}
	return b.String()
}
