// Package churn predicts which customers make no purchase in the next H days, and backtests that
// prediction honestly against the customer-base models.
//
// The learners are gradient-boosted trees with a logistic loss ([FitGBDT], histogram-based, early
// stopping) and an L2-regularised logistic regression ([FitLogistic]) on features computed from a
// store's per-customer rows as of a cut-off ([fidelis.ChurnRow]; the features are listed in
// features.go, each defined once). Their probabilities are calibrated on a held-out fold
// ([FitCalibrator]); [GBDT.Contributions] explains each score.
//
// [Run] is a rolling-origin backtest (Tashman 2000, International Journal of Forecasting 16(4)):
// for each cut-off c the models train on rows as of c−H with outcomes in [c−H, c) and are tested
// on rows as of c with outcomes in [c, c+H), never on a random split across time. Side by side:
// the boosted trees, the logistic regression, 1 − P(alive) of BG/NBD and of Pareto/NBD fitted on
// purchases before c, and the hiatus rule (Wübben & von Wangenheim 2008). The winner has the
// highest pooled AUC; the backtest says so, by how much, and whether the trees beat the baselines.
package churn
