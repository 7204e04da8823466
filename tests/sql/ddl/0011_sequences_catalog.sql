-- Sequences in information_schema.sequences (Hibernate's schema validation reads it), pg_sequences
-- and pg_sequence: serial's sequence is integer, bigserial's bigint, AS gives the type and its
-- bounds; an identity column's sequence is internal and not listed in information_schema.
DROP SCHEMA IF EXISTS seqcat CASCADE;
CREATE SCHEMA seqcat;
CREATE TABLE seqcat.t (id serial PRIMARY KEY, big bigserial, small smallserial, v text);
CREATE TABLE seqcat.ident (id int GENERATED ALWAYS AS IDENTITY, v text);
CREATE SEQUENCE seqcat.plain START 100 INCREMENT 5;
CREATE SEQUENCE seqcat.as_int AS integer START 7;
CREATE SEQUENCE seqcat.down AS smallint INCREMENT -1 START -1;
SELECT sequence_catalog, sequence_schema, sequence_name, data_type, numeric_precision, numeric_precision_radix, numeric_scale, start_value, minimum_value, maximum_value, increment, cycle_option FROM information_schema.sequences WHERE sequence_schema = 'seqcat' ORDER BY sequence_name;
SELECT sequencename, data_type, start_value, min_value, max_value, increment_by, cycle FROM pg_sequences WHERE schemaname = 'seqcat' ORDER BY sequencename;
SELECT c.relname, s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmax, s.seqmin FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'seqcat' ORDER BY c.relname;
SELECT nextval('seqcat.as_int'), nextval('seqcat.down'), nextval('seqcat.down');
CREATE SEQUENCE seqcat.near AS integer START 2147483646;
SELECT nextval('seqcat.near');
SELECT nextval('seqcat.near');
SELECT nextval('seqcat.near');
DROP SCHEMA seqcat CASCADE;
