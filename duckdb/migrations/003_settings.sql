-- Settings the business declares about itself (e.g. its industry, for benchmarks).
CREATE TABLE settings (name VARCHAR NOT NULL, value VARCHAR NOT NULL);
