-- Npgsql (Power BI, .NET, Tableau's PostgreSQL connector style): the type-loading queries at
-- connection open, GetSchema(Tables/Columns/Indexes), and Power BI's navigator queries.
DROP SCHEMA IF EXISTS npgcat CASCADE;
CREATE SCHEMA npgcat;
CREATE TYPE npgcat.color AS ENUM ('red', 'green', 'blue');
CREATE TYPE npgcat.pair AS (a int, b text);
CREATE DOMAIN npgcat.pct AS numeric(5,2) CHECK (VALUE BETWEEN 0 AND 100);
CREATE TABLE npgcat.widgets (id int PRIMARY KEY, name varchar(40) NOT NULL, shade npgcat.color, discount numeric(5,2), made timestamptz, weight real);
CREATE INDEX widgets_name_idx ON npgcat.widgets (name);
SELECT version() IS NOT NULL;
SELECT ns.nspname, t.oid, t.typname, t.typtype, t.typnotnull, t.elemtypoid
FROM (
    SELECT
        typ.oid, typ.typnamespace, typ.typname, typ.typtype, typ.typrelid, typ.typnotnull, typ.relkind,
        elemtyp.oid AS elemtypoid, elemtyp.typname AS elemtypname, elemcls.relkind AS elemrelkind,
        CASE WHEN elemproc.proname='array_recv' THEN 'a' ELSE elemtyp.typtype END AS elemtyptype
    FROM (
        SELECT typ.oid, typnamespace, typname, typrelid, typnotnull, relkind, typelem AS elemoid,
            CASE WHEN proc.proname='array_recv' THEN 'a' ELSE typ.typtype END AS typtype,
            CASE
                WHEN proc.proname='array_recv' THEN typ.typelem
                WHEN typ.typtype='r' THEN rngsubtype
                WHEN typ.typtype='d' THEN typ.typbasetype
            END AS elemtypoid
        FROM pg_type AS typ
        LEFT JOIN pg_class AS cls ON (cls.oid = typ.typrelid)
        LEFT JOIN pg_proc AS proc ON proc.oid = typ.typreceive
        LEFT JOIN pg_range ON (pg_range.rngtypid = typ.oid)
    ) AS typ
    LEFT JOIN pg_type AS elemtyp ON elemtyp.oid = elemtypoid
    LEFT JOIN pg_class AS elemcls ON (elemcls.oid = elemtyp.typrelid)
    LEFT JOIN pg_proc AS elemproc ON elemproc.oid = elemtyp.typreceive
) AS t
JOIN pg_namespace AS ns ON (ns.oid = typnamespace)
WHERE
    (typtype IN ('b', 'r', 'm', 'e', 'd') OR
    (typtype = 'c' AND relkind='c') OR
    (typtype = 'p' AND typname IN ('record', 'void')) OR
    (typtype = 'a' AND (
        elemtyptype IN ('b', 'r', 'm', 'e', 'd') OR
        (elemtyptype = 'p' AND elemtypname IN ('record', 'void')) OR
        (elemtyptype = 'c' AND elemrelkind='c')
    ))) AND ns.nspname = 'pg_catalog' AND t.oid < 4000
ORDER BY CASE
       WHEN typtype IN ('b', 'e', 'p') THEN 0
       WHEN typtype = 'r' THEN 1
       WHEN typtype = 'm' THEN 2
       WHEN typtype = 'c' THEN 3
       WHEN typtype = 'd' AND elemtyptype <> 'a' THEN 4
       WHEN typtype = 'a' THEN 5
       WHEN typtype = 'd' AND elemtyptype = 'a' THEN 6
END, t.oid;
SELECT ns.nspname, t.typname, t.typtype, t.typnotnull FROM pg_type AS t JOIN pg_namespace AS ns ON ns.oid = t.typnamespace WHERE ns.nspname = 'npgcat' ORDER BY t.typname;
SELECT typ.typname, att.attname, format_type(att.atttypid, att.atttypmod)
FROM pg_type AS typ
JOIN pg_namespace AS ns ON (ns.oid = typ.typnamespace)
JOIN pg_class AS cls ON (cls.oid = typ.typrelid)
JOIN pg_attribute AS att ON (att.attrelid = typ.typrelid)
WHERE
  (typ.typtype = 'c' AND cls.relkind='c') AND
  attnum > 0 AND
  NOT attisdropped AND ns.nspname = 'npgcat'
ORDER BY typ.typname, att.attnum;
SELECT pg_type.typname, enumlabel
FROM pg_enum
JOIN pg_type ON pg_type.oid=enumtypid
JOIN pg_namespace ns ON ns.oid = pg_type.typnamespace
WHERE ns.nspname = 'npgcat'
ORDER BY pg_type.typname, enumsortorder;
SELECT table_catalog, table_schema, table_name, table_type FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema = 'npgcat' ORDER BY table_name;
SELECT table_catalog, table_schema, table_name, column_name, ordinal_position, column_default, is_nullable, ('"' || udt_schema || '"."' || udt_name || '"')::regtype::text AS data_type, character_maximum_length, character_octet_length, numeric_precision, numeric_precision_radix, numeric_scale, datetime_precision, character_set_catalog, character_set_schema, character_set_name, collation_catalog FROM information_schema.columns WHERE table_schema = 'npgcat' AND table_name = 'widgets' ORDER BY ordinal_position;
select current_database() as table_catalog, n.nspname as table_schema, t.relname as table_name, i.relname as index_name, a.attname as column_name, ix.indisunique as is_unique, ix.indisprimary as is_primary from pg_class t join pg_index ix on t.oid = ix.indrelid join pg_class i on i.oid = ix.indexrelid join pg_attribute a on a.attrelid = t.oid and a.attnum = ANY(ix.indkey) join pg_namespace n on n.oid = t.relnamespace where t.relkind = 'r' and n.nspname = 'npgcat' order by t.relname, i.relname, a.attname;
select TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE from INFORMATION_SCHEMA.tables where TABLE_SCHEMA <> 'pg_catalog' and TABLE_SCHEMA <> 'information_schema' and TABLE_SCHEMA = 'npgcat' order by TABLE_SCHEMA, TABLE_NAME;
select COLUMN_NAME, ORDINAL_POSITION, IS_NULLABLE, case when (data_type like '%unsigned%') then DATA_TYPE || ' unsigned' else DATA_TYPE end as DATA_TYPE from INFORMATION_SCHEMA.columns where TABLE_SCHEMA = 'npgcat' and TABLE_NAME = 'widgets' order by TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION;
select pkcol.COLUMN_NAME as PK_COLUMN_NAME, fkcol.TABLE_SCHEMA AS FK_TABLE_SCHEMA, fkcol.TABLE_NAME AS FK_TABLE_NAME, fkcol.COLUMN_NAME as FK_COLUMN_NAME, fkcol.ORDINAL_POSITION as ORDINAL, fkcon.CONSTRAINT_SCHEMA || '_' || fkcol.TABLE_NAME || '_' || 'widgets' || '_' || fkcon.CONSTRAINT_NAME as FK_NAME from (select distinct constraint_catalog, constraint_schema, unique_constraint_schema, constraint_name, unique_constraint_name from INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS) fkcon inner join INFORMATION_SCHEMA.KEY_COLUMN_USAGE fkcol on fkcon.CONSTRAINT_SCHEMA = fkcol.CONSTRAINT_SCHEMA and fkcon.CONSTRAINT_NAME = fkcol.CONSTRAINT_NAME inner join INFORMATION_SCHEMA.KEY_COLUMN_USAGE pkcol on fkcon.UNIQUE_CONSTRAINT_SCHEMA = pkcol.CONSTRAINT_SCHEMA and fkcon.UNIQUE_CONSTRAINT_NAME = pkcol.CONSTRAINT_NAME where pkcol.TABLE_SCHEMA = 'npgcat' and pkcol.TABLE_NAME = 'widgets' order by FK_NAME, fkcol.ORDINAL_POSITION;
select i.CONSTRAINT_SCHEMA || '_' || i.CONSTRAINT_NAME as INDEX_NAME, ii.COLUMN_NAME, ii.ORDINAL_POSITION, case when i.CONSTRAINT_TYPE = 'PRIMARY KEY' then 'Y' else 'N' end as PRIMARY_KEY from INFORMATION_SCHEMA.table_constraints i inner join INFORMATION_SCHEMA.key_column_usage ii on i.CONSTRAINT_SCHEMA = ii.CONSTRAINT_SCHEMA and i.CONSTRAINT_NAME = ii.CONSTRAINT_NAME and i.TABLE_SCHEMA = ii.TABLE_SCHEMA and i.TABLE_NAME = ii.TABLE_NAME where i.TABLE_SCHEMA = 'npgcat' and i.TABLE_NAME = 'widgets' and i.CONSTRAINT_TYPE in ('PRIMARY KEY', 'UNIQUE') order by i.CONSTRAINT_SCHEMA || '_' || i.CONSTRAINT_NAME, ii.TABLE_SCHEMA, ii.TABLE_NAME, ii.ORDINAL_POSITION;
INSERT INTO npgcat.widgets VALUES (1, 'bolt', 'red', 12.5, '2024-01-05 10:00:00+00', 0.25), (2, 'nut', NULL, NULL, NULL, 1.5);
select "_"."id", "_"."name", "_"."shade", "_"."discount", "_"."made", "_"."weight" from "npgcat"."widgets" "_" order by "_"."id";
select "rows"."name" as "name", sum("rows"."weight") as "total" from (select "_"."name", "_"."weight" from "npgcat"."widgets" "_") "rows" group by "name" order by "name";
select "$Table"."id" from "npgcat"."widgets" as "$Table" where "$Table"."discount" is null limit 1000;
select count(1) as "$RowCount" from "npgcat"."widgets";
select shade::text, 'green'::npgcat.color < 'blue'::npgcat.color from npgcat.widgets order by id;
select 150::npgcat.pct;
select ROW(1, 'x')::npgcat.pair;
CREATE LOCAL TEMPORARY TABLE "#Tableau_1_Connect" ("COL" INTEGER) ON COMMIT PRESERVE ROWS;
DROP TABLE "#Tableau_1_Connect";
BEGIN;
declare "SQL_CUR0x1" cursor with hold for select id, name from npgcat.widgets order by id;
fetch 2048 in "SQL_CUR0x1";
close "SQL_CUR0x1";
COMMIT;
SELECT * FROM (select id, name from npgcat.widgets) "TableauSQL" LIMIT 0;
