-- corr, covar_pop, covar_samp and regr_* in double precision, as PostgreSQL computes them (its
-- Youngs-Cramer sums, to the last digit): NULL pairs skipped, NULL where PostgreSQL answers
-- NULL (fewer rows than needed, no variance), with FILTER, DISTINCT and GROUP BY, and over
-- enough rows that DuckDB combines partial results.
SELECT corr(x, y), covar_pop(x, y), covar_samp(x, y), regr_slope(y, x), regr_intercept(y, x), regr_r2(y, x) FROM (VALUES (1, 2), (2, 4), (3, 7)) v(x, y);
SELECT regr_sxx(y, x), regr_syy(y, x), regr_sxy(y, x), regr_avgx(y, x), regr_avgy(y, x), regr_count(y, x) FROM (VALUES (1.5, 2.25), (2, NULL), (NULL, 4), (3.75, 7.5), (10, 0.1)) v(x, y);
SELECT corr(x, y), covar_samp(x, y), regr_slope(y, x), covar_pop(x, y) FROM (VALUES (1.0, 2.0)) v(x, y);
SELECT corr(x, y), covar_pop(x, y), regr_avgx(y, x) FROM (VALUES (1.0, 2.0)) v(x, y) WHERE false;
SELECT corr(x, y), regr_slope(y, x), regr_r2(y, x) FROM (VALUES (1, 5), (2, 5), (3, 5)) v(x, y);
SELECT corr(DISTINCT x, y), regr_slope(y, x) FILTER (WHERE x > 1) FROM (VALUES (1, 2.5), (2, 4), (3, 7.25), (2, 4)) v(x, y);
SELECT g, corr(i, i * i), covar_samp(i, sqrt(i)), regr_r2(i, i * i) FROM (SELECT i % 3 AS g, i::float8 AS i FROM generate_series(1, 200000) t(i)) t GROUP BY g ORDER BY g;
SELECT corr(i, ln(i)), regr_intercept(ln(i), i) FROM generate_series(1, 500000) t(i);
