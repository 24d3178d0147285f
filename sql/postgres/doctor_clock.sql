-- recon doctor: the server's clock now (clock_timestamp, not the transaction's start), UTC
-- microseconds since the Unix epoch. Alone in its round trip: the round trip bounds the error.
SELECT (EXTRACT(EPOCH FROM pg_catalog.clock_timestamp()) * 1000000)::int8 AS utc_micros
