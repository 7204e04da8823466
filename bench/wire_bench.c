/* wire_bench: streams a large result from a PostgreSQL-protocol server to a libpq client and
 * reports rows/s, DataRow bytes and the server process's memory while streaming.
 *
 *   wire_bench CONNINFO QUERY FORMAT MODE [FETCH] [SERVER_PID]
 *
 *   FORMAT  text | binary
 *   MODE    cursor  BEGIN; DECLARE c [BINARY] NO SCROLL CURSOR FOR QUERY; FETCH FETCH FROM c ...
 *                   (each FETCH sent with PQexecParams asking for FORMAT); COMMIT
 *           single  PQsendQueryParams(QUERY, resultFormat) + PQsetSingleRowMode: one PGresult per
 *                   row, so libpq's per-row cost is part of what is measured
 *   FETCH   rows per FETCH in cursor mode (default 100000)
 *   SERVER_PID  process whose memory is watched; 0 or absent = SELECT pg_backend_pid()
 *
 * Memory: VmHWM is reset through /proc/PID/clear_refs (needs root or the same user) before the
 * query, VmRSS is sampled every 10 ms by a thread; VmHWM is read again at the end.
 *
 * Output: one JSON object on stdout. Build: gcc -O2 -o wire_bench wire_bench.c -lpq -lpthread
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads "Field:   N kB" from /proc/PID/status; -1 when unreadable. */
static long read_status_kb(int pid, const char* field) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  FILE* f = fopen(path, "r");
  if (!f) return -1;
  long v = -1;
  size_t n = strlen(field);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, field, n) == 0 && line[n] == ':') {
      v = strtol(line + n + 1, NULL, 10);
      break;
    }
  }
  fclose(f);
  return v;
}

static int reset_hwm(int pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/clear_refs", pid);
  FILE* f = fopen(path, "w");
  if (!f) return 0;
  int ok = fputs("5", f) >= 0;
  ok = (fclose(f) == 0) && ok;
  return ok;
}

static int g_pid;
static atomic_int g_stop;
static atomic_long g_peak_rss;

static void* sampler(void* arg) {
  (void)arg;
  while (!atomic_load(&g_stop)) {
    long rss = read_status_kb(g_pid, "VmRSS");
    if (rss > atomic_load(&g_peak_rss)) atomic_store(&g_peak_rss, rss);
    usleep(10000);
  }
  return NULL;
}

static void die(PGconn* conn, const char* what, PGresult* res) {
  fprintf(stderr, "wire_bench: %s failed: %s\n", what,
          res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  if (res) PQclear(res);
  PQfinish(conn);
  exit(1);
}

static void exec_ok(PGconn* conn, const char* sql) {
  PGresult* r = PQexec(conn, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) die(conn, sql, r);
  PQclear(r);
}

/* Bytes of the DataRow messages that carried this result: 'D' + length + column count, then a
 * length word and the value per column. */
static uint64_t account(PGresult* r, int want_format, PGconn* conn) {
  int rows = PQntuples(r), cols = PQnfields(r);
  uint64_t bytes = (uint64_t)rows * (1 + 4 + 2 + 4 * (uint64_t)cols);
  for (int c = 0; c < cols; c++) {
    if (PQfformat(r, c) != want_format) {
      fprintf(stderr, "wire_bench: column %d came in format %d, asked for %d\n", c,
              PQfformat(r, c), want_format);
      PQclear(r);
      PQfinish(conn);
      exit(1);
    }
  }
  for (int i = 0; i < rows; i++)
    for (int c = 0; c < cols; c++) bytes += (uint64_t)PQgetlength(r, i, c);
  return bytes;
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s CONNINFO QUERY text|binary cursor|single [FETCH] [SERVER_PID]\n",
            argv[0]);
    return 2;
  }
  const char* conninfo = argv[1];
  const char* query = argv[2];
  int binary = strcmp(argv[3], "binary") == 0;
  int single = strcmp(argv[4], "single") == 0;
  long fetch = argc > 5 ? atol(argv[5]) : 100000;
  g_pid = argc > 6 ? atoi(argv[6]) : 0;

  PGconn* conn = PQconnectdb(conninfo);
  if (PQstatus(conn) != CONNECTION_OK) die(conn, "connect", NULL);
  if (g_pid <= 0) {
    PGresult* r = PQexec(conn, "SELECT pg_backend_pid()");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) die(conn, "SELECT pg_backend_pid()", r);
    g_pid = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
  }

  long rss_before = read_status_kb(g_pid, "VmRSS");
  long hwm_before = read_status_kb(g_pid, "VmHWM");
  int hwm_reset = reset_hwm(g_pid);
  atomic_store(&g_peak_rss, rss_before);
  pthread_t th;
  pthread_create(&th, NULL, sampler, NULL);

  uint64_t rows = 0, bytes = 0;
  int cols = 0;
  double first_row_s = -1;
  double t0 = now_s();
  if (single) {
    if (!PQsendQueryParams(conn, query, 0, NULL, NULL, NULL, NULL, binary))
      die(conn, "PQsendQueryParams", NULL);
    if (!PQsetSingleRowMode(conn)) die(conn, "PQsetSingleRowMode", NULL);
    PGresult* r;
    while ((r = PQgetResult(conn)) != NULL) {
      ExecStatusType st = PQresultStatus(r);
      if (st == PGRES_SINGLE_TUPLE) {
        if (first_row_s < 0) first_row_s = now_s() - t0;
        cols = PQnfields(r);
        bytes += account(r, binary, conn);
        rows++;
      } else if (st != PGRES_TUPLES_OK) {
        die(conn, "streaming query", r);
      }
      PQclear(r);
    }
  } else {
    char sql[16384];
    exec_ok(conn, "BEGIN");
    if (snprintf(sql, sizeof sql, "DECLARE wire_bench_cursor %sNO SCROLL CURSOR FOR %s",
                 binary ? "BINARY " : "", query) >= (int)sizeof sql) {
      fprintf(stderr, "wire_bench: query too long\n");
      return 2;
    }
    exec_ok(conn, sql);
    snprintf(sql, sizeof sql, "FETCH %ld FROM wire_bench_cursor", fetch);
    for (;;) {
      PGresult* r = PQexecParams(conn, sql, 0, NULL, NULL, NULL, NULL, binary);
      if (PQresultStatus(r) != PGRES_TUPLES_OK) die(conn, "FETCH", r);
      int n = PQntuples(r);
      if (n > 0 && first_row_s < 0) first_row_s = now_s() - t0;
      cols = PQnfields(r);
      bytes += account(r, binary, conn);
      rows += (uint64_t)n;
      PQclear(r);
      if (n < fetch) break;
    }
    exec_ok(conn, "CLOSE wire_bench_cursor");
    exec_ok(conn, "COMMIT");
  }
  double secs = now_s() - t0;
  atomic_store(&g_stop, 1);
  pthread_join(th, NULL);
  long hwm_after = read_status_kb(g_pid, "VmHWM");
  long rss_after = read_status_kb(g_pid, "VmRSS");
  PQfinish(conn);

  printf("{\"rows\": %llu, \"columns\": %d, \"seconds\": %.4f, \"first_row_seconds\": %.4f, "
         "\"rows_per_s\": %.1f, \"datarow_bytes\": %llu, \"mb_per_s\": %.2f, "
         "\"server_pid\": %d, \"rss_before_kb\": %ld, \"rss_peak_sampled_kb\": %ld, "
         "\"rss_after_kb\": %ld, \"hwm_before_kb\": %ld, \"hwm_reset\": %s, "
         "\"hwm_after_kb\": %ld}\n",
         (unsigned long long)rows, cols, secs, first_row_s, rows / secs,
         (unsigned long long)bytes, bytes / secs / 1e6, g_pid, rss_before,
         atomic_load(&g_peak_rss), rss_after, hwm_before, hwm_reset ? "true" : "false",
         hwm_after);
  return 0;
}
