-- PostgreSQL array text given for array columns of dates, times, timestamps, intervals, uuids
-- and numerics (psql users and ORMs send '{…}' literals).
DROP TABLE IF EXISTS arrtext;
CREATE TABLE arrtext (id int, days date[], at timestamp[], atz timestamptz[], t time[], span interval[], ids uuid[], amounts numeric(10,2)[], nums numeric[]);
INSERT INTO arrtext VALUES (1, '{2024-01-05,2024-02-29}', '{"2024-01-05 10:00:00"}', '{"2024-01-05 10:00:00+00"}', '{10:30:00}', '{"1 day","02:00:00"}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{1.5,2.25}', '{0.1,10}');
INSERT INTO arrtext (id, days, amounts) VALUES (2, '{}', '{NULL,3}'), (3, '{2024-12-31}', '{}');
INSERT INTO arrtext (amounts, id) VALUES ('{7}', 4);
SELECT id, days, at, atz, t, span, ids, amounts, nums FROM arrtext ORDER BY id;
SELECT id, days[1], cardinality(days), amounts[2] FROM arrtext ORDER BY id;
UPDATE arrtext SET days = '{2025-01-01,2025-01-02}', amounts = '{9.99}' WHERE id = 2;
SELECT id, days, amounts FROM arrtext WHERE id = 2;
INSERT INTO arrtext (id, days) VALUES (5, '{2024-13-01}');
INSERT INTO arrtext (id, amounts) VALUES (6, '{123456789.5}');
DROP TABLE arrtext;
