package synth

import (
	"strings"

	"fidelis/internal/csvsafe"
)

// Languages of comments, indexed as in langNames.
var langNames = []string{"en", "pl", "ro", "lv"}

// phrases[lang][group] are the phrase pools of survey comments (group 0 detractor, 1 passive,
// 2 promoter). The first word that differs between groups is the planted driver word (words[]).
var phrases = [4][3][]string{
	{ // en
		{"late delivery", "rude support", "damaged package", "hidden fees"},
		{"average prices", "standard packaging", "usual selection"},
		{"fast delivery", "friendly staff", "great quality", "easy returns"},
	},
	{ // pl
		{"opóźniona dostawa", "niemiła obsługa", "uszkodzona paczka", "ukryte opłaty"},
		{"przeciętne ceny", "standardowe opakowanie", "zwykły wybór"},
		{"szybka dostawa", "miła obsługa", "świetna jakość", "łatwe zwroty"},
	},
	{ // ro
		{"livrare întârziată", "suport nepoliticos", "colet deteriorat", "taxe ascunse"},
		{"prețuri medii", "ambalaj standard", "selecție obișnuită"},
		{"livrare rapidă", "personal amabil", "calitate excelentă", "retururi ușoare"},
	},
	{ // lv
		{"kavēta piegāde", "nelaipns atbalsts", "bojāts sūtījums", "slēptas maksas"},
		{"vidējas cenas", "standarta iepakojums", "parasta izvēle"},
		{"ātra piegāde", "draudzīgs personāls", "lieliska kvalitāte", "vienkārša atgriešana"},
	},
}

// driverWord returns the distinctive token of a driver phrase: the word that names the
// experience (the adjective: "late", "rude", "opóźniona", "întârziată", ...).
func driverWord(lang int, phrase string) string {
	w := strings.Fields(phrase)
	if lang == 2 { // Romanian puts the adjective after the noun
		return w[len(w)-1]
	}
	return w[0]
}

// templates[lang][group] frame a phrase (%s) into a comment.
var templates = [4][3][]string{
	{
		{"Very disappointed: %s.", "%s again, I expected better.", "Not happy with the %s."},
		{"It was okay: %s.", "Nothing special, %s.", "Fine overall, %s."},
		{"Great experience: %s.", "%s, thank you!", "Really pleased with the %s."},
	},
	{
		{"Bardzo rozczarowany: %s.", "Znowu %s, oczekiwałem więcej.", "Niezadowolony, %s."},
		{"W porządku: %s.", "Nic szczególnego, %s.", "Ogólnie dobrze, %s."},
		{"Świetne doświadczenie: %s.", "%s, dziękuję!", "Bardzo zadowolony, %s."},
	},
	{
		{"Foarte dezamăgit: %s.", "Din nou %s, mă așteptam la mai mult.", "Nemulțumit, %s."},
		{"A fost în regulă: %s.", "Nimic special, %s.", "În general bine, %s."},
		{"Experiență excelentă: %s.", "%s, mulțumesc!", "Foarte mulțumit, %s."},
	},
	{
		{"Ļoti vīlies: %s.", "Atkal %s, gaidīju vairāk.", "Neapmierināts, %s."},
		{"Bija labi: %s.", "Nekas īpašs, %s.", "Kopumā labi, %s."},
		{"Lieliska pieredze: %s.", "%s, paldies!", "Ļoti apmierināts, %s."},
	},
}

// exitTexts[lang][reason] are exit comments, reasons as in exitReasons.
var exitTexts = [4][6][]string{
	{
		{"Too expensive for me now.", "Prices went up too much."},
		{"Deliveries kept arriving late.", "Parcel lost twice."},
		{"Support never solved my problem.", "Nobody answered my emails."},
		{"The products broke quickly.", "Quality is not what it used to be."},
		{"I moved abroad.", "Moved to a new city without delivery."},
		{"Found a cheaper shop.", "A competitor offers more."},
	},
	{
		{"Teraz to dla mnie za drogo.", "Ceny wzrosły zbyt mocno."},
		{"Przesyłki ciągle się spóźniały.", "Paczka zginęła dwa razy."},
		{"Obsługa nigdy nie rozwiązała mojego problemu.", "Nikt nie odpowiadał na maile."},
		{"Produkty szybko się psuły.", "Jakość już nie ta sama."},
		{"Przeprowadziłem się za granicę.", "Przeprowadzka do miasta bez dostaw."},
		{"Znalazłem tańszy sklep.", "Konkurencja oferuje więcej."},
	},
	{
		{"Acum e prea scump pentru mine.", "Prețurile au crescut prea mult."},
		{"Livrările întârziau mereu.", "Coletul s-a pierdut de două ori."},
		{"Asistența nu mi-a rezolvat problema.", "Nimeni nu mi-a răspuns la e-mailuri."},
		{"Produsele s-au stricat repede.", "Calitatea nu mai e ce era."},
		{"M-am mutat în străinătate.", "M-am mutat într-un oraș fără livrare."},
		{"Am găsit un magazin mai ieftin.", "Concurența oferă mai mult."},
	},
	{
		{"Tagad man tas ir pārāk dārgi.", "Cenas pieauga pārāk daudz."},
		{"Piegādes pastāvīgi kavējās.", "Sūtījums pazuda divreiz."},
		{"Atbalsts neatrisināja manu problēmu.", "Neviens neatbildēja uz e-pastiem."},
		{"Preces ātri sabojājās.", "Kvalitāte vairs nav tā pati."},
		{"Pārcēlos uz ārzemēm.", "Pārcēlos uz pilsētu bez piegādes."},
		{"Atradu lētāku veikalu.", "Konkurenti piedāvā vairāk."},
	},
}

// socialTexts[lang][sentiment] are short social posts (sentiment 0 negative, 1 neutral, 2 positive).
var socialTexts = [4][3][]string{
	{
		{"Still waiting for my order #fail", "Worst customer service ever", "Package arrived broken"},
		{"Anyone tried their new range?", "Order placed, let's see", "Browsing the summer sale"},
		{"Love my new order!", "Best shop online, fast delivery", "Great quality as always"},
	},
	{
		{"Nadal czekam na zamówienie", "Najgorsza obsługa klienta", "Paczka przyszła uszkodzona"},
		{"Ktoś próbował nowej kolekcji?", "Zamówione, zobaczymy", "Przeglądam letnią wyprzedaż"},
		{"Uwielbiam moje nowe zakupy!", "Najlepszy sklep, szybka dostawa", "Świetna jakość jak zawsze"},
	},
	{
		{"Încă aștept comanda", "Cel mai prost serviciu clienți", "Coletul a sosit deteriorat"},
		{"A încercat cineva noua colecție?", "Comandă plasată, vedem", "Mă uit la reducerile de vară"},
		{"Îmi place noua comandă!", "Cel mai bun magazin, livrare rapidă", "Calitate excelentă ca de obicei"},
	},
	{
		{"Joprojām gaidu pasūtījumu", "Sliktākā klientu apkalpošana", "Sūtījums atnāca bojāts"},
		{"Vai kāds ir izmēģinājis jauno kolekciju?", "Pasūtīts, redzēsim", "Skatos vasaras izpārdošanu"},
		{"Man patīk mans jaunais pasūtījums!", "Labākais veikals, ātra piegāde", "Lieliska kvalitāte kā vienmēr"},
	},
}

// texts holds every comment pre-rendered as a CSV field (quoted where needed), so the hot loop
// only copies bytes.
type texts struct {
	comment [4][3][][]byte // [lang][group] template × phrase, phrase-major: index = p*len(tpl)+t
	nPhrase [4][3]int
	nTpl    [4][3]int
	exit    [4][6][][]byte
	social  [4][3][][]byte
}

func newTexts() *texts {
	x := &texts{}
	for l := range 4 {
		for g := range 3 {
			ps, ts := phrases[l][g], templates[l][g]
			x.nPhrase[l][g], x.nTpl[l][g] = len(ps), len(ts)
			for _, p := range ps {
				for _, t := range ts {
					s := strings.Replace(t, "%s", p, 1)
					if strings.HasPrefix(t, "%s") {
						s = upperFirst(s)
					}
					x.comment[l][g] = append(x.comment[l][g], csvField(s))
				}
			}
		}
		for r := range 6 {
			for _, s := range exitTexts[l][r] {
				x.exit[l][r] = append(x.exit[l][r], csvField(s))
			}
		}
		for s := range 3 {
			for _, v := range socialTexts[l][s] {
				x.social[l][s] = append(x.social[l][s], csvField(v))
			}
		}
	}
	return x
}

func upperFirst(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// csvField quotes s as RFC 4180 requires, neutralised like every CSV cell Fidelis writes.
func csvField(s string) []byte { return []byte(csvsafe.Field(s)) }

// drivers lists every planted phrase for truth.json.
func drivers() []Driver {
	var out []Driver
	for l := range 4 {
		for g := range 3 {
			for _, p := range phrases[l][g] {
				out = append(out, Driver{Language: langNames[l], Group: groupNames[g], Phrase: p, Word: driverWord(l, p)})
			}
		}
	}
	return out
}
