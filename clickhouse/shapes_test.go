package clickhouse_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"fidelis"
	"fidelis/clickhouse"
)

// TestSegmentJoinAndNullableConditions pins two ways the shared query shapes used to fail on
// ClickHouse 18.16: a conditional count over a Nullable column (converted_at) came back NULL on a
// server, and the segment join (`ON sg.seg_customer = t.customer_id`) was refused on the cluster,
// whose rewrite for the shards loses the right side's alias. Referrals by region exercises both.
func TestSegmentJoinAndNullableConditions(t *testing.T) {
	modes(t, func(t *testing.T, st *clickhouse.Store) {
		defer st.Close()
		ctx := context.Background()
		cu, r := fidelis.Customers, fidelis.Referrals
		write(t, st, cu, fidelis.Insert, rows(t, cu, "2|A||North", "3|B||North", "4|C||South"))
		// A invites twice in March (one converts in 5 days), C once (not converted).
		write(t, st, r, fidelis.Insert, rows(t, r, "2|r1|A|p1|2024-03-01|2024-03-06|E|10", "3|r2|A|p2|2024-03-02|||", "4|r3|C|p3|2024-03-03|||"))
		got, err := st.Referrals(ctx, fidelis.Query{Grain: fidelis.Month, By: "region"})
		if err != nil {
			t.Fatal(err)
		}
		mar := fidelis.Month.Index(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
		want := []fidelis.ReferralCell{
			{Segment: "North", Period: mar, Invites: 2, Referrers: 1, Converted: 1, ConvertDays: 5, ConvertTimed: 1, FirstOrderRevenue: 10},
			{Segment: "South", Period: mar, Invites: 1, Referrers: 1},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("referrals by region:\n got %+v\nwant %+v", got, want)
		}
	})
}

// TestExitRevenueJoin: an exit's revenue (orders up to the exit) joins exits to orders; written
// `ON o.v_customer = x2.customer_id` it was refused on the cluster ("Unknown identifier").
func TestExitRevenueJoin(t *testing.T) {
	modes(t, func(t *testing.T, st *clickhouse.Store) {
		defer st.Close()
		o, x := fidelis.Orders, fidelis.Exits
		write(t, st, o, fidelis.Insert, rows(t, o, "2|o1|A|2024-01-15|10", "3|o2|A|2024-02-15|-4", "4|o3|A|2024-04-15|20", "5|o4|B|2024-01-20|7"))
		write(t, st, x, fidelis.Insert, rows(t, x, "2|x1|A|2024-03-01|price|"))
		got, err := st.ExitRecords(context.Background(), fidelis.Query{Grain: fidelis.Month})
		if err != nil {
			t.Fatal(err)
		}
		want := []fidelis.ExitRecord{{ID: "x1", Customer: "A", Time: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Reason: "price", Revenue: 6, Orders: 1}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("exits:\n got %+v\nwant %+v", got, want)
		}
	})
}
