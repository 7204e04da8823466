-- Synthetic PostHog-shaped data, deterministic (hashes of the row number, no random()), in
-- DuckDB SQL: duckgres and embedded DuckDB run this same text and hold identical rows;
-- PostgreSQL gets them through COPY. {rows} and {persons} are filled in by bench/bench.py.
-- Integer division is spelled // so the text means the same with or without
-- integer_division (duckgres sessions set it, as PostgreSQL divides integers).
CREATE OR REPLACE TABLE events AS
WITH base AS (
  SELECT i,
    hash(i) AS h1,
    hash(i * 7919 + 13) AS h2,
    -- persons: a power law (a few very active, a long tail)
    CAST(floor({persons} * pow(CAST(hash(i * 31 + 7) % 1000003 AS DOUBLE) / 1000003.0, 3)) AS BIGINT) AS person
  FROM range({rows}) t(i)),
shaped AS (
  SELECT i, h1, h2, person, hash(person) AS hp,
    -- 90 days from 2024-01-01, spread evenly, with an hour of jitter
    TIMESTAMPTZ '2024-01-01 00:00:00+00'
      + to_seconds(CAST((i * 7776000) // {rows} AS BIGINT) + CAST(h1 % 3600 AS BIGINT)) AS ts,
    (['/', '/pricing', '/docs', '/blog', '/login', '/signup', '/dashboard', '/settings', '/insights',
      '/events', '/persons', '/cohorts', '/feature-flags', '/experiments', '/surveys', '/billing',
      '/integrations', '/docs/api', '/docs/sdk', '/blog/launch', '/careers', '/about', '/contact',
      '/changelog', '/status', '/security', '/privacy', '/terms', '/community', '/roadmap'])[
      1 + CAST(floor(30 * pow(CAST(h2 % 10007 AS DOUBLE) / 10007.0, 2)) AS BIGINT)] AS path
  FROM base)
SELECT
  i AS id,
  CAST(substr(md5(CAST(i AS VARCHAR)), 1, 8) || '-' || substr(md5(CAST(i AS VARCHAR)), 9, 4) || '-' ||
       substr(md5(CAST(i AS VARCHAR)), 13, 4) || '-' || substr(md5(CAST(i AS VARCHAR)), 17, 4) || '-' ||
       substr(md5(CAST(i AS VARCHAR)), 21, 12) AS UUID) AS uuid,
  CASE WHEN h2 % 1000 < 550 THEN '$pageview' WHEN h2 % 1000 < 750 THEN '$autocapture'
    WHEN h2 % 1000 < 830 THEN '$pageleave' WHEN h2 % 1000 < 880 THEN '$identify'
    WHEN h2 % 1000 < 920 THEN 'signed_up' WHEN h2 % 1000 < 950 THEN 'purchase'
    WHEN h2 % 1000 < 975 THEN '$feature_flag_called' ELSE 'custom_event_' || CAST(h2 % 20 AS VARCHAR) END AS event,
  'user_' || CAST(person AS VARCHAR) AS distinct_id,
  CAST(substr(md5('p' || CAST(person AS VARCHAR)), 1, 8) || '-' || substr(md5('p' || CAST(person AS VARCHAR)), 9, 4) || '-' ||
       substr(md5('p' || CAST(person AS VARCHAR)), 13, 4) || '-' || substr(md5('p' || CAST(person AS VARCHAR)), 17, 4) || '-' ||
       substr(md5('p' || CAST(person AS VARCHAR)), 21, 12) AS UUID) AS person_id,
  ts AS "timestamp",
  -- a session: the person's activity within a 30-minute window
  's' || CAST(person AS VARCHAR) || '-' || CAST(epoch(ts) // 1800 AS VARCHAR) AS "$session_id",
  CAST(json_object(
    '$current_url', 'https://app.example.com' || path,
    '$pathname', path,
    '$browser', CASE WHEN hp % 100 < 62 THEN 'Chrome' WHEN hp % 100 < 82 THEN 'Safari'
      WHEN hp % 100 < 91 THEN 'Firefox' WHEN hp % 100 < 97 THEN 'Edge' ELSE 'Opera' END,
    '$os', CASE WHEN (hp // 100) % 100 < 45 THEN 'Windows' WHEN (hp // 100) % 100 < 70 THEN 'Mac OS X'
      WHEN (hp // 100) % 100 < 85 THEN 'iOS' WHEN (hp // 100) % 100 < 97 THEN 'Android' ELSE 'Linux' END,
    '$device_type', CASE WHEN (hp // 100) % 100 >= 70 AND (hp // 100) % 100 < 97 THEN
      (CASE WHEN hp % 7 = 0 THEN 'Tablet' ELSE 'Mobile' END) ELSE 'Desktop' END,
    '$referrer', CASE WHEN h1 % 100 < 50 THEN '$direct' WHEN h1 % 100 < 78 THEN 'https://www.google.com/'
      WHEN h1 % 100 < 88 THEN 'https://news.ycombinator.com/' WHEN h1 % 100 < 95 THEN 'https://twitter.com/'
      ELSE 'https://www.linkedin.com/' END,
    '$lib', CASE WHEN h1 % 10 < 8 THEN 'web' ELSE 'posthog-python' END) AS JSON) AS properties
FROM shaped;

CREATE OR REPLACE TABLE persons (id BIGINT PRIMARY KEY, person_id UUID, distinct_id VARCHAR,
  created_at TIMESTAMPTZ, properties JSON);
INSERT INTO persons
SELECT p AS id,
  CAST(substr(md5('p' || CAST(p AS VARCHAR)), 1, 8) || '-' || substr(md5('p' || CAST(p AS VARCHAR)), 9, 4) || '-' ||
       substr(md5('p' || CAST(p AS VARCHAR)), 13, 4) || '-' || substr(md5('p' || CAST(p AS VARCHAR)), 17, 4) || '-' ||
       substr(md5('p' || CAST(p AS VARCHAR)), 21, 12) AS UUID) AS person_id,
  'user_' || CAST(p AS VARCHAR) AS distinct_id,
  TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(CAST(hash(p) % 7776000 AS BIGINT)) AS created_at,
  CAST(json_object('email', 'user' || CAST(p AS VARCHAR) || '@example.com',
                   'plan', CASE WHEN hash(p) % 10 < 7 THEN 'free' ELSE 'paid' END) AS JSON) AS properties
FROM range({persons}) t(p);
