/* copy_parquet: DuckDB's own COPY … TO Parquet, embedded through the C API: the peer the golden
 * tables' publication throughput is measured against (bench/publish_bench.py).
 *
 *   copy_parquet DATABASE THREADS MEMORY_LIMIT REPS SQL
 *
 * Opens DATABASE read-only with THREADS threads and MEMORY_LIMIT, runs SQL (a COPY; "{rep}" in
 * it becomes the repetition's number, so each writes a new file) once to warm up and REPS times
 * measured. Prints one JSON line: {"ms": [t1, t2, ...]}.
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

static void run_or_die(duckdb_connection c, const char* sql) {
  duckdb_result r;
  if (duckdb_query(c, sql, &r) != DuckDBSuccess) {
    fprintf(stderr, "copy_parquet: %s\n", duckdb_result_error(&r));
    exit(1);
  }
  duckdb_destroy_result(&r);
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: copy_parquet DATABASE THREADS MEMORY_LIMIT REPS SQL\n");
    return 2;
  }
  duckdb_config config;
  duckdb_create_config(&config);
  duckdb_set_config(config, "access_mode", "READ_ONLY");
  duckdb_set_config(config, "threads", argv[2]);
  duckdb_set_config(config, "memory_limit", argv[3]);
  duckdb_database db;
  char* error = NULL;
  if (duckdb_open_ext(argv[1], &db, config, &error) != DuckDBSuccess) {
    fprintf(stderr, "copy_parquet: %s\n", error ? error : "cannot open");
    return 1;
  }
  duckdb_connection c;
  duckdb_connect(db, &c);
  int reps = atoi(argv[4]);
  printf("{\"ms\": [");
  for (int rep = 0; rep <= reps; ++rep) {
    const char* tmpl = argv[5];
    char number[16];
    snprintf(number, sizeof number, "%d", rep);
    size_t n = strlen(tmpl) + 64;
    char* sql = malloc(n);
    char* o = sql;
    for (const char* p = tmpl; *p;) {
      if (strncmp(p, "{rep}", 5) == 0) { o += sprintf(o, "%s", number); p += 5; }
      else *o++ = *p++;
    }
    *o = 0;
    double t0 = now_ms();
    run_or_die(c, sql);
    double ms = now_ms() - t0;
    if (rep > 0) printf("%s%.1f", rep > 1 ? ", " : "", ms);
    free(sql);
  }
  printf("]}\n");
  duckdb_disconnect(&c);
  duckdb_close(&db);
  duckdb_destroy_config(&config);
  return 0;
}
