-- regproc columns name a function and compare as its oid (Npgsql's type loading joins
-- pg_proc.oid = pg_type.typreceive); text cast to regtype is read as a type name.
SELECT t.typname, t.typreceive, p.proname, p.oid = t.typreceive AS same FROM pg_type t JOIN pg_proc p ON p.oid = t.typreceive WHERE t.typname IN ('int4', 'bool', 'text', '_int4', 'numeric') ORDER BY t.typname;
SELECT pg_typeof(typinput), typinput::oid, typoutput::oid::int8 FROM pg_type WHERE typname = 'int8';
SELECT typname FROM pg_type WHERE typreceive = 'array_recv'::regproc AND typname IN ('_int4', 'int4', '_text') ORDER BY typname;
SELECT count(*) FROM pg_type t LEFT JOIN pg_proc p ON p.oid = t.typsend WHERE t.typnamespace = 'pg_catalog'::regnamespace AND t.oid < 1000 AND p.oid IS NULL;
SELECT rngtypid::regtype::text, rngsubdiff, pg_typeof(rngcanonical) FROM pg_range ORDER BY rngtypid;
SELECT ('"pg_catalog"."' || 'int4' || '"')::regtype::text, ('pg_catalog.' || 'varchar')::regtype::text, format('%I', 'float8')::regtype;
SELECT (lower('CHARACTER VARYING'))::regtype::text, ('_' || 'int4')::regtype::text;
SELECT ('no_such_' || 'type')::regtype;
