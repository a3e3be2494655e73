// Package insight turns Fidelis' metrics into judgements: how they compare with published
// industry benchmarks, how far they are from the business's own targets, and which are strengths
// and which weaknesses. It is pure Go over small values (Observation), with no store and no SQL;
// package analysis builds the observations from an Analysis (analysis/insight.go).
//
// # Benchmarks
//
// Benchmarks are data, shipped in benchmarks.json (embedded) and listed by `fidelis benchmarks`.
// Every row names its metric id, industry, value or low–high range, unit, the population and
// definition behind it, its source (publisher and report title), year, URL and kind: "survey" for
// vendor surveys and vendor data (most published loyalty figures), "study" for peer-reviewed or
// independent work. No number without a source: ParseBenchmarks rejects a row without source, year
// or kind. The ACSI is a 0–100 econometric index, not a top-box CSAT share, so no ACSI row is
// shipped; a user row may set "not_comparable": true to keep such a figure for reference only.
//
// A user benchmark file has the same JSON schema (an array of rows). MergeBenchmarks lays it over
// the shipped rows: a user row replaces every shipped row of the same metric and industry; rows
// of other metric/industry pairs are kept.
//
// Metric ids (Metrics lists them with units and direction): retention (ID-based period retention at
// the analysis grain), retention_annual (ID-based, grain year, window one year: customers who
// bought in a calendar year and again in the next), churn, win_back, repeat_purchase_rate, nps,
// csat, subscription_churn_monthly, redemption_rate, breakage.
//
// # Goals file
//
// A goals file holds one target per line, `metric: [>=|<=] value[%] [by YYYY-MM-DD]`, with # comments
// and blank lines ignored (≥ and ≤ are accepted too):
//
//	# our 2026 targets
//	retention: 85% by 2026-12-31
//	nps: >= 40
//	repeat_purchase_rate: 35%
//	redemption_rate: >= 20 by 2026-06-30
//	churn: <= 10%
//
// Without an operator the metric's direction decides (≥ when higher is better, ≤ for churn and
// breakage). Values are in the metric's unit: percent for rates, points for NPS. The same goals
// may be given as JSON: [{"metric":"nps","op":">=","value":40,"by":"2026-12-31"}].
//
// # Targets
//
// For each goal: the current value with its interval, progress (current ÷ target for ≥ goals,
// target ÷ current for ≤ goals, capped at 100%), and a trend projection: ordinary least squares of
// the metric on time (days) over the last ProjectionPeriods complete periods (at least three),
// evaluated at the target date. The goal is "met" when the current value already satisfies it
// ("met, significantly" when the whole interval does), "on track" when the projection reaches it by
// the date (a goal without a date: when the trend moves towards it), "off track" otherwise, and
// "no trend" when fewer than three periods exist. The gap is
// also given in customers (gap in points ÷ 100 × the customers the rate applies to, e.g. customers
// active at the start of the period for retention; for NPS, detractors who would have to become
// promoters: gap × respondents ÷ 200) and in money (gap customers × yearly revenue per active
// customer from the analysis).
//
// # Strengths and weaknesses
//
// Assess compares every observation with its benchmarks (by interval: above when the whole 95%
// interval is above the benchmark's range, below when it is below, "in line" when they overlap),
// with its target, with its own last change (significance from the observation's test: two-
// proportion z for shares, Rocks' adjusted-Wald difference for NPS), and its segments against the
// rest of the base. Each finding carries an evidence sentence and a score (the distance in
// standard errors), and strengths and weaknesses are ranked by it. Decompose splits the change of a
// pooled rate between two periods into a within-segment (rate) effect and a mix effect (Kitagawa
// 1955, JASA 50(272)), and warns when the mix shift explains the change (Simpson's paradox).
package insight
