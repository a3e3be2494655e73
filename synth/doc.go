// Package synth writes a seeded synthetic company — an online retailer with a subscription line
// and a loyalty programme, selling in Great Britain, Ireland, Poland, Romania and Latvia — as one
// import file per record kind, at any size, for the demo, tests and benchmarks.
//
// # Files
//
// Write(ctx, dir, cfg, progress) creates dir and writes <kind>.csv for every fidelis.Kind, each
// with the canonical header of fidelis.Schemas (customers.csv adds the free attributes age_band
// and gender), plus truth.json: the planted model (type Truth) and what was realised. Timestamps
// are UTC, 2006-01-02T15:04:05Z; amounts use '.' and two decimals, in EUR; text is UTF-8 and
// quoted per RFC 4180 where needed. Rows are grouped by customer (ids follow signup order), not
// sorted by time. Ids: customers C0000001 (7 digits or more), orders O<n>-k and refunds R<n>-k,
// subscriptions S<n>-k, survey answers V<n>-k, referrals F<n>[-k] with prospects P<n>[-k],
// programme events L<n>-k, interactions I<n>-k, mentions M<n>-k (M<n>-a anonymous), exits X<n>.
//
// The output depends only on the Config: every customer draws from its own PCG streams, keyed by
// the seed and the customer's index, and workers' chunks are written in order, so the bytes are
// the same for any number of CPUs. Memory is bounded by a few chunks per worker.
//
// # The company (all parameters in Truth; rates per week)
//
// Customers sign up over the window [Start, End) with an intensity growing 50% a year and a
// November–January peak; customer i is placed at quantile (i+U)/n of that intensity. Regions
// North (LV), South (RO), East (PL) and West (GB, IE); segments consumer, premium, business;
// acquisition channels search, social, referral, email, store; age band and gender.
//
// Each customer has a latent satisfaction s = zs + segment shift + region shift, where zs is
// standard normal and correlated (ρ = −0.5) with the normal score zp whose CDF is the customer's
// dropout quantile: satisfied customers drop out later, while the dropout probability keeps its
// Beta margin (a Gaussian copula).
//
// Orders follow the BG/NBD (Fader, Hardie & Lee 2005): the first order at signup, then purchases
// at rate λ ~ Gamma(r, α) of the customer's segment × region cell, multiplied by a monthly
// seasonality (mean 1, November–December peak; planted by thinning) and, after enrolment in the
// programme, by 1 + RateEffect (+10%); after every repeat purchase the customer drops out with
// probability p = BetaQuantile(a, b, Φ(zp)). Regions scale α (rate), b (retention) and spend.
// Order values follow the Gamma-Gamma model (per-customer ν ~ Gamma(q, γ), value ~ Gamma(p, ν));
// 2% of orders are refunded 1–14 days later by a row with the negated amount and quantity. With
// the defaults a customer makes about 10 orders over the three years, so 1M customers give
// about 10M order rows. Order channels web/app/store with a per-customer preference.
//
// Subscriptions: 10/30/15% of consumer/premium/business customers subscribe (plan basic 9.99 or
// plus 19.99 EUR MRR) about two months after signup; each month a subscriber churns with
// probability θ ~ Beta(α, β) of the plan (shifted-beta-geometric); basic subscribers upgrade with
// 1.5% a month (the basic row ends and a plus row starts). ended_at is empty while live.
//
// Surveys: 8% of orders are followed by an answer: NPS (0-10), CSAT (1-5), CES (1-7), trust
// (1-5), and the emotional items attachment, belonging and identification (1-7), each
// round(centre + slope·(s + 0.7·e)).
// Comments are in the language of the customer's country (en, pl, ro, lv, with their
// diacritics), built from phrase templates whose phrase pool depends on the answer's group
// (detractor/passive/promoter): the planted driver phrases (late delivery, rude support, ... vs
// fast delivery, friendly staff, ...) are listed in Truth.Drivers; 10% of comments take a random
// group's phrase.
//
// Referrals: every customer acquired through the referral channel has a converted referral whose
// referrer is an earlier customer drawn with weight exp(0.8·s); besides, customers send
// unconverted invites at a rate growing with exp(0.8·s) while alive. Promoters refer more.
//
// Programme: customers intend to enrol with probability logistic(−0.1 + ln(λ/E[λ]) + 0.4·s)
// (self-selection on frequency and satisfaction) and enrol about three months after signup if
// still active. Events: enroll (tier bronze), earn (1 point per EUR, floor), tier (silver at 1000
// lifetime points, gold at 3000), redeem (−500 points, worth 5 EUR), expire (the balance, after
// 365 days without earning). Points are signed (ledger convention); value = points × 0.01 EUR.
//
// Interactions: email (open/click, depth = pages), web (visit, pages), app (session, seconds),
// store (visit, seconds), support (ticket/call, seconds), chat (seconds), at a rate rising with
// satisfaction while the customer is active and a tenth of it after dropout; unhappy customers
// contact support and chat more.
//
// Social: some customers (more of the very satisfied and the very unhappy) post mentions whose
// sentiment follows their satisfaction; anonymous mentions come with the customer base. Likes,
// shares, comments and reach are drawn from the post's reach.
//
// Exits: 35% of the customers who dropped out leave an exit record about 45 days after their
// last purchase, with a reason (price, delivery, support, product_quality, moved, competitor)
// whose weights depend on segment and satisfaction, and usually a comment.
package synth
