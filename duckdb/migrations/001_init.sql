-- Fidelis store, version 1. Column names are the canonical field names of fidelis.Schemas, in the
-- same order (the writer appends values positionally). No primary keys: DuckDB's ART indexes cost
-- memory and insert time at 10^8 rows; uniqueness of ids is enforced by the import (anti-join).
CREATE TABLE customers (customer_id VARCHAR NOT NULL, signup_at TIMESTAMP, region VARCHAR, country VARCHAR,
    segment VARCHAR, acquisition_channel VARCHAR);
CREATE TABLE customer_attrs (customer_id VARCHAR NOT NULL, name VARCHAR NOT NULL, value VARCHAR);
CREATE TABLE orders (order_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL, "timestamp" TIMESTAMP NOT NULL,
    amount DOUBLE NOT NULL, currency VARCHAR, channel VARCHAR, quantity DOUBLE);
CREATE TABLE subscriptions (subscription_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL, plan VARCHAR,
    started_at TIMESTAMP NOT NULL, ended_at TIMESTAMP, mrr DOUBLE NOT NULL);
CREATE TABLE surveys (response_id VARCHAR NOT NULL, customer_id VARCHAR, "timestamp" TIMESTAMP NOT NULL,
    kind VARCHAR NOT NULL, score DOUBLE NOT NULL, scale VARCHAR, comment VARCHAR, language VARCHAR, channel VARCHAR);
CREATE TABLE referrals (referral_id VARCHAR NOT NULL, referrer_id VARCHAR NOT NULL, prospect VARCHAR,
    invited_at TIMESTAMP NOT NULL, converted_at TIMESTAMP, converted_customer_id VARCHAR, first_order_revenue DOUBLE);
CREATE TABLE program (event_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL, "timestamp" TIMESTAMP NOT NULL,
    type VARCHAR NOT NULL, points DOUBLE, value DOUBLE, tier VARCHAR);
CREATE TABLE interactions (interaction_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL, "timestamp" TIMESTAMP NOT NULL,
    channel VARCHAR NOT NULL, kind VARCHAR, depth DOUBLE);
CREATE TABLE social (mention_id VARCHAR NOT NULL, "timestamp" TIMESTAMP NOT NULL, platform VARCHAR NOT NULL,
    customer_id VARCHAR, likes BIGINT, shares BIGINT, comments BIGINT, reach BIGINT, sentiment VARCHAR, text VARCHAR);
CREATE TABLE exits (exit_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL, "timestamp" TIMESTAMP NOT NULL,
    reason VARCHAR NOT NULL, comment VARCHAR);
CREATE TABLE imports (kind VARCHAR NOT NULL, source VARCHAR NOT NULL, imported_at TIMESTAMP NOT NULL,
    read BIGINT, stored BIGINT, rejected BIGINT, duplicates BIGINT);
