/* embedded_bench: the analytics suite on DuckDB embedded in the client process, through the C
 * API: the physical limit duckgres' server overhead is measured against.
 *
 *   embedded_bench EVENTS_SQL QUERIES_SQL ROWS PERSONS REPS THREADS
 *
 * Builds the same data as duckgres (bench/events.sql with {rows}/{persons} filled in, in an
 * in-memory database), then runs every "-- name: " query of QUERIES_SQL once to warm up and
 * REPS times measured, fetching every row. Prints one JSON line per query:
 *   {"name": "...", "rows": N, "ms": [t1, t2, ...]}
 */
#include <duckdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char* read_file(const char* path) {
  FILE* f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* buf = malloc(n + 1);
  if (fread(buf, 1, n, f) != (size_t)n) { perror(path); exit(2); }
  buf[n] = 0;
  fclose(f);
  return buf;
}

/* Replaces every occurrence of `key` in `s` with `value` (returns a new string). */
static char* replace_all(const char* s, const char* key, const char* value) {
  size_t kl = strlen(key), vl = strlen(value), count = 0;
  for (const char* p = strstr(s, key); p; p = strstr(p + kl, key)) count++;
  char* out = malloc(strlen(s) + count * (vl + 1) + 1);
  char* o = out;
  while (*s) {
    if (strncmp(s, key, kl) == 0) { memcpy(o, value, vl); o += vl; s += kl; }
    else *o++ = *s++;
  }
  *o = 0;
  return out;
}

static void run_or_die(duckdb_connection c, const char* sql) {
  duckdb_result r;
  if (duckdb_query(c, sql, &r) != DuckDBSuccess) {
    fprintf(stderr, "embedded_bench: %s\n", duckdb_result_error(&r));
    exit(1);
  }
  duckdb_destroy_result(&r);
}

/* Runs a query and reads every chunk; returns the row count. */
static long run_query(duckdb_connection c, const char* sql) {
  duckdb_result r;
  if (duckdb_query(c, sql, &r) != DuckDBSuccess) {
    fprintf(stderr, "embedded_bench: %s\n", duckdb_result_error(&r));
    exit(1);
  }
  long rows = 0;
  for (;;) {
    duckdb_data_chunk chunk = duckdb_fetch_chunk(r);
    if (!chunk) break;
    rows += (long)duckdb_data_chunk_get_size(chunk);
    duckdb_destroy_data_chunk(&chunk);
  }
  duckdb_destroy_result(&r);
  return rows;
}

int main(int argc, char** argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: embedded_bench EVENTS_SQL QUERIES_SQL ROWS PERSONS REPS THREADS\n");
    return 2;
  }
  int reps = atoi(argv[5]);
  char* gen = replace_all(read_file(argv[1]), "{rows}", argv[3]);
  gen = replace_all(gen, "{persons}", argv[4]);
  char* queries = read_file(argv[2]);

  duckdb_database db;
  duckdb_connection c;
  if (duckdb_open(NULL, &db) != DuckDBSuccess || duckdb_connect(db, &c) != DuckDBSuccess) return 1;
  char settings[128];
  snprintf(settings, sizeof settings, "SET threads = %s", argv[6]);
  run_or_die(c, settings);
  run_or_die(c, "SET TimeZone = 'UTC'");
  double t0 = now_ms();
  run_or_die(c, gen);
  fprintf(stderr, "embedded_bench: data built in %.0f ms\n", now_ms() - t0);

  /* Split on "-- name: " headers. */
  const char* marker = "-- name: ";
  char* p = strstr(queries, marker);
  while (p) {
    char* name = p + strlen(marker);
    char* eol = strchr(name, '\n');
    if (!eol) break;
    *eol = 0;
    char* body = eol + 1;
    char* next = strstr(body, marker);
    if (next) *next = 0;
    printf("{\"name\": \"%s\", ", name);
    long rows = run_query(c, body); /* warm-up */
    printf("\"rows\": %ld, \"ms\": [", rows);
    for (int i = 0; i < reps; ++i) {
      double start = now_ms();
      run_query(c, body);
      printf("%s%.3f", i ? ", " : "", now_ms() - start);
    }
    printf("]}\n");
    fflush(stdout);
    if (next) *next = '-';
    p = next;
  }
  duckdb_disconnect(&c);
  duckdb_close(&db);
  return 0;
}
