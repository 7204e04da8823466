-- exp, ln, log, log10, power and ^ on numeric answer numeric with PostgreSQL's result scale
-- (at least 16 significant digits, no fewer decimals than an argument), integer powers exactly;
-- their float8 forms stay float8; domain errors keep PostgreSQL's SQLSTATEs.
SELECT exp(1.0), exp(0.0), exp(-10.5), exp(2.50), exp(1.000000000000000000);
SELECT ln(10.0), ln(1.05), ln(0.001), ln(2.0), ln(1.0), ln(123456.789);
SELECT log(100.0), log10(1000.000), log(2, 1024), log(2.0, 8), log(10, 0.001), log(3, 81.0);
SELECT power(2.0, 10), power(2.0, -2), power(-2.0, 3), power(1.5, 0), power(0.0, 0.5), power(1.1, 2.5), power(9.0, 0.5);
SELECT 2.0 ^ 0.5, 1.5 ^ 3, 10.0 ^ -3, (-1.5) ^ 2, 2 ^ 10.0;
SELECT (2::numeric ^ 100)::text, (1.01 ^ 365)::text, power(12.345, 7);
SELECT exp(1), ln(10), log(100), log10(1000), power(2, 10), 2 ^ 0.5::float8;
SELECT x, exp(x), ln(x), power(x, 2), power(x, 0.5) FROM (VALUES (0.5), (1.25), (3.0), (10.75)) v(x) ORDER BY x;
SELECT round(exp(1.0), 4), round(ln(10.0) * 2, 6), exp(1.0) > 2.71;
SELECT ln(0.0);
SELECT ln(-1.0);
SELECT log(1, 10.0);
SELECT log(0.0, 10.0);
SELECT power(0.0, -1);
SELECT power(-8.0, 0.5);
