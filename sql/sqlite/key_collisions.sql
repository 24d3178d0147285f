-- Keys a NOCASE key column treats as one (recon doctor, table.collisions): {total} keys read,
-- {colliding} of them equal another under the columns' own collations, and up to 3 of those.
-- Filled in by sqlite_doctor.cpp: {keys} the key columns, {partition} the same under their
-- declared collations, {table} and {where}.
WITH recon_g AS (
  SELECT {keys}, count(*) OVER (PARTITION BY {partition}) AS recon_n FROM {table}{where}
)
SELECT recon_t.total, recon_t.colliding, recon_e.*
FROM (SELECT count(*) AS total, coalesce(sum(recon_n > 1), 0) AS colliding FROM recon_g) AS recon_t
LEFT JOIN (SELECT {keys} FROM recon_g WHERE recon_n > 1 ORDER BY {partition} LIMIT 3) AS recon_e
