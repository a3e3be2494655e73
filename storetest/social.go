package storetest

import (
	"context"
	"reflect"
	"testing"

	"fidelis"
)

func init() {
	AddCase("Social", testSocial)
}

// Mentions of the fixture: two in January on instagram (A positive, an anonymous negative), three
// in February on x (A "Positive", C unlabelled with text, B neutral without text).
const socialCSV = `mention_id,timestamp,platform,customer_id,likes,shares,comments,reach,sentiment,text
m1,2024-01-05,instagram,A,10,2,1,500,positive,Love the fast delivery
m2,2024-01-20,instagram,,4,0,0,100,negative,Late delivery again
m3,2024-02-02,x,A,1,1,0,50,Positive,great service
m4,2024-02-10,x,C,0,0,2,80,,slow delivery awful
m5,2024-02-11,x,B,5,0,0,300,neutral,
`

func testSocial(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadAdvocacy(t, st)
	ctx := context.Background()
	got, err := st.SocialActivity(ctx, fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.SocialCell{
		{Period: month(1), Platform: "instagram", Sentiment: "negative", Mentions: 1, Likes: 4, Reach: 100},
		{Period: month(1), Platform: "instagram", Sentiment: "positive", Mentions: 1, Likes: 10, Shares: 2, Comments: 1, Reach: 500, Authors: 1},
		{Period: month(2), Platform: "x", Sentiment: "", Mentions: 1, Comments: 2, Reach: 80, Authors: 1},
		{Period: month(2), Platform: "x", Sentiment: "neutral", Mentions: 1, Likes: 5, Reach: 300, Authors: 1},
		{Period: month(2), Platform: "x", Sentiment: "positive", Mentions: 1, Likes: 1, Shares: 1, Reach: 50, Authors: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("social:\n got %+v\nwant %+v", got, want)
	}
	// Anonymous mentions fall in "(none)" under a breakdown: January by region.
	got, err = st.SocialActivity(ctx, fidelis.Query{Grain: fidelis.Month, By: "region", To: fidelis.Month.Start(month(2))})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Segment != "(none)" || got[1].Segment != "North" {
		t.Errorf("social by region: %+v", got)
	}
	var ids []string
	if err := st.SocialTexts(ctx, fidelis.Query{Grain: fidelis.Month}, func(x fidelis.SocialText) error { ids = append(ids, x.ID+":"+x.Sentiment); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"m1:positive", "m2:negative", "m3:positive", "m4:"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("texts %v, want %v", ids, want)
	}
	amp, err := st.Amplifiers(ctx, fidelis.Query{Grain: fidelis.Month}, 2)
	if err != nil {
		t.Fatal(err)
	}
	wantAmp := []fidelis.Amplifier{
		{Customer: "A", Mentions: 2, Positive: 2, Likes: 11, Shares: 3, Reach: 550},
		{Customer: "B", Mentions: 1, Likes: 5, Reach: 300},
	}
	if !reflect.DeepEqual(amp, wantAmp) {
		t.Errorf("amplifiers:\n got %+v\nwant %+v", amp, wantAmp)
	}
}
