-- double precision arithmetic: a finite result out of range is 22003 (overflow, underflow),
-- as PostgreSQL's float8 operators check it, where DuckDB's doubles answer Infinity or 0;
-- infinities and NaN given as input pass through.
SELECT 1e308::float8 + 1e308::float8;
SELECT -1e308::float8 - 1e308::float8;
SELECT 1e-308::float8 * 1e-308::float8;
SELECT 1e308::float8 / 1e-10::float8;
SELECT 1e-300::float8 / 1e300::float8;
SELECT 1::float8 / 0;
SELECT 'inf'::float8 * 2, 'nan'::float8 / 0, 'inf'::float8 - 'inf'::float8, 1.5::float8 * 2, 7 / 2.0::float8, 2::float8 - 3, 1 + 0.5::float8;
SELECT 0::float8 * 1e-308::float8, 1e300::float8 * 1e5::float8;
SELECT x * 2.5::float8, x / 4::float8 FROM generate_series(1,3) x;
SELECT sum(x::float8 / 3), avg(x * 0.5::float8) FROM generate_series(1,3) x;
SELECT x FROM generate_series(1,5) x WHERE x::float8 / 2 > 1.2 ORDER BY x;
