#include "ingest/generator.h"

#include "sql/quoting.h"

namespace ducklings::ingest {

std::string generate_sql(const std::string& schema, int64_t team_id, const GeneratorSpec& spec) {
  std::string s = sql::quote_identifier(schema);
  std::string n = std::to_string(spec.events), p = std::to_string(spec.persons);
  std::string days = std::to_string(spec.days), team = std::to_string(team_id);
  double seed = static_cast<double>(spec.seed % 1000) / 1000.0;
  std::string out = "SELECT setseed(" + std::to_string(seed) + ");";
  // Persons: half identified (an email, a plan with a long tail), created over the period.
  out +=
      "CREATE OR REPLACE TEMP TABLE __gp AS SELECT i, uuid() AS id, 'anon-' || md5(CAST(i AS "
      "VARCHAR) || "
      "'" +
      std::to_string(spec.seed) +
      "') AS anon, CASE WHEN random() < 0.5 THEN 'user' || i || '@example.com' END "
      "AS email, now() - to_days(CAST(floor(random() * " +
      days +
      ") AS INTEGER)) AS created, "
      "['free', 'free', 'free', 'starter', 'starter', 'pro', 'enterprise'][1 + CAST(floor(random() "
      "* 7) AS INTEGER)] "
      "AS plan, ['US', 'US', 'GB', 'DE', 'FR', 'BR', 'IN', 'JP'][1 + CAST(floor(random() * 8) AS "
      "INTEGER)] AS country "
      "FROM range(" +
      p + ") t(i);";
  out += "INSERT INTO " + s +
         ".persons SELECT id, CASE WHEN email IS NULL THEN json_object('country', country) "
         "ELSE json_object('email', email, 'plan', plan, 'country', country) END, created, email "
         "IS NOT NULL, 0 "
         "FROM __gp;";
  out += "INSERT INTO " + s +
         ".person_distinct_ids SELECT anon, id, 0 FROM __gp UNION ALL SELECT email, id, 0 "
         "FROM __gp WHERE email IS NOT NULL;";
  // Events: who (skewed: pow(random, 3) picks the first persons far more often), when
  // (weekdays busier, afternoons busiest), in which session, and what.
  out += "CREATE OR REPLACE TEMP TABLE __ge AS SELECT i, CAST(floor(pow(random(), 3) * " + p +
         ") AS BIGINT) AS who, random() AS r, random() AS r2, random() AS r3, now() - "
         "to_days(CAST(floor(pow(random(), "
         "1.3) * " +
         days +
         ") AS INTEGER)) - to_hours(CAST(floor(24 * (0.5 + 0.5 * sin(random() * 3.14159))) AS "
         "INTEGER)) - to_minutes(CAST(floor(random() * 60) AS INTEGER)) AS ts FROM range(" +
         n + ") t(i);";
  out += "INSERT INTO " + s +
         ".events (uuid, event, properties, timestamp, distinct_id, person_id, "
         "elements_chain, \"$session_id\", \"$window_id\", created_at, team_id) SELECT uuid(), "
         "CASE WHEN e.r < 0.62 THEN '$pageview' WHEN e.r < 0.84 THEN '$autocapture' WHEN e.r < "
         "0.94 THEN "
         "'$pageleave' WHEN e.r < 0.97 THEN 'search' ELSE 'share' END AS event, json_object("
         "'$current_url', 'https://' || host || path, '$pathname', path, '$host', host, "
         "'$browser', browser, '$os', os, '$device_type', device, '$referrer', referrer, "
         "'$lib', CASE WHEN device = 'Mobile' AND e.r3 < 0.3 THEN 'posthog-ios' ELSE 'web' END, "
         "'$screen_width', CASE device WHEN 'Mobile' THEN 390 WHEN 'Tablet' THEN 820 ELSE 1440 "
         "END) AS properties, "
         "e.ts, CASE WHEN p.email IS NOT NULL AND e.r2 < 0.7 THEN p.email ELSE p.anon END, p.id, "
         "CASE WHEN e.r >= 0.62 AND e.r < 0.84 THEN 'button.btn.btn-primary:text=\"' || ['Sign "
         "up', 'Buy now', "
         "'Learn more', 'Add to cart'][1 + CAST(floor(e.r3 * 4) AS INTEGER)] || "
         "'\"nth-child=\"1\"' END, "
         "'s-' || p.i || '-' || CAST(date_diff('hour', TIMESTAMPTZ '2000-01-01', e.ts) / 3 AS "
         "VARCHAR), "
         "'w-' || p.i, e.ts, " +
         team +
         " FROM __ge e JOIN __gp p ON p.i = e.who, LATERAL (SELECT "
         "['app.example.com', 'www.example.com', 'docs.example.com'][1 + CAST(floor(pow(e.r2, 2) * "
         "3) AS INTEGER)] AS host, "
         "['/', '/pricing', '/features', '/blog', '/blog/launch', '/docs', '/docs/start', "
         "'/signup', '/login', "
         "'/app', '/app/dashboard', '/app/settings'][1 + CAST(floor(pow(e.r3, 1.5) * 12) AS "
         "INTEGER)] AS path, "
         "['Chrome', 'Chrome', 'Chrome', 'Safari', 'Safari', 'Firefox', 'Edge'][1 + (p.i % 7)] AS "
         "browser, "
         "['Mac OS X', 'Windows', 'Windows', 'iOS', 'Android', 'Linux'][1 + (p.i % 6)] AS os, "
         "['Desktop', 'Desktop', 'Mobile', 'Tablet'][1 + (p.i % 4)] AS device, "
         "['https://www.google.com/', '$direct', 'https://news.ycombinator.com/', "
         "'https://twitter.com/', "
         "'$direct'][1 + (p.i % 5)] AS referrer);";
  // The funnel: signed up (55%), then activated (60% of those), then purchased (35% of those),
  // each a while after the previous step.
  out +=
      "CREATE OR REPLACE TEMP TABLE __gf AS SELECT p.*, random() AS f, p.created + "
      "to_minutes(CAST(floor(random() "
      "* 600) AS INTEGER)) AS t1 FROM __gp p;";
  out +=
      "INSERT INTO " + s +
      ".events (uuid, event, properties, timestamp, distinct_id, person_id, created_at, "
      "team_id) SELECT uuid(), step, json_object('plan', plan, '$current_url', "
      "'https://app.example.com/' || "
      "step), ts, coalesce(email, anon), id, ts, " +
      team +
      " FROM (SELECT *, 'signed_up' AS step, t1 AS ts "
      "FROM __gf WHERE f < 0.55 UNION ALL SELECT *, 'activated', t1 + to_hours(1 + CAST(floor(f * "
      "40) AS "
      "INTEGER)) FROM __gf WHERE f < 0.55 * 0.6 UNION ALL SELECT *, 'purchased', t1 + to_days(1 + "
      "CAST(floor(f * 20) AS INTEGER)) FROM __gf WHERE f < 0.55 * 0.6 * 0.35);";
  out += "DROP TABLE __gp; DROP TABLE __ge; DROP TABLE __gf;";
  return out;
}

}  // namespace ducklings::ingest
