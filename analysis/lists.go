package analysis

import (
	"fmt"

	"fidelis/metric"
)

// Every count of the analysis that stands for customers carries the name of its customer list,
// as `fidelis serve` answers it at /v1/customers?list=NAME with the same view (grain, window,
// by, segment, from, to) as the analysis. In JSON the name sits next to its count: a field
// "list" names the list of the object's "customers" (or a proportion's "k"), a field "X_list"
// the list of its sibling "X".

// CustomerCount is a number of customers and the list of them.
type CustomerCount struct {
	Customers int64  `json:"customers"`
	List      string `json:"list"`
}

// CohortList names the customers of cohort (a period label) who bought at offset periods after
// it (offset 0: the whole cohort); segment is the cohort matrix's segment under a breakdown, ""
// for the whole base.
func CohortList(cohort string, offset int, segment string) string {
	return withSegment(fmt.Sprintf("cohort:%s:%d", cohort, offset), segment)
}

// PeriodList names the customers behind a count of a retention row: kind is "lost" (churn.k:
// active in the previous period, not in this one), "retained" (id_based.k), "active" (end),
// "new" or "returning"; segment is the row's segment in retention_by, "" in retention.
func PeriodList(kind, period, segment string) string {
	return withSegment(kind+":"+period, segment)
}

func withSegment(list, segment string) string {
	if segment == "" {
		return list
	}
	return list + ":" + segment
}

// ActionList names an action's customers.
func ActionList(id string) string { return "action:" + id }

// PAliveList names the customers whose P(alive) is in tenth band (0..9); with repeat ≥ 0 only
// those with that many repeat purchase days (7: seven or more), a cell of p_alive_by_frequency.
func PAliveList(band, repeat int) string {
	if repeat < 0 {
		return fmt.Sprintf("palive:%d", band)
	}
	return fmt.Sprintf("palive:%d:%d", band, repeat)
}

// ThemeDetractorsList names the customers who gave a detractor's NPS answer (0-6) in the
// window with a comment that mentions the theme.
func ThemeDetractorsList(theme string) string { return "detractors:" + theme }

// LapsedMembersList names the programme members with no programme event since the last period
// began.
const LapsedMembersList = "lapsed-members"

// linkRetention names the lists of a retention row's lost, active (end), new and returning
// customers; segment is the breakdown's segment ("" for the whole base).
func linkRetention(rs []metric.Retention, segmented bool) {
	for i := range rs {
		r := &rs[i]
		seg := ""
		if segmented {
			seg = r.Segment
		}
		r.LostList = PeriodList("lost", r.Period, seg)
		r.EndList = PeriodList("active", r.Period, seg)
		r.NewList = PeriodList("new", r.Period, seg)
		r.ReturningList = PeriodList("returning", r.Period, seg)
	}
}

// LinkCohorts names the list of every bounded cell of the matrices (segmented: one matrix per
// segment of a breakdown).
func LinkCohorts(ms []metric.CohortMatrix, segmented bool) {
	for _, m := range ms {
		seg := ""
		if segmented {
			seg = m.Segment
		}
		for _, r := range m.Rows {
			for k := range r.Bounded {
				r.Bounded[k].List = CohortList(r.Cohort, k, seg)
			}
		}
	}
}
