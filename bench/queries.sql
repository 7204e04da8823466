-- The analytics suite: product-analytics questions over the PostHog-shaped `events` table,
-- in SQL both PostgreSQL 15 and DuckDB read (JSON lookups in parentheses: DuckDB's ->> binds
-- looser than comparisons); each query follows its own name line.
-- name: events_per_day
SELECT date_trunc('day', timestamp) AS day, count(*) AS events FROM events GROUP BY 1 ORDER BY 1;
-- name: events_by_name
SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY n DESC;
-- name: dau
SELECT date_trunc('day', timestamp) AS day, count(DISTINCT person_id) AS dau FROM events GROUP BY 1 ORDER BY 1;
-- name: wau
SELECT date_trunc('week', timestamp) AS week, count(DISTINCT person_id) AS wau FROM events GROUP BY 1 ORDER BY 1;
-- name: distinct_persons
SELECT count(DISTINCT person_id) FROM events;
-- name: top_pages
SELECT (properties->>'$pathname') AS path, count(*) AS views FROM events WHERE event = '$pageview' GROUP BY 1 ORDER BY 2 DESC LIMIT 20;
-- name: top_urls_last_week
SELECT (properties->>'$current_url') AS url, count(*) AS views FROM events
WHERE event = '$pageview' AND timestamp >= TIMESTAMPTZ '2024-03-25 00:00:00+00' GROUP BY 1 ORDER BY 2 DESC LIMIT 20;
-- name: browsers
SELECT (properties->>'$browser') AS browser, count(*) AS n, count(DISTINCT person_id) AS persons FROM events GROUP BY 1 ORDER BY 2 DESC;
-- name: os_by_device
SELECT (properties->>'$os') AS os, (properties->>'$device_type') AS device, count(*) AS n FROM events GROUP BY 1, 2 ORDER BY 3 DESC;
-- name: referrers
SELECT (properties->>'$referrer') AS referrer, count(DISTINCT "$session_id") AS sessions FROM events GROUP BY 1 ORDER BY 2 DESC LIMIT 10;
-- name: signups_per_week_by_browser
SELECT date_trunc('week', timestamp) AS week, (properties->>'$browser') AS browser, count(*) AS signups
FROM events WHERE event = 'signed_up' GROUP BY 1, 2 ORDER BY 1, 2;
-- name: session_durations
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median_s, avg(seconds) AS avg_s, max(seconds) AS max_s
FROM (SELECT "$session_id", extract(epoch FROM max(timestamp) - min(timestamp)) AS seconds FROM events GROUP BY 1) s;
-- name: events_per_session_percentiles
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) AS p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY n) AS p90,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY n) AS p99
FROM (SELECT "$session_id", count(*) AS n FROM events GROUP BY 1) s;
-- name: funnel_pageview_signup_purchase
WITH firsts AS (
  SELECT person_id,
    min(CASE WHEN event = '$pageview' THEN timestamp END) AS viewed,
    min(CASE WHEN event = 'signed_up' THEN timestamp END) AS signed,
    min(CASE WHEN event = 'purchase' THEN timestamp END) AS bought
  FROM events GROUP BY person_id)
SELECT count(viewed) AS step1, count(CASE WHEN signed > viewed THEN 1 END) AS step2,
  count(CASE WHEN bought > signed AND signed > viewed THEN 1 END) AS step3 FROM firsts;
-- name: funnel_window_next_event
SELECT event, next_event, count(*) AS n FROM (
  SELECT event, lead(event) OVER (PARTITION BY person_id ORDER BY timestamp, id) AS next_event
  FROM events WHERE timestamp >= TIMESTAMPTZ '2024-03-01 00:00:00+00') t
GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 20;
-- name: retention_weekly_cohorts
WITH first_seen AS (SELECT person_id, date_trunc('week', min(timestamp)) AS cohort FROM events GROUP BY 1),
activity AS (SELECT DISTINCT person_id, date_trunc('week', timestamp) AS week FROM events)
SELECT f.cohort, (extract(epoch FROM a.week - f.cohort) / 604800)::int AS weeks_later, count(*) AS persons
FROM first_seen f JOIN activity a ON a.person_id = f.person_id
GROUP BY 1, 2 ORDER BY 1, 2;
-- name: hourly_pattern
SELECT extract(dow FROM timestamp) AS dow, extract(hour FROM timestamp) AS hour, count(*) AS n FROM events GROUP BY 1, 2 ORDER BY 1, 2;
-- name: power_users
SELECT distinct_id, count(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC LIMIT 25;
-- name: pageviews_per_person_histogram
SELECT least(n, 50) AS bucket, count(*) AS persons FROM (
  SELECT person_id, count(*) AS n FROM events WHERE event = '$pageview' GROUP BY 1) t GROUP BY 1 ORDER BY 1;
-- name: stickiness
SELECT days_active, count(*) AS persons FROM (
  SELECT person_id, count(DISTINCT date_trunc('day', timestamp)) AS days_active FROM events
  WHERE timestamp >= TIMESTAMPTZ '2024-03-01 00:00:00+00' GROUP BY 1) t GROUP BY 1 ORDER BY 1;
-- name: lifecycle_new_vs_returning
WITH first_day AS (SELECT person_id, min(date_trunc('day', timestamp)) AS first FROM events GROUP BY 1)
SELECT date_trunc('day', e.timestamp) AS day,
  count(DISTINCT CASE WHEN date_trunc('day', e.timestamp) = f.first THEN e.person_id END) AS new_persons,
  count(DISTINCT CASE WHEN date_trunc('day', e.timestamp) > f.first THEN e.person_id END) AS returning_persons
FROM events e JOIN first_day f ON f.person_id = e.person_id GROUP BY 1 ORDER BY 1;
-- name: path_contains_filter
SELECT count(*) FROM events WHERE (properties->>'$current_url') LIKE '%/pricing%' AND (properties->>'$browser') = 'Chrome';
-- name: mobile_share_by_day
SELECT date_trunc('day', timestamp) AS day,
  avg(CASE WHEN (properties->>'$device_type') = 'Mobile' THEN 1.0 ELSE 0.0 END) AS mobile_share
FROM events GROUP BY 1 ORDER BY 1;
-- name: trends_breakdown_browser
SELECT day, breakdown_value, n FROM (
  SELECT date_trunc('day', timestamp) AS day, coalesce((properties->>'$browser'), '$$_posthog_breakdown_null_$$') AS breakdown_value,
    count(*) AS n
  FROM events WHERE event = '$pageview' AND timestamp >= TIMESTAMPTZ '2024-02-01 00:00:00+00' AND timestamp < TIMESTAMPTZ '2024-03-01 00:00:00+00'
  GROUP BY 1, 2) t
WHERE breakdown_value IN (
  SELECT coalesce((properties->>'$browser'), '$$_posthog_breakdown_null_$$') FROM events
  WHERE event = '$pageview' AND timestamp >= TIMESTAMPTZ '2024-02-01 00:00:00+00' AND timestamp < TIMESTAMPTZ '2024-03-01 00:00:00+00'
  GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 25)
ORDER BY day, breakdown_value;
-- name: funnel_conversion_window_14d
WITH steps AS (
  SELECT person_id, timestamp, CASE event WHEN '$pageview' THEN 1 WHEN 'signed_up' THEN 2 ELSE 3 END AS step
  FROM events WHERE event IN ('$pageview', 'signed_up', 'purchase')
    AND timestamp >= TIMESTAMPTZ '2024-02-01 00:00:00+00' AND timestamp < TIMESTAMPTZ '2024-03-01 00:00:00+00'),
first_step AS (SELECT person_id, min(timestamp) AS t1 FROM steps WHERE step = 1 GROUP BY 1),
second_step AS (
  SELECT f.person_id, f.t1, min(s.timestamp) AS t2 FROM first_step f
  JOIN steps s ON s.person_id = f.person_id AND s.step = 2 AND s.timestamp >= f.t1 AND s.timestamp <= f.t1 + INTERVAL '14 days'
  GROUP BY 1, 2),
third_step AS (
  SELECT DISTINCT t.person_id FROM second_step t
  JOIN steps s ON s.person_id = t.person_id AND s.step = 3 AND s.timestamp >= t.t2 AND s.timestamp <= t.t1 + INTERVAL '14 days')
SELECT (SELECT count(*) FROM first_step) AS step_1, (SELECT count(*) FROM second_step) AS step_2,
  (SELECT count(*) FROM third_step) AS step_3;
-- name: paths_top_transitions
SELECT source, target, count(*) AS n FROM (
  SELECT (properties->>'$pathname') AS source,
    lead((properties->>'$pathname')) OVER (PARTITION BY "$session_id" ORDER BY timestamp, id) AS target
  FROM events WHERE event = '$pageview' AND timestamp >= TIMESTAMPTZ '2024-03-01 00:00:00+00') t
WHERE target IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 50;
