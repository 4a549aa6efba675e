-- Without ONLY, the index is built on every partition, each under SHARE.
CREATE INDEX measurements_taken_at_idx ON measurements (taken_at);
