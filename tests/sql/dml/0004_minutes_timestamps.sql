-- Timestamps written to the minute ('2024-01-05 10:00+00', as psql users and exports write
-- them) into timestamp and timestamptz columns: INSERT … VALUES and UPDATE … SET read them as
-- PostgreSQL does (DuckDB's cast from text wants seconds when an offset follows).
DROP SCHEMA IF EXISTS mints CASCADE;
CREATE SCHEMA mints;
CREATE TABLE mints.t (id int, created timestamptz, local_at timestamp, note text);
INSERT INTO mints.t VALUES (1, '2024-01-05 10:00+00', '2024-01-05 10:00', '10:00 meeting');
INSERT INTO mints.t VALUES (2, '2024-01-06 11:30+02', '2024-01-06 11:30', 'a'), (3, '2024-01-07 00:05Z', '2024-01-07 00:05', 'b');
INSERT INTO mints.t (note, id, created) VALUES ('c', 4, '2024-02-01 09:00-05');
UPDATE mints.t SET local_at = '2024-03-01 12:45' WHERE id = 4;
UPDATE mints.t SET created = '2024-03-02 08:15+01' WHERE id = 3;
SELECT id, created, local_at, note FROM mints.t ORDER BY id;
DROP SCHEMA mints CASCADE;
