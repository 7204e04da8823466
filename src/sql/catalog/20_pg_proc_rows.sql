CREATE TABLE duckgres_catalog.__pg_proc_builtin(oid BIGINT, proname VARCHAR, prokind VARCHAR, proretset BOOLEAN,
  provolatile VARCHAR, proisstrict BOOLEAN, pronargs SMALLINT, pronargdefaults SMALLINT, prorettype BIGINT,
  proargtypes BIGINT[], proallargtypes BIGINT[], proargmodes VARCHAR[], proargnames VARCHAR[], provariadic BIGINT,
  prolang BIGINT, procost FLOAT, prorows FLOAT, prosrc VARCHAR, proparallel VARCHAR, proleakproof BOOLEAN,
  prosecdef BOOLEAN, prosupport VARCHAR, arguments VARCHAR, identity_arguments VARCHAR, result VARCHAR);
-- The rows come as tab-separated lines (\N for NULL, lists space-separated, \\ \t \n escaped).
CREATE MACRO duckgres_catalog.__tsv_text(p_x) AS CASE WHEN p_x = '\N' THEN NULL
  ELSE replace(replace(replace(replace(p_x, '\\', chr(1)), '\n', chr(10)), '\t', chr(9)), chr(1), '\') END;
CREATE MACRO duckgres_catalog.__tsv_list(p_x) AS CASE WHEN p_x = '\N' THEN NULL WHEN p_x = '' THEN [] ELSE string_split(p_x, ' ') END;
CREATE MACRO duckgres_catalog.__pg_proc_rows(p_text) AS TABLE
SELECT CAST(f[1] AS BIGINT), f[2], f[3], f[4] = 't', f[5], f[6] = 't', CAST(f[7] AS SMALLINT), CAST(f[8] AS SMALLINT),
  CAST(f[9] AS BIGINT), CAST(duckgres_catalog.__tsv_list(f[10]) AS BIGINT[]), CAST(duckgres_catalog.__tsv_list(f[11]) AS BIGINT[]),
  duckgres_catalog.__tsv_list(f[12]), duckgres_catalog.__tsv_list(f[13]), CAST(f[14] AS BIGINT), CAST(f[15] AS BIGINT),
  CAST(f[16] AS FLOAT), CAST(f[17] AS FLOAT), duckgres_catalog.__tsv_text(f[18]), f[19], f[20] = 't', f[21] = 't', f[22],
  duckgres_catalog.__tsv_text(f[23]), duckgres_catalog.__tsv_text(f[24]), duckgres_catalog.__tsv_text(f[25])
FROM (SELECT string_split(m_line, chr(9)) AS f FROM (SELECT unnest(string_split(p_text, chr(10))) AS m_line) WHERE m_line <> '');
