-- Event properties as analysts, Metabase and dbt query them: ->> in WHERE and GROUP BY, #>> paths,
-- containment filters, key existence, casts of extracted values and aggregation into json.
DROP TABLE IF EXISTS jev_events;
CREATE TABLE jev_events (id int PRIMARY KEY, event text, ts timestamp, distinct_id text, properties jsonb, raw json);
INSERT INTO jev_events VALUES
  (1, 'pageview', '2024-03-01 10:00:00', 'u1', '{"$browser": "Chrome", "$current_url": "https://example.com/a", "plan": "free", "revenue": 0, "utm": {"source": "google", "campaign": "spring"}}', '{"$browser": "Chrome", "n": 1}'),
  (2, 'pageview', '2024-03-01 11:30:00', 'u2', '{"$browser": "Firefox", "$current_url": "https://example.com/b", "plan": "pro", "revenue": 12.50, "utm": {"source": "newsletter"}}', '{"$browser": "Firefox", "n": 2}'),
  (3, 'signup', '2024-03-02 09:15:00', 'u2', '{"$browser": "Firefox", "plan": "pro", "revenue": 99.00, "tags": ["trial", "b2b"], "is_admin": true}', '{"$browser":"Firefox","n":3}'),
  (4, 'purchase', '2024-03-02 14:45:00', 'u3', '{"$browser": "Safari", "plan": "enterprise", "revenue": 1200, "items": [{"sku": "A1", "qty": 2}, {"sku": "B7", "qty": 1}], "is_admin": false}', '{"$browser": "Safari", "n": 4}'),
  (5, 'pageview', '2024-03-03 08:00:00', 'u1', '{"$browser": "Chrome", "$current_url": "https://example.com/a", "plan": null}', '{"n": 5}'),
  (6, 'purchase', '2024-03-03 16:20:00', 'u1', '{"$browser": "Chrome", "plan": "free", "revenue": 5.5, "items": [{"sku": "A1", "qty": 1}], "coupon": "SPRING10"}', '{"$browser": "Chrome", "n": 6}'),
  (7, 'logout', '2024-03-04 18:00:00', 'u3', '{}', '{}'),
  (8, 'pageview', '2024-03-04 19:05:00', 'u4', NULL, NULL);
SELECT id, properties FROM jev_events ORDER BY id;
SELECT id, raw FROM jev_events ORDER BY id;
SELECT properties ->> '$browser' AS browser, count(*) AS events FROM jev_events GROUP BY 1 ORDER BY 2 DESC, 1 NULLS LAST;
SELECT properties ->> 'plan' AS plan, count(DISTINCT distinct_id) AS users FROM jev_events GROUP BY properties ->> 'plan' ORDER BY plan NULLS FIRST;
SELECT id, properties #>> '{utm,source}' AS source FROM jev_events WHERE properties #>> '{utm,source}' IS NOT NULL ORDER BY id;
SELECT "properties" #>> '{utm,campaign}' AS "campaign", count(*) AS "count" FROM "public"."jev_events" GROUP BY "properties" #>> '{utm,campaign}' ORDER BY "count" DESC, "campaign" ASC;
SELECT ("public"."jev_events"."properties" #>> array['$browser']::text[]) AS "$browser", count(*) AS "count" FROM "public"."jev_events" GROUP BY ("public"."jev_events"."properties" #>> array['$browser']::text[]) ORDER BY "$browser" ASC;
SELECT id FROM jev_events WHERE properties ->> '$browser' = 'Chrome' AND event = 'pageview' ORDER BY id;
SELECT id FROM jev_events WHERE properties ->> '$current_url' LIKE '%/a' ORDER BY id;
SELECT id, (properties ->> 'revenue')::numeric AS revenue FROM jev_events WHERE properties ? 'revenue' ORDER BY id;
SELECT sum((properties ->> 'revenue')::numeric) AS total, max((properties ->> 'revenue')::numeric) AS biggest FROM jev_events;
SELECT event, sum(coalesce((properties ->> 'revenue')::numeric, 0)) AS revenue FROM jev_events GROUP BY event ORDER BY event;
SELECT id, properties -> 'revenue' AS revenue_json, jsonb_typeof(properties -> 'revenue') AS t FROM jev_events ORDER BY id;
SELECT id FROM jev_events WHERE properties @> '{"plan": "pro"}' ORDER BY id;
SELECT id FROM jev_events WHERE properties @> '{"utm": {"source": "google"}}' ORDER BY id;
SELECT id FROM jev_events WHERE properties @> '{"tags": ["b2b"]}' ORDER BY id;
SELECT id FROM jev_events WHERE properties @> '{"items": [{"sku": "A1"}]}' ORDER BY id;
SELECT id FROM jev_events WHERE properties @> '{"is_admin": true}' ORDER BY id;
SELECT id FROM jev_events WHERE NOT properties @> '{"$browser": "Chrome"}' ORDER BY id;
SELECT id FROM jev_events WHERE '{"plan": "free"}'::jsonb <@ properties ORDER BY id;
SELECT id FROM jev_events WHERE properties ? 'coupon' ORDER BY id;
SELECT id FROM jev_events WHERE properties ?| array['coupon', 'tags'] ORDER BY id;
SELECT id FROM jev_events WHERE properties ?& array['plan', 'revenue', 'items'] ORDER BY id;
SELECT id, properties ? 'plan' AS has_plan, properties -> 'plan' IS NULL AS plan_missing, properties ->> 'plan' IS NULL AS plan_null FROM jev_events ORDER BY id;
SELECT id, jsonb_typeof(properties -> 'plan') FROM jev_events ORDER BY id;
SELECT id, (properties ->> 'is_admin')::boolean AS is_admin FROM jev_events WHERE properties ? 'is_admin' ORDER BY id;
SELECT id, jsonb_array_length(properties -> 'items') AS n_items FROM jev_events WHERE jsonb_typeof(properties -> 'items') = 'array' ORDER BY id;
SELECT e.id, item ->> 'sku' AS sku, (item ->> 'qty')::int AS qty FROM jev_events e, jsonb_array_elements(e.properties -> 'items') AS item ORDER BY e.id, sku;
SELECT item ->> 'sku' AS sku, sum((item ->> 'qty')::int) AS units FROM jev_events e CROSS JOIN LATERAL jsonb_array_elements(e.properties -> 'items') item GROUP BY 1 ORDER BY 1;
SELECT e.id, t.tag FROM jev_events e CROSS JOIN LATERAL jsonb_array_elements_text(e.properties -> 'tags') AS t(tag) ORDER BY e.id, t.tag;
SELECT k, count(*) FROM jev_events, jsonb_object_keys(properties) AS k GROUP BY k ORDER BY count(*) DESC, k;
SELECT e.id, p.key, p.value FROM jev_events e, jsonb_each(e.properties) p WHERE e.id = 2 ORDER BY p.key;
SELECT e.id, p.key, p.value FROM jev_events e, jsonb_each_text(e.properties) p WHERE e.id IN (3, 5) ORDER BY e.id, p.key;
SELECT p.key, count(*) FROM jev_events e CROSS JOIN LATERAL jsonb_each(e.properties) AS p GROUP BY p.key ORDER BY p.key;
SELECT id, properties -> 'items' -> 0 ->> 'sku' AS first_sku, properties -> 'items' -> -1 ->> 'sku' AS last_sku FROM jev_events ORDER BY id;
SELECT id, properties #> '{items,0}' AS first_item, properties #>> '{items,1,qty}' AS second_qty FROM jev_events WHERE id IN (4, 6) ORDER BY id;
SELECT id, jsonb_extract_path_text(properties, 'utm', 'source') AS source, jsonb_extract_path(properties, 'tags') AS tags FROM jev_events ORDER BY id;
SELECT id, raw ->> '$browser' AS browser, raw -> 'n' AS n, (raw ->> 'n')::int * 10 AS n10 FROM jev_events ORDER BY id;
SELECT id, json_typeof(raw -> 'n'), json_extract_path_text(raw, '$browser') FROM jev_events ORDER BY id;
SELECT date_trunc('day', ts) AS day, count(*) FILTER (WHERE properties ->> '$browser' = 'Chrome') AS chrome FROM jev_events GROUP BY 1 ORDER BY 1;
SELECT distinct_id, json_agg(event ORDER BY ts) AS path FROM jev_events GROUP BY distinct_id ORDER BY distinct_id;
SELECT distinct_id, jsonb_agg(properties ->> 'plan' ORDER BY id) AS plans FROM jev_events GROUP BY distinct_id ORDER BY distinct_id;
SELECT jsonb_agg(DISTINCT event ORDER BY event) AS events FROM jev_events;
SELECT json_agg(id ORDER BY id) FILTER (WHERE event = 'purchase') AS purchases, json_agg(id ORDER BY id) FILTER (WHERE event = 'nothing') AS none FROM jev_events;
SELECT event, json_object_agg(id, properties ->> '$browser' ORDER BY id) AS browsers FROM jev_events WHERE properties IS NOT NULL GROUP BY event ORDER BY event;
SELECT jsonb_object_agg(event, n) FROM (SELECT event, count(*) AS n FROM jev_events GROUP BY event) s;
SELECT json_build_object('event', event, 'at', ts, 'user', distinct_id) AS payload FROM jev_events WHERE id <= 3 ORDER BY id;
SELECT jsonb_build_object('id', id, 'plan', properties -> 'plan', 'browser', properties ->> '$browser') FROM jev_events WHERE id IN (1, 5) ORDER BY id;
SELECT json_build_array(id, event, properties -> 'revenue') FROM jev_events WHERE id IN (2, 7) ORDER BY id;
SELECT row_to_json(t) FROM (SELECT id, event, distinct_id FROM jev_events WHERE id <= 2 ORDER BY id) t;
SELECT to_jsonb(t) FROM (SELECT id, event, properties -> 'plan' AS plan FROM jev_events WHERE id IN (1, 3) ORDER BY id) t;
SELECT json_agg(t ORDER BY t.id) FROM (SELECT id, event FROM jev_events WHERE id <= 3) t;
SELECT jsonb_agg(jsonb_build_object('sku', item ->> 'sku', 'qty', (item ->> 'qty')::int) ORDER BY item ->> 'sku', item ->> 'qty') FROM jev_events, jsonb_array_elements(properties -> 'items') item;
SELECT id, properties - 'revenue' - '$current_url' AS trimmed FROM jev_events WHERE id IN (1, 2) ORDER BY id;
SELECT id, properties || jsonb_build_object('seen', true) AS enriched FROM jev_events WHERE id = 3;
SELECT id, jsonb_set(properties, '{utm,source}', '"bing"') AS moved FROM jev_events WHERE id = 1;
SELECT id, jsonb_set(properties, '{plan}', to_jsonb('team'::text)) FROM jev_events WHERE id = 6;
SELECT id, jsonb_strip_nulls(properties) FROM jev_events WHERE id = 5;
SELECT count(*) FILTER (WHERE properties IS NULL) AS no_props, count(*) FILTER (WHERE properties = '{}') AS empty_props FROM jev_events;
SELECT id FROM jev_events WHERE properties = '{"plan": null, "$browser": "Chrome", "$current_url": "https://example.com/a"}' ORDER BY id;
SELECT id, properties::text FROM jev_events WHERE id IN (3, 7) ORDER BY id;
SELECT id, length(properties::text) AS len FROM jev_events WHERE properties IS NOT NULL ORDER BY id;
SELECT id, raw::jsonb AS normalised FROM jev_events WHERE id IN (3, 4) ORDER BY id;
SELECT CASE WHEN properties ->> 'plan' IN ('pro', 'enterprise') THEN 'paid' ELSE 'free' END AS tier, count(*) FROM jev_events GROUP BY 1 ORDER BY 1;
WITH purchases AS (SELECT distinct_id, (properties ->> 'revenue')::numeric AS revenue FROM jev_events WHERE event = 'purchase') SELECT distinct_id, sum(revenue) FROM purchases GROUP BY distinct_id ORDER BY distinct_id;
SELECT id, coalesce(properties ->> 'coupon', 'none') AS coupon FROM jev_events ORDER BY id;
SELECT DISTINCT properties ->> '$browser' AS browser FROM jev_events WHERE properties ->> '$browser' IS NOT NULL ORDER BY browser;
SELECT id, split_part(properties ->> '$current_url', '/', 4) AS page FROM jev_events WHERE properties ? '$current_url' ORDER BY id;
UPDATE jev_events SET properties = properties || '{"reviewed": true}' WHERE event = 'signup';
UPDATE jev_events SET properties = jsonb_set(properties, '{revenue}', '13.5') WHERE id = 2;
UPDATE jev_events SET properties = properties - 'coupon' WHERE properties ? 'coupon';
SELECT id, properties FROM jev_events WHERE id IN (2, 3, 6) ORDER BY id;
DELETE FROM jev_events WHERE properties @> '{"plan": "free"}';
SELECT id FROM jev_events ORDER BY id;
