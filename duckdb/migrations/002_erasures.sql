-- Erasures (fidelis forget). The log keeps, per erased customer id, only HMAC-SHA256(salt, id) and
-- the time: whoever knows an id can check whether and when it was erased, nobody can list them.
-- The salt is 32 random bytes made at the first erasure and kept here, with the store it belongs to.
CREATE TABLE erasure_salt (salt BLOB NOT NULL);
CREATE TABLE erasures (id_hash VARCHAR NOT NULL, erased_at TIMESTAMP NOT NULL);
