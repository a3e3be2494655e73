package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"fidelis"
)

func init() {
	AddCase("Engagement", testEngagement)
	AddCase("EngagementRetention", testEngagementRetention)
}

// Interactions of the fixture: A reads an email and visits the web twice in January and once in
// February; B clicks an email in January; C uses the app in February; E opens a ticket in March.
const interactionsCSV = `interaction_id,customer_id,timestamp,channel,kind,depth
i1,A,2024-01-05,email,open,
i2,A,2024-01-06,web,visit,3
i3,A,2024-01-07,web,visit,5
i4,B,2024-01-10,email,click,2
i5,C,2024-02-03,app,session,120
i6,A,2024-02-10,web,visit,1
i7,E,2024-03-01,support,ticket,300
`

func testEngagement(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadAdvocacy(t, st)
	ctx := context.Background()
	got, err := st.Engagement(ctx, fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.EngagementCell{
		{Period: month(1), Channel: "email", Interactions: 2, Customers: 2, Depth: 2, DepthN: 1},
		{Period: month(1), Channel: "web", Interactions: 2, Customers: 1, Depth: 8, DepthN: 2},
		{Period: month(2), Channel: "app", Interactions: 1, Customers: 1, Depth: 120, DepthN: 1},
		{Period: month(2), Channel: "web", Interactions: 1, Customers: 1, Depth: 1, DepthN: 1},
		{Period: month(3), Channel: "support", Interactions: 1, Customers: 1, Depth: 300, DepthN: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("engagement:\n got %+v\nwant %+v", got, want)
	}
	// Channels per engaged customer: Jan A 2, B 1; Feb A 1, C 1; Mar E 1.
	mix, err := st.EngagementMix(ctx, fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	wantMix := []fidelis.ChannelMix{
		{Period: month(1), Channels: 1, Customers: 1}, {Period: month(1), Channels: 2, Customers: 1},
		{Period: month(2), Channels: 1, Customers: 2}, {Period: month(3), Channels: 1, Customers: 1},
	}
	if !reflect.DeepEqual(mix, wantMix) {
		t.Errorf("mix:\n got %+v\nwant %+v", mix, wantMix)
	}
}

func testEngagementRetention(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadAdvocacy(t, st)
	// Window 1 month; the last order period is April, so only January and February have a complete
	// follow-up (i + 1 < April). Buyer-periods: Jan A (3 interactions, buys in Feb), B (1, next in
	// Mar: not within 1 month), E (0, never again); Feb A (1, buys in Mar), C (1, never again).
	ctx := context.Background()
	got, err := st.EngagementRetention(ctx, fidelis.Query{Grain: fidelis.Month, Window: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.EngagementRetentionCell{{Interactions: 0, Buyers: 1}, {Interactions: 1, Buyers: 3, Returned: 1},
		{Interactions: 3, Buyers: 1, Returned: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("engagement retention:\n got %+v\nwant %+v", got, want)
	}
	// By region (A, B, E North; C South), February's purchases only.
	got, err = st.EngagementRetention(ctx, fidelis.Query{Grain: fidelis.Month, Window: 1, By: "region",
		From: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	want = []fidelis.EngagementRetentionCell{{Segment: "North", Interactions: 1, Buyers: 1, Returned: 1},
		{Segment: "South", Interactions: 1, Buyers: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("engagement retention by region from February:\n got %+v\nwant %+v", got, want)
	}
}
