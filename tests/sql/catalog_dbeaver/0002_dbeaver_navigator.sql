-- DBeaver's navigator over named constraints, comments and statistics: the properties
-- panel, the ER diagram's keys, the table statistics tab.
DROP SCHEMA IF EXISTS dbv2 CASCADE;
CREATE SCHEMA dbv2;
CREATE TABLE dbv2.teams (id int CONSTRAINT teams_pk PRIMARY KEY, slug varchar(30) CONSTRAINT teams_slug_uq UNIQUE, budget numeric(12,2) CONSTRAINT teams_budget_ck CHECK (budget >= 0));
CREATE TABLE dbv2.members (id int PRIMARY KEY, team_id int CONSTRAINT members_team_fk REFERENCES dbv2.teams (id), email text NOT NULL, joined date DEFAULT '2024-01-01', UNIQUE (team_id, email));
COMMENT ON TABLE dbv2.teams IS 'Teams of the company';
COMMENT ON COLUMN dbv2.teams.slug IS 'URL name';
select c.relname, d.description from pg_catalog.pg_class c left outer join pg_catalog.pg_description d on d.objoid = c.oid and d.objsubid = 0 and d.classoid = 'pg_class'::regclass where c.relnamespace = 'dbv2'::regnamespace and c.relkind = 'r' order by c.relname;
select a.attname, a.attnum, pg_catalog.format_type(a.atttypid, a.atttypmod) as data_type, a.attnotnull, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) as def_value, dsc.description from pg_catalog.pg_attribute a inner join pg_catalog.pg_class c on (a.attrelid = c.oid) left outer join pg_catalog.pg_attrdef ad on (a.attrelid = ad.adrelid and a.attnum = ad.adnum) left outer join pg_catalog.pg_description dsc on (c.oid = dsc.objoid and a.attnum = dsc.objsubid) where c.relnamespace = 'dbv2'::regnamespace and c.relname = 'teams' and a.attnum > 0 and not a.attisdropped order by a.attnum;
select c.conname, c.contype, t.relname as tabname, pg_catalog.pg_get_constraintdef(c.oid) as consrc_copy, c.conkey, c.confkey from pg_catalog.pg_constraint c inner join pg_catalog.pg_class t on t.oid = c.conrelid where t.relnamespace = 'dbv2'::regnamespace order by t.relname, c.conname;
select i.relname as index_name, t.relname as table_name, ix.indisunique, ix.indisprimary, ix.indnatts, pg_catalog.pg_get_indexdef(ix.indexrelid) as ddl from pg_catalog.pg_index ix inner join pg_catalog.pg_class i on i.oid = ix.indexrelid inner join pg_catalog.pg_class t on t.oid = ix.indrelid where t.relnamespace = 'dbv2'::regnamespace order by t.relname, i.relname;
select ref.relname as ref_table, c.conname, pg_catalog.pg_get_constraintdef(c.oid) from pg_catalog.pg_constraint c join pg_catalog.pg_class ref on ref.oid = c.confrelid where c.contype = 'f' and c.connamespace = 'dbv2'::regnamespace order by 2;
select st.relname, st.seq_scan >= 0, st.n_live_tup >= 0, st.last_analyze is null from pg_catalog.pg_stat_user_tables st where st.schemaname = 'dbv2' order by 1;
select pg_stat_get_numscans('dbv2.teams'::regclass) >= 0, pg_stat_get_live_tuples('dbv2.teams'::regclass) >= 0;
select st.relname, st.idx_blks_hit is not null from pg_catalog.pg_statio_all_tables st where st.schemaname = 'dbv2' order by 1;
select c.relname, c.relhastriggers from pg_catalog.pg_class c where c.relnamespace = 'dbv2'::regnamespace and c.relkind = 'r' order by 1;
select n.nspname, pg_catalog.pg_get_userbyid(n.nspowner) is not null from pg_catalog.pg_namespace n where n.nspname = 'dbv2';
select l.lanname, l.lanispl from pg_catalog.pg_language l order by 1;
select table_name, privilege_type from information_schema.table_privileges where table_schema = 'dbv2' and privilege_type in ('SELECT', 'INSERT') order by 1, 2;
