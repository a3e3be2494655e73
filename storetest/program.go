package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"fidelis"
)

func init() {
	AddCase("ProgramActivity", testProgramActivity)
	AddCase("ProgramTiers", testProgramTiers)
	AddCase("ProgramCustomers", testProgramCustomers)
	AddCase("ProgramCustomersOrderTime", testProgramCustomersOrderTime)
}

// Programme events of the fixture: A enrols in January and earns 100 (Jan) and 100 (Feb),
// redeems 50 (Feb, ledger sign) and loses 150 to expiry (Mar); B enrols in February (no points),
// earns 300 and reaches silver in March, redeems 100 (written positive) and is adjusted by −10.
// Every valued event is worth 0.01 a point.
const programCSV = `event_id,customer_id,timestamp,type,points,value,tier
e1,A,2024-01-15,enroll,0,0,bronze
e2,A,2024-01-15,earn,100,1,
e3,A,2024-02-15,earn,100,1,
e4,A,2024-02-20,redeem,-50,-0.5,
e5,B,2024-02-01,enroll,,,bronze
e6,B,2024-03-15,earn,300,3,
e7,B,2024-03-15,tier,,,silver
e8,A,2024-03-20,expire,-150,-1.5,
e9,B,2024-03-25,redeem,100,1,
e10,B,2024-03-26,adjust,-10,,
`

func testProgramActivity(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadAdvocacy(t, st)
	// Valued points: events with points ≠ 0 and a value: Jan e2; Feb e3, e4; Mar e6, e8, e9.
	want := []fidelis.ProgramCell{
		{Period: month(1), Enrolled: 1, Active: 1, Earned: 100, ValuedPoints: 100, Value: 1, Members: 1, EarnedToDate: 100},
		{Period: month(2), Enrolled: 1, Active: 2, Earned: 100, Redeemed: 50, ValuedPoints: 150, Value: 1.5,
			Members: 2, EarnedToDate: 200, RedeemedToDate: 50},
		{Period: month(3), Active: 2, Earned: 300, Redeemed: 100, Expired: 150, Adjusted: -10, ValuedPoints: 550, Value: 5.5,
			Members: 2, EarnedToDate: 500, RedeemedToDate: 150, ExpiredToDate: 150, AdjustedToDate: -10},
	}
	got, err := st.ProgramActivity(context.Background(), fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("programme:\n got %+v\nwant %+v", got, want)
	}
	// From March: running totals still count January and February.
	got, err = st.ProgramActivity(context.Background(), fidelis.Query{Grain: fidelis.Month, From: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want[2:]) {
		t.Errorf("programme from March:\n got %+v\nwant %+v", got, want[2:])
	}
	// By segment: A consumer, B business.
	got, err = st.ProgramActivity(context.Background(), fidelis.Query{Grain: fidelis.Month, By: "segment"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 || got[0].Segment != "business" || got[0].Members != 0 || got[5].Segment != "consumer" || got[5].ExpiredToDate != 150 {
		t.Errorf("programme by segment: %+v", got)
	}
}

func testProgramTiers(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadAdvocacy(t, st)
	got, err := st.ProgramTiers(context.Background(), fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.TierMove{
		{Period: month(1), To: "bronze", Customers: 1},
		{Period: month(2), To: "bronze", Customers: 1},
		{Period: month(3), From: "bronze", To: "silver", Customers: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tiers:\n got %+v\nwant %+v", got, want)
	}
}

func testProgramCustomers(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadAdvocacy(t, st)
	d := func(m, day int) time.Time { return time.Date(2024, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	var got []fidelis.ProgramCustomer
	// Up to April 1: D's April order and refund are left out. Last programme events: A's expiry on
	// March 20, B's adjustment on March 26.
	err := st.ProgramCustomers(context.Background(), fidelis.Query{Grain: fidelis.Month, To: d(4, 1)},
		func(c fidelis.ProgramCustomer) error { got = append(got, c); return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.ProgramCustomer{
		{Customer: "A", Profile: "North|consumer", Enrolled: d(1, 15), LastEvent: d(3, 20), Orders: []time.Time{d(1, 15), d(2, 15), d(3, 15)}, Amounts: []float64{10, 10, 10}},
		{Customer: "B", Profile: "North|business", Enrolled: d(2, 1), LastEvent: d(3, 26), Orders: []time.Time{d(1, 15), d(3, 15)}, Amounts: []float64{10, 10}},
		{Customer: "C", Profile: "South|consumer", Orders: []time.Time{d(2, 15)}, Amounts: []float64{10}},
		{Customer: "D", Profile: "South|consumer", Orders: []time.Time{d(3, 15)}, Amounts: []float64{10}},
		{Customer: "E", Profile: "North|business", Orders: []time.Time{d(1, 15)}, Amounts: []float64{10}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("programme customers:\n got %+v\nwant %+v", got, want)
	}
}

// testProgramCustomersOrderTime: a customer's orders come in time order (then by amount) however
// they were imported (here newest first, two at the same minute) and whatever order the store
// keeps them in.
func testProgramCustomersOrderTime(t *testing.T, st fidelis.Store) {
	defer st.Close()
	Load(t, st, map[fidelis.Kind]string{fidelis.Customers: customersCSV, fidelis.Orders: `order_id,customer_id,timestamp,amount
z1,A,2024-03-15T10:00:00Z,30
z2,A,2024-02-15T10:00:00Z,25
z3,A,2024-02-15T10:00:00Z,5
z4,A,2024-01-15T10:00:00Z,10
z5,B,2024-05-01T00:00:00Z,7
z6,B,2024-04-01T00:00:00Z,8
`})
	at := func(m, day int) time.Time { return time.Date(2024, time.Month(m), day, 10, 0, 0, 0, time.UTC) }
	var got []fidelis.ProgramCustomer
	err := st.ProgramCustomers(context.Background(), fidelis.Query{Grain: fidelis.Month},
		func(c fidelis.ProgramCustomer) error { got = append(got, c); return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.ProgramCustomer{
		{Customer: "A", Profile: "North|consumer", Orders: []time.Time{at(1, 15), at(2, 15), at(2, 15), at(3, 15)}, Amounts: []float64{10, 5, 25, 30}},
		{Customer: "B", Profile: "North|business", Orders: []time.Time{at(4, 1).Add(-10 * time.Hour), at(5, 1).Add(-10 * time.Hour)}, Amounts: []float64{8, 7}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("programme customers:\n got %+v\nwant %+v", got, want)
	}
}
