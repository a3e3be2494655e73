package storetest

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"

	"fidelis"
	"fidelis/metric"
)

func init() { AddCase("Lifetimes", testLifetimes) }

// testLifetimes on the order fixture with a 40-day window; the data end on 2024-04-21 (the day
// after the last order, a refund on Apr 20):
//
//	A Jan 15, Feb 15, Mar 15: gaps 31 and 29 → last purchase Mar 15, 37 days before the end:
//	  still active, censored at Jan 15 → Apr 21 = 97 days
//	B Jan 15, Mar 15: gap 60 > 40 → lapsed after Jan 15: event at 0 + 40 = 40 days
//	C Feb 15 and E Jan 15: lapsed, 40 days each
//	D Mar 15, Apr 15: last purchase 6 days before the end: censored at Mar 15 → Apr 21 = 37 days
func testLifetimes(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadOrders(t, st)
	got, err := st.Lifetimes(context.Background(), fidelis.Query{}, 40)
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.LifetimeCell{{Days: 37, Censored: 1}, {Days: 40, Events: 3}, {Days: 97, Censored: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lifetimes %+v, want %+v", got, want)
	}
}

func init() { AddCase("LifetimesLapseObservedAfterTheWindow", testLifetimeLapseDay) }

// testLifetimeLapseDay: a lapse (no purchase for more than the window) is known only once the
// window's last day has been observed. Window 10 days; the last order is on Jan 31, so the data
// end on Feb 1, day 31 counted from Jan 1 (day 0), and Feb 1 itself is not observed:
//
//	A Jan 1 only: 31 days > 10 without a purchase → lapsed; event at 0 + 10 = 10 days
//	C Jan 22 (day 21) only: a purchase on Feb 1 (gap 10, not more) would keep C active, and Feb 1
//	  is not observed → still active, censored at day 21 → 31 = 10 days
//	D, E, F Jan 1, 6, 16, 26, 31: gaps ≤ 10 → censored at 31 days
//
// Kaplan-Meier: on day 10 five customers are at risk and one lapses, S(10) = 0.8. The rule
// `end − lapse ≥ window` counts C as lapsed too and gives 0.6, one day early.
func testLifetimeLapseDay(t *testing.T, st fidelis.Store) {
	defer st.Close()
	orders := "order_id,customer_id,date,amount\no1,A,2024-01-01,10\no2,C,2024-01-22,10\n"
	n := 3
	for _, c := range []string{"D", "E", "F"} {
		for _, d := range []string{"01", "06", "16", "26", "31"} {
			orders += fmt.Sprintf("o%d,%s,2024-01-%s,10\n", n, c, d)
			n++
		}
	}
	Load(t, st, map[fidelis.Kind]string{fidelis.Orders: orders})
	got, err := st.Lifetimes(context.Background(), fidelis.Query{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.LifetimeCell{{Days: 10, Events: 1, Censored: 1}, {Days: 31, Censored: 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lifetimes %+v, want %+v", got, want)
	}
	if s, _, _ := metric.KaplanMeier(got)[0].At(10); math.Abs(s-0.8) > 1e-12 {
		t.Errorf("S(10) = %v, want 0.8", s)
	}
}

func init() { AddCase("LifetimesSeveralOrdersADay", testLifetimesSameDay) }

// testLifetimesSameDay: orders sharing a day count as one purchase day, and a refund is
// no purchase. Window 10 days, data end on Feb 1 (last order Jan 31):
//
//	A three orders on Jan 1, one on Jan 12 (gap 11 > 10) → lapsed after Jan 1: event at 10 days
//	B two orders on Jan 1, two on Jan 11 (gap 10), Jan 21, a refund on Jan 31 (no purchase) →
//	  lapse after Jan 21, observed (Feb 1 − Jan 21 = 11 > 10): event at 20 + 10 = 30 days
//	C a refund alone: not a customer with a purchase
//	D Jan 31 twice: censored at 1 day
func testLifetimesSameDay(t *testing.T, st fidelis.Store) {
	defer st.Close()
	orders := `order_id,customer_id,date,amount
a1,A,2024-01-01,10
a2,A,2024-01-01,20
a3,A,2024-01-01,5
a4,A,2024-01-12,10
b1,B,2024-01-01,10
b2,B,2024-01-01,10
b3,B,2024-01-11,10
b4,B,2024-01-11,10
b5,B,2024-01-21,10
b6,B,2024-01-31,-10
c1,C,2024-01-15,-5
d1,D,2024-01-31,10
d2,D,2024-01-31,10
`
	Load(t, st, map[fidelis.Kind]string{fidelis.Orders: orders})
	got, err := st.Lifetimes(context.Background(), fidelis.Query{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.LifetimeCell{{Days: 1, Censored: 1}, {Days: 10, Events: 1}, {Days: 30, Events: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lifetimes %+v, want %+v", got, want)
	}
}
