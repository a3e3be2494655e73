package voc

// Stop words: common function words (articles, pronouns, prepositions, conjunctions, auxiliary
// and modal verb forms, particles, frequent adverbs) written for Fidelis, one list per language.
// Words that carry an opinion about a business (good, bad, late, quick, friendly, ...) are
// deliberately absent. Single letters need no entry: the tokeniser drops them. Entries are
// normalised with Normalize when the package loads, so ş/ș and ţ/ț spellings both match.
var stopLists = map[Language]string{
	English: `
about above across after afterwards again against ago all almost along already also although always
am among amongst an and another any anybody anyhow anyone anything anyway anywhere are aren't around
as at be became because become becomes been before beforehand behind being below beside besides
between beyond both but by can can't cannot could couldn't did didn't do does doesn't doing don't
done down during each eg either else elsewhere enough especially etc even ever every everybody
everyone everything everywhere except few for former formerly from further furthermore get gets
getting got gotten had hadn't has hasn't have haven't having he he'd he'll he's hence her here
here's hereby herein hers herself him himself his how how's however ie if in indeed instead into is
isn't it it'd it'll it's its itself just least less let let's lets made make makes many may maybe me
meanwhile might mine more moreover most mostly much must mustn't my myself namely neither never
nevertheless next no nobody none noone nor not nothing now nowhere of off often oh ok okay on once
one ones only onto or other others otherwise ought our ours ourselves out over own per perhaps
please put quite rather re really same say says said see seem seemed seems several shall shan't she
she'd she'll she's should shouldn't since so some somebody somehow someone something sometime
sometimes somewhat somewhere still such than that that'd that'll that's the their theirs them
themselves then thence there there's thereafter thereby therefore therein these they they'd
they'll they're they've thing things this those though through throughout thru thus till to
together too toward towards under unless until up upon us use used uses using usually various very
via was wasn't way we we'd we'll we're we've went were weren't what what's whatever when
when's whence whenever where where's whereas wherever whether which while whilst who who's whoever
whole whom whose why why's will with within without won't would wouldn't yes yet you you'd you'll
you're you've your yours yourself yourselves im ive id dont doesnt didnt cant couldnt wont wouldnt
isnt arent wasnt werent hasnt havent hadnt shouldnt thats theres youre theyre weve ill also got
go goes going gone come came comes coming took take takes taken give gave given`,

	Polish: `
aby ach aj albo ale ależ ani aż bardziej bardzo bez bo bowiem by byli bym byś był była byłam
byłem byłeś były było być będzie będziemy będziesz będą będę cali cała całe cały cali chociaż
choć ci cię ciebie co cokolwiek coś czasem czasami czemu czy czyli często daleko dla dlaczego
dlatego do dokąd dość dużo dwa dwie dzisiaj dziś gdy gdyby gdyż gdzie gdziekolwiek gdzieś go ich
ile im inna inne inni inny innych iż ja jak jaka jakaś jakie jakiś jakiż jakkolwiek jako jakoś je
jeden jedna jednak jednakże jedno jego jej jemu jest jestem jesteś jesteśmy jesteście jeszcze
jeśli jeżeli już ją każda każde każdy kiedy kiedyś kilka kto ktokolwiek ktoś która które który
których którym którą ku lecz lub ma mają mam mamy mało mi mimo między mną mnie mogą mogę moi moim
moja moje może możemy można mój mu my na nad nam nami nas nasi nasz nasza nasze naszego naszych
natomiast naprawdę nawet nic nich nie niech niego niej niemu nigdy nim nimi niż no obok od oraz
on ona one oni ono oto owszem pan pani po pod podczas ponad ponieważ potem poza prawie przed
przede przez przy raz razie sam sama same samo się skąd sobie sobą swoje swój swoja swoich są ta
tak taka taki takie także tam te tego tej ten teraz też to tobie tobą toteż trzeba tu tutaj
twoi twoja twoje twój ty tych tylko tym tymi tą tę u w wam wami was wasz wasza wasze we według
wiele więc właśnie wszyscy wszystkich wszystkie wszystko wtedy wy z za zaraz zawsze zaś ze zbyt
znowu znów żadna żadne żadnych żaden że żeby było byliśmy była miał miała miało mieli mieć
musi trochę mniej dalej potem bardzo wcześniej później jakby chyba czyż oni także tamten tamta
tamto tędy tyle tylu ileś kiedykolwiek`,

	Romanian: `
acea aceasta această aceea acei aceia acel acela acele acelea același aceeași acest acesta aceste
acestea acestei acestor acestui acești acolo acum adică ai aia aici al ale alt alta altă alte altul
alții am apoi ar are aș ași asta astea astfel asupra atât atâta atâtea atâția atunci au avea aveai
aveam avem aveți avut azi ăla ăsta ăștia ba ca că cam care căci cât câte câtva câți ce cea
ceea cei cel cele celor ceva chiar cine cineva cu cui cum cumva da dacă dar de deci deja deoarece
deși despre din dintr dintre doar după ea ei el ele era erai eram erau este ești eu față fără fi
fie fiecare fiecărui fii fim fiind fiindcă fiți fost foarte iar ieri îi îl îmi împotriva în
înainte înapoi încât încă însă într între își îți la le li lor lui mai mă mea mei mele meu
mi mie mine mult multă mulți multe ne nici nicio niciun nimeni nimic niște noastră noastre noi
nostru noștri nouă nu o oare ori oricare orice oricine oricum pe pentru peste până pe poate
pot prea prin printr sa să săi sale sau său se său sunt suntem sunteți și ta tale tău te ți
tine toată toate tocmai tot toți totuși tu un una unde unei unele uneori unor unui unul va vă
vi voastră voastre voi vom vor vostru voștri vreau vrea vreo vreun`,

	Latvian: `
aiz ap apakš ar arī atkal augšpus bez bet bija bijām bijāt biji biju būs būsi būsiet būsim būšu
būt caur daudz diemžēl diezin dēļ es gan gar iekš iekšpus ir iespējams ja jā jau jeb jo jums
jūs jūsu ka kā kad kādēļ kāds kāda kādi kādu kam kamēr kāpēc kas katrs katra ko kopā kur
kura kurā kuras kuri kurš kuru kurus labad lai lejpus līdz līdzās maz man manā mani manis mans mana
manu mēs mums mūs mūsu nav ne nebija nebūs nebūt nedz neesmu nekā nekad neko nekas nekur nu
otra otrs pa par pār pāri pat pēc pie pirms pret priekš sava savas savs savu savā sev sevi sevis
šai šajā šī šie šis šīs šo šeit šodien tad taču tāds tāda tādi tādu tagad tāpēc tas tā tās te
tev tevi tevis tie tiek tiem tieši tiešām tik tikai tiks tiku tikt tomēr tu tur turklāt
turpretī uz un vai vairāk vairs var varbūt varēja varēs varu vien vienmēr viņa viņai viņam viņas
viņi viņiem viņš viņu visa visi visu viss vēl vēlāk zem ļoti esmu esam esat esi ļoti kurai kurām
kuriem tādēļ kaut kaut kas citi cits cita citu abi abas te tiem tām tos tai tajā tajos tās`,
}
