/* libpq against a running server (PG* variables set by with_server.py): text and binary
 * parameters and results byte for byte, binary arrays with empty and hostile dimensions,
 * prepared statements, pipeline mode with an error
 * (skip until Sync), cancel, single-row streaming, multi-statement queries, transaction
 * status, parameter status. Exits 1 if any check failed. */
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static int failures = 0;
static const char *current = "";

static void fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "FAIL [%s]: ", current);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  failures++;
}

#define CHECK(cond, ...)        \
  do {                          \
    if (!(cond)) fail(__VA_ARGS__); \
  } while (0)

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static PGconn *connect_env(void) {
  PGconn *c = PQconnectdb("");
  if (PQstatus(c) != CONNECTION_OK) {
    fprintf(stderr, "FATAL: cannot connect: %s", PQerrorMessage(c));
    exit(1);
  }
  return c;
}

static const char *sqlstate(const PGresult *r) {
  const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  return s ? s : "(none)";
}

/* Runs a command that must succeed. */
static void exec_ok(PGconn *c, const char *sql) {
  PGresult *r = PQexec(c, sql);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    fail("%s: %s %s", sql, PQresStatus(st), PQresultErrorMessage(r));
  PQclear(r);
}

static void expect_error(PGconn *c, const char *sql, const char *state) {
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_FATAL_ERROR)
    fail("%s: expected error %s, got %s", sql, state, PQresStatus(PQresultStatus(r)));
  else
    CHECK(strcmp(sqlstate(r), state) == 0, "%s: expected SQLSTATE %s got %s (%s)", sql, state,
          sqlstate(r), PQresultErrorMessage(r));
  PQclear(r);
}

static void hex(const char *p, int n, char *out) {
  for (int i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", (unsigned char)p[i]);
  out[2 * n] = 0;
}

static void check_bytes(PGresult *r, int col, const char *what, const char *want, int want_len) {
  if (PQgetisnull(r, 0, col)) {
    fail("%s: NULL", what);
    return;
  }
  int len = PQgetlength(r, 0, col);
  const char *got = PQgetvalue(r, 0, col);
  if (len != want_len || memcmp(got, want, want_len) != 0) {
    char g[256], w[256];
    hex(got, len > 100 ? 100 : len, g);
    hex(want, want_len > 100 ? 100 : want_len, w);
    fail("%s: binary value %s (len %d), want %s (len %d)", what, g, len, w, want_len);
  }
}

/* --- server parameters and type OIDs --------------------------------------------------- */
static void test_parameter_status(PGconn *c) {
  current = "parameter status";
  const char *enc = PQparameterStatus(c, "client_encoding");
  CHECK(enc && strcmp(enc, "UTF8") == 0, "client_encoding = %s", enc ? enc : "(unset)");
  const char *scs = PQparameterStatus(c, "standard_conforming_strings");
  CHECK(scs && strcmp(scs, "on") == 0, "standard_conforming_strings = %s", scs ? scs : "(unset)");
  const char *idt = PQparameterStatus(c, "integer_datetimes");
  CHECK(idt && strcmp(idt, "on") == 0, "integer_datetimes = %s", idt ? idt : "(unset)");
  const char *ds = PQparameterStatus(c, "DateStyle");
  CHECK(ds && strncmp(ds, "ISO", 3) == 0, "DateStyle = %s", ds ? ds : "(unset)");
  const char *sv = PQparameterStatus(c, "server_version");
  CHECK(sv && *sv, "server_version unset");
  CHECK(PQserverVersion(c) >= 90000, "PQserverVersion = %d", PQserverVersion(c));
  CHECK(PQbackendPID(c) != 0, "backend pid is 0");
  CHECK(PQprotocolVersion(c) == 3, "protocol version %d", PQprotocolVersion(c));
}

/* --- text parameters, text results ------------------------------------------------------ */
static const char *kTypedSelect =
    "SELECT $1::int4, $2::int8, $3::float8, $4::text, $5::bool, $6::numeric(10,2), $7::date, "
    "$8::timestamp, $9::bytea, $10::uuid";
static const Oid kOids[10] = {23, 20, 701, 25, 16, 1700, 1082, 1114, 17, 2950};

static void test_text_params(PGconn *c) {
  current = "text params/results";
  const char *vals[10] = {"-123456", "9000000000", "0.1", "it's ☃", "true", "12345.67",
                          "2024-02-29", "2024-02-29 13:45:06.123456", "\\x00ff41",
                          "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"};
  const char *want[10] = {"-123456", "9000000000", "0.1", "it's ☃", "t", "12345.67",
                          "2024-02-29", "2024-02-29 13:45:06.123456", "\\x00ff41",
                          "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"};
  /* Untyped parameters (the casts decide) and typed ones must both work. */
  for (int typed = 0; typed < 2; typed++) {
    PGresult *r = PQexecParams(c, kTypedSelect, 10, typed ? kOids : NULL, vals, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      fail("typed=%d: %s", typed, PQresultErrorMessage(r));
      PQclear(r);
      continue;
    }
    CHECK(PQntuples(r) == 1 && PQnfields(r) == 10, "shape %dx%d", PQntuples(r), PQnfields(r));
    for (int i = 0; i < 10; i++) {
      CHECK(PQftype(r, i) == kOids[i], "column %d type oid %u want %u", i + 1, PQftype(r, i),
            kOids[i]);
      CHECK(PQfformat(r, i) == 0, "column %d format %d", i + 1, PQfformat(r, i));
      CHECK(strcmp(PQgetvalue(r, 0, i), want[i]) == 0, "typed=%d column %d: [%s] want [%s]",
            typed, i + 1, PQgetvalue(r, 0, i), want[i]);
    }
    PQclear(r);
  }
  /* NULL parameters come back as NULL. */
  const char *nulls[2] = {NULL, NULL};
  PGresult *r = PQexecParams(c, "SELECT $1::int4, $2::text", 2, NULL, nulls, NULL, NULL, 0);
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && PQgetisnull(r, 0, 0) && PQgetisnull(r, 0, 1),
        "null params: %s", PQresultErrorMessage(r));
  PQclear(r);
  /* A 1 MB parameter survives the round trip. */
  size_t big = 1 << 20;
  char *s = malloc(big + 1);
  for (size_t i = 0; i < big; i++) s[i] = 'a' + i % 26;
  s[big] = 0;
  const char *bv[1] = {s};
  r = PQexecParams(c, "SELECT $1::text, length($1::text)", 1, NULL, bv, NULL, NULL, 0);
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), s) == 0 &&
            strcmp(PQgetvalue(r, 0, 1), "1048576") == 0,
        "1MB parameter: %s", PQresultErrorMessage(r));
  PQclear(r);
  free(s);
  /* Parameters are read as PostgreSQL reads their type's input: padding is fine, a fraction
   * is not an integer, out-of-range is 22003, uuids may come in braces. */
  exec_ok(c, "DROP TABLE IF EXISTS param_input; CREATE TABLE param_input (i int, u uuid, b bool)");
  exec_ok(c, "INSERT INTO param_input VALUES (7, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', true)");
  struct {
    const char *sql, *value, *want, *sqlstate;
  } cases[] = {
      {"SELECT count(*) FROM param_input WHERE i = $1", " 7 ", "1", NULL},
      {"SELECT count(*) FROM param_input WHERE i = $1", "1.5", NULL, "22P02"},
      {"SELECT count(*) FROM param_input WHERE i = $1", "3000000000", NULL, "22003"},
      {"SELECT count(*) FROM param_input WHERE u = $1", "{a0eebc999c0b4ef8bb6d6bb9bd380a11}", "1", NULL},
      {"SELECT count(*) FROM param_input WHERE u = $1", "not-a-uuid", NULL, "22P02"},
      {"SELECT count(*) FROM param_input WHERE b = $1", "yes", "1", NULL},
      {"SELECT count(*) FROM param_input WHERE b = $1", "maybe", NULL, "22P02"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *v[1] = {cases[i].value};
    r = PQexecParams(c, cases[i].sql, 1, NULL, v, NULL, NULL, 0);
    if (cases[i].want) {
      CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), cases[i].want) == 0,
            "%s with [%s]: %s", cases[i].sql, cases[i].value,
            PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : PQresultErrorMessage(r));
    } else {
      const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR && state && strcmp(state, cases[i].sqlstate) == 0,
            "%s with [%s]: want %s, got %s %s", cases[i].sql, cases[i].value, cases[i].sqlstate,
            state ? state : "-", PQresultErrorMessage(r));
    }
    PQclear(r);
  }
  exec_ok(c, "DROP TABLE param_input");
}

/* --- binary parameters, binary results -------------------------------------------------- */
static void test_binary(PGconn *c) {
  current = "binary params/results";
  static const char int4[] = {0xff, 0xfe, 0x1d, 0xc0};                          /* -123456 */
  static const char int8[] = {0x00, 0x00, 0x00, 0x02, 0x18, 0x71, 0x1a, 0x00};  /* 9e9 */
  static const char f8[] = {0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a};    /* 0.1 */
  static const char txt[] = "it's \xe2\x98\x83";
  static const char boolean[] = {0x01};
  /* numeric 12345.67: ndigits 3, weight 1, sign +, dscale 2, digits 1 2345 6700 */
  static const char num[] = {0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
                             0x00, 0x01, 0x09, 0x29, 0x1a, 0x2c};
  static const char date[] = {0x00, 0x00, 0x22, 0x79}; /* 8825 days after 2000-01-01 */
  static const char ts[] = {0x00, 0x02, 0xb5, 0x84, 0x3c, 0x57, 0xde, 0xc0};
  static const char bytea[] = {0x00, 0xff, 0x41, 0x00, 0x0a};
  static const char uuid[] = {0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8,
                              0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11};
  const char *vals[10] = {int4, int8, f8, txt, boolean, num, date, ts, bytea, uuid};
  int lens[10] = {4, 8, 8, (int)strlen(txt), 1, sizeof num, 4, 8, sizeof bytea, 16};
  int fmts[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  const char *names[10] = {"int4", "int8", "float8", "text", "bool",
                           "numeric", "date", "timestamp", "bytea", "uuid"};

  PGresult *r = PQexecParams(c, kTypedSelect, 10, kOids, vals, lens, fmts, 1);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    fail("binary in/out: %s", PQresultErrorMessage(r));
  } else {
    for (int i = 0; i < 10; i++) {
      CHECK(PQfformat(r, i) == 1, "%s: result format %d", names[i], PQfformat(r, i));
      CHECK(PQftype(r, i) == kOids[i], "%s: type oid %u", names[i], PQftype(r, i));
      check_bytes(r, i, names[i], vals[i], lens[i]);
    }
  }
  PQclear(r);

  /* Binary parameters, text results: the server decoded the bytes as binary. */
  r = PQexecParams(c, kTypedSelect, 10, kOids, vals, lens, fmts, 0);
  const char *want[10] = {"-123456", "9000000000", "0.1", "it's ☃", "t", "12345.67",
                          "2024-02-29", "2024-02-29 13:45:06.123456", "\\x00ff41000a",
                          "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"};
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    fail("binary in/text out: %s", PQresultErrorMessage(r));
  } else {
    for (int i = 0; i < 10; i++)
      CHECK(strcmp(PQgetvalue(r, 0, i), want[i]) == 0, "%s: [%s] want [%s]", names[i],
            PQgetvalue(r, 0, i), want[i]);
  }
  PQclear(r);

  /* Text parameters, binary results, computed values of each type. */
  r = PQexecParams(c,
                   "SELECT -123456::int4, 9000000000::int8, 0.1::float8, 'it''s ☃'::text, true, "
                   "12345.67::numeric(10,2), DATE '2024-02-29', "
                   "TIMESTAMP '2024-02-29 13:45:06.123456', '\\x00ff41000a'::bytea, "
                   "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid",
                   0, NULL, NULL, NULL, NULL, 1);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    fail("literals binary out: %s", PQresultErrorMessage(r));
  } else {
    for (int i = 0; i < 10; i++) {
      CHECK(PQftype(r, i) == kOids[i], "literal %s: type oid %u", names[i], PQftype(r, i));
      check_bytes(r, i, names[i], vals[i], lens[i]);
    }
  }
  PQclear(r);

  /* More numerics: negative fraction, zero with scale, large integer part. */
  r = PQexecParams(c, "SELECT -0.5::numeric(6,1), 0::numeric(8,2), 100000000::numeric(12,0)", 0,
                   NULL, NULL, NULL, NULL, 1);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    fail("numeric binary: %s", PQresultErrorMessage(r));
  } else {
    static const char n1[] = {0, 1, 0xff, 0xff, 0x40, 0x00, 0, 1, 0x13, 0x88}; /* -0.5 */
    static const char n2[] = {0, 0, 0, 0, 0, 0, 0, 2};                         /* 0.00 */
    static const char n3[] = {0, 1, 0, 2, 0, 0, 0, 0, 0, 1};                   /* 1e8 */
    check_bytes(r, 0, "numeric -0.5", n1, sizeof n1);
    check_bytes(r, 1, "numeric 0.00", n2, sizeof n2);
    check_bytes(r, 2, "numeric 100000000", n3, sizeof n3);
  }
  PQclear(r);

  /* regproc's binary form is the function's oid (Npgsql reads every column in binary). */
  r = PQexecParams(c, "SELECT typreceive FROM pg_type WHERE typname = 'bool'", 0, NULL, NULL, NULL, NULL, 1);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    fail("regproc binary: %s", PQresultErrorMessage(r));
  } else {
    static const char boolrecv[] = {0, 0, 0x09, 0x84}; /* 2436 */
    CHECK(PQftype(r, 0) == 24, "regproc column type %u", PQftype(r, 0));
    check_bytes(r, 0, "regproc boolrecv", boolrecv, sizeof boolrecv);
  }
  PQclear(r);

  /* Binary NULLs, and mixed formats within one Bind. */
  const char *mixed[3] = {int4, "42", NULL};
  int mlens[3] = {4, 0, 0};
  int mfmts[3] = {1, 0, 1};
  Oid mtypes[3] = {23, 23, 25};
  r = PQexecParams(c, "SELECT $1::int4 + $2::int4, $3::text", 3, mtypes, mixed, mlens, mfmts, 0);
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "-123414") == 0 &&
            PQgetisnull(r, 0, 1),
        "mixed formats: %s %s", PQresultErrorMessage(r),
        PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "");
  PQclear(r);

  /* A binary int4 with 5 bytes is invalid binary data (22P03), not silently accepted. */
  static const char bad[] = {0, 0, 0, 1, 0};
  const char *bv[1] = {bad};
  int bl[1] = {5}, bf[1] = {1};
  Oid bt[1] = {23};
  r = PQexecParams(c, "SELECT $1::int4", 1, bt, bv, bl, bf, 0);
  CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR && strcmp(sqlstate(r), "22P03") == 0,
        "5-byte binary int4: %s %s", PQresStatus(PQresultStatus(r)), sqlstate(r));
  PQclear(r);
  r = PQexec(c, "SELECT 1");
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK, "after bad bind: %s", PQresultErrorMessage(r));
  PQclear(r);
}

/* --- binary arrays in Bind (issue 17) ---------------------------------------------------- */
static int put_be32(char *at, int32_t v) {
  uint32_t u = (uint32_t)v;
  at[0] = (char)(u >> 24);
  at[1] = (char)(u >> 16);
  at[2] = (char)(u >> 8);
  at[3] = (char)u;
  return 4;
}

/* An int4[] in binary: ndim, flags, element type 23, (length, lower bound 1) per dimension,
 * then `n` elements of `values`. Returns its length. */
static int int4_array(char *out, int ndim, const int32_t *dims, int n, const int32_t *values) {
  int len = put_be32(out, ndim);
  len += put_be32(out + len, 0);
  len += put_be32(out + len, 23);
  for (int d = 0; d < ndim; d++) {
    len += put_be32(out + len, dims[d]);
    len += put_be32(out + len, 1);
  }
  for (int i = 0; i < n; i++) {
    len += put_be32(out + len, 4);
    len += put_be32(out + len, values[i]);
  }
  return len;
}

/* Executes prepared "arr" with one binary int4[]; returns the text of the first column, or
 * "ERROR <SQLSTATE>" (a static buffer). */
static const char *exec_int4_array(PGconn *c, const char *bytes, int len) {
  static char answer[256];
  const char *vals[1] = {bytes};
  int lens[1] = {len}, fmts[1] = {1};
  PGresult *r = PQexecPrepared(c, "arr", 1, vals, lens, fmts, 0);
  if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
    snprintf(answer, sizeof answer, "%s", PQgetvalue(r, 0, 0));
  else if (PQresultStatus(r) == PGRES_FATAL_ERROR)
    snprintf(answer, sizeof answer, "ERROR %s", sqlstate(r));
  else
    snprintf(answer, sizeof answer, "%s %s", PQresStatus(PQresultStatus(r)),
             PQresultErrorMessage(r));
  PQclear(r);
  return answer;
}

static void test_binary_arrays(PGconn *c) {
  current = "binary int4[] parameters";
  Oid types[1] = {1007};
  PGresult *r = PQprepare(c, "arr", "SELECT $1::int4[]", 1, types);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    fail("prepare: %s", PQresultErrorMessage(r));
    PQclear(r);
    return;
  }
  PQclear(r);
  char buf[256];
  const char *got;
  /* One dimension of length 0 (this crashed the server): PostgreSQL's empty array. */
  int32_t zero[1] = {0};
  got = exec_int4_array(c, buf, int4_array(buf, 1, zero, 0, NULL));
  CHECK(strcmp(got, "{}") == 0, "one dimension of length 0: %s", got);
  int32_t three_by_zero[2] = {3, 0};
  got = exec_int4_array(c, buf, int4_array(buf, 2, three_by_zero, 0, NULL));
  CHECK(strcmp(got, "{}") == 0, "dimensions 3x0: %s", got);
  got = exec_int4_array(c, buf, int4_array(buf, 0, NULL, 0, NULL));
  CHECK(strcmp(got, "{}") == 0, "no dimensions: %s", got);
  int32_t four[1] = {4}, two_by_two[2] = {2, 2}, values[4] = {1, 2, 3, -4};
  got = exec_int4_array(c, buf, int4_array(buf, 1, four, 4, values));
  CHECK(strcmp(got, "{1,2,3,-4}") == 0, "four elements: %s", got);
  /* Counts the bytes do not hold, and dimensions past PostgreSQL's limits: errors. */
  got = exec_int4_array(c, buf, int4_array(buf, 2, two_by_two, 3, values));
  CHECK(strcmp(got, "ERROR 22P03") == 0, "2x2 with 3 elements: %s", got);
  got = exec_int4_array(c, buf, int4_array(buf, 1, zero, 1, values));
  CHECK(strcmp(got, "ERROR 22P03") == 0, "length 0 with an element: %s", got);
  int32_t huge[2] = {65536, 65536};
  got = exec_int4_array(c, buf, int4_array(buf, 2, huge, 0, NULL));
  CHECK(strcmp(got, "ERROR 54000") == 0, "65536x65536: %s", got);
  int32_t negative[1] = {-1};
  got = exec_int4_array(c, buf, int4_array(buf, 1, negative, 0, NULL));
  CHECK(strcmp(got, "ERROR 54000") == 0, "length -1: %s", got);
  got = exec_int4_array(c, buf, 11); /* a header cut short */
  CHECK(strcmp(got, "ERROR 22P03") == 0, "11 bytes: %s", got);
  /* The session goes on, and so does the server. */
  r = PQexec(c, "SELECT 1");
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "1") == 0,
        "after the arrays: %s", PQresultErrorMessage(r));
  PQclear(r);
  PGconn *other = connect_env();
  r = PQexec(other, "SELECT 2");
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK, "a new session after the arrays: %s",
        PQresultErrorMessage(r));
  PQclear(r);
  PQfinish(other);
}

/* --- prepared statements ------------------------------------------------------------------ */
static void test_prepared(PGconn *c) {
  current = "prepared statements";
  Oid types[2] = {23, 25};
  PGresult *r = PQprepare(c, "dbl", "SELECT $1::int4 * 2, $2::text || 'x'", 2, types);
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK, "prepare: %s", PQresultErrorMessage(r));
  PQclear(r);

  r = PQdescribePrepared(c, "dbl");
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    fail("describe: %s", PQresultErrorMessage(r));
  } else {
    CHECK(PQnparams(r) == 2 && PQparamtype(r, 0) == 23 && PQparamtype(r, 1) == 25,
          "param types: n=%d", PQnparams(r));
    CHECK(PQnfields(r) == 2 && PQftype(r, 0) == 23 && PQftype(r, 1) == 25,
          "result types: n=%d %u %u", PQnfields(r), PQftype(r, 0), PQftype(r, 1));
  }
  PQclear(r);

  for (int i = 0; i < 20; i++) {
    char a[16], want[16];
    snprintf(a, sizeof a, "%d", i);
    snprintf(want, sizeof want, "%d", 2 * i);
    const char *vals[2] = {a, "v"};
    r = PQexecPrepared(c, "dbl", 2, vals, NULL, NULL, 0);
    CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), want) == 0 &&
              strcmp(PQgetvalue(r, 0, 1), "vx") == 0,
          "execution %d: %s", i, PQresultErrorMessage(r));
    PQclear(r);
  }

  /* Inferred parameter types are reported by Describe. */
  r = PQprepare(c, "infer", "SELECT $1::int8 + 1, $2::float8", 2, NULL);
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK, "prepare infer: %s", PQresultErrorMessage(r));
  PQclear(r);
  r = PQdescribePrepared(c, "infer");
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK && PQnparams(r) == 2 && PQparamtype(r, 0) == 20 &&
            PQparamtype(r, 1) == 701,
        "inferred param types %u %u", PQnparams(r) > 0 ? PQparamtype(r, 0) : 0,
        PQnparams(r) > 1 ? PQparamtype(r, 1) : 0);
  PQclear(r);

  /* Result columns that hang on the declared parameter types: described as PostgreSQL does
     (DuckDB alone describes them as one column "unknown"), and run with the same columns. */
  Oid declared[2] = {23, 1184};
  r = PQprepare(c, "bare", "SELECT $1 AS x, $2 AS y", 2, declared);
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK, "prepare bare: %s", PQresultErrorMessage(r));
  PQclear(r);
  r = PQdescribePrepared(c, "bare");
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK && PQnfields(r) == 2 && strcmp(PQfname(r, 0), "x") == 0 &&
            PQftype(r, 0) == 23 && strcmp(PQfname(r, 1), "y") == 0 && PQftype(r, 1) == 1184,
        "bare parameters described: %d fields, %s=%u", PQnfields(r), PQnfields(r) > 0 ? PQfname(r, 0) : "",
        PQnfields(r) > 0 ? PQftype(r, 0) : 0);
  PQclear(r);
  {
    const char *vals[2] = {"7", "2024-01-02 03:04:05+00"};
    r = PQexecPrepared(c, "bare", 2, vals, NULL, NULL, 0);
    CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && PQnfields(r) == 2 && PQftype(r, 0) == 23 &&
              PQftype(r, 1) == 1184 && strcmp(PQgetvalue(r, 0, 0), "7") == 0 &&
              strcmp(PQgetvalue(r, 0, 1), "2024-01-02 03:04:05+00") == 0,
          "bare parameters run: %s", PQresultErrorMessage(r));
    PQclear(r);
  }
  r = PQprepare(c, "one", "SELECT $1", 1, declared);
  PQclear(r);
  r = PQdescribePrepared(c, "one");
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK && PQnfields(r) == 1 && strcmp(PQfname(r, 0), "?column?") == 0 &&
            PQftype(r, 0) == 23,
        "SELECT $1 described: %s=%u", PQnfields(r) > 0 ? PQfname(r, 0) : "", PQnfields(r) > 0 ? PQftype(r, 0) : 0);
  PQclear(r);

  r = PQprepare(c, "dbl", "SELECT 1", 0, NULL);
  CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR && strcmp(sqlstate(r), "42P05") == 0,
        "duplicate name: %s", sqlstate(r));
  PQclear(r);
  r = PQprepare(c, "broken", "SELEC 1", 0, NULL);
  CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR && strcmp(sqlstate(r), "42601") == 0,
        "syntax error in prepare: %s", sqlstate(r));
  PQclear(r);
  r = PQexecPrepared(c, "no_such_statement", 0, NULL, NULL, NULL, 0);
  CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR && strcmp(sqlstate(r), "26000") == 0,
        "unknown statement: %s", sqlstate(r));
  PQclear(r);
  /* DEALLOCATE removes a protocol-level statement; the name can be reused. */
  exec_ok(c, "DEALLOCATE dbl");
  r = PQprepare(c, "dbl", "SELECT 3", 0, NULL);
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK, "re-prepare after DEALLOCATE: %s",
        PQresultErrorMessage(r));
  PQclear(r);
  r = PQexecPrepared(c, "dbl", 0, NULL, NULL, NULL, 0);
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "3") == 0,
        "re-prepared: %s", PQresultErrorMessage(r));
  PQclear(r);
  exec_ok(c, "DEALLOCATE dbl");
  exec_ok(c, "DEALLOCATE infer");
}

/* --- pipeline mode ------------------------------------------------------------------------- */
static PGresult *next_result(PGconn *c, ExecStatusType want, const char *what) {
  PGresult *r = PQgetResult(c);
  if (!r) {
    fail("%s: no result, want %s", what, PQresStatus(want));
    return NULL;
  }
  if (PQresultStatus(r) != want)
    fail("%s: got %s (%s %s) want %s", what, PQresStatus(PQresultStatus(r)), sqlstate(r),
         PQresultErrorMessage(r), PQresStatus(want));
  return r;
}

static void end_of_query(PGconn *c, const char *what) {
  PGresult *r = PQgetResult(c);
  if (r) {
    fail("%s: extra result %s", what, PQresStatus(PQresultStatus(r)));
    PQclear(r);
  }
}

static void test_pipeline(PGconn *c) {
  current = "pipeline";
  exec_ok(c, "CREATE TABLE libpq_pipe (a int)");
  if (!PQenterPipelineMode(c)) {
    fail("enter pipeline: %s", PQerrorMessage(c));
    return;
  }
  const char *one[1] = {"1"};
  const char *two[1] = {"2"};
  const char *three[1] = {"3"};
  int ok = 1;
  ok &= PQsendQueryParams(c, "INSERT INTO libpq_pipe VALUES ($1::int4)", 1, NULL, one, NULL,
                          NULL, 0);
  ok &= PQsendQueryParams(c, "SELECT $1::int4 + 1", 1, NULL, one, NULL, NULL, 0);
  ok &= PQsendQueryParams(c, "SELECT * FROM libpq_no_such_table", 0, NULL, NULL, NULL, NULL, 0);
  ok &= PQsendQueryParams(c, "INSERT INTO libpq_pipe VALUES ($1::int4)", 1, NULL, two, NULL,
                          NULL, 0);
  ok &= PQsendQueryParams(c, "SELECT 'skipped'", 0, NULL, NULL, NULL, NULL, 0);
  ok &= PQpipelineSync(c);
  ok &= PQsendQueryParams(c, "INSERT INTO libpq_pipe VALUES ($1::int4)", 1, NULL, three, NULL,
                          NULL, 0);
  ok &= PQsendQueryParams(c, "SELECT count(*), sum(a) FROM libpq_pipe", 0, NULL, NULL, NULL,
                          NULL, 0);
  ok &= PQpipelineSync(c);
  CHECK(ok, "sending: %s", PQerrorMessage(c));

  PGresult *r;
  /* First sync block: insert ok, select ok, error, then the rest is aborted. */
  if ((r = next_result(c, PGRES_COMMAND_OK, "insert 1"))) PQclear(r);
  end_of_query(c, "insert 1");
  if ((r = next_result(c, PGRES_TUPLES_OK, "select 2"))) {
    CHECK(strcmp(PQgetvalue(r, 0, 0), "2") == 0, "select 2 value %s", PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  end_of_query(c, "select 2");
  if ((r = next_result(c, PGRES_FATAL_ERROR, "failing query"))) {
    CHECK(strcmp(sqlstate(r), "42P01") == 0, "failing query SQLSTATE %s", sqlstate(r));
    PQclear(r);
  }
  end_of_query(c, "failing query");
  if ((r = next_result(c, PGRES_PIPELINE_ABORTED, "insert after error"))) PQclear(r);
  end_of_query(c, "insert after error");
  if ((r = next_result(c, PGRES_PIPELINE_ABORTED, "select after error"))) PQclear(r);
  end_of_query(c, "select after error");
  if ((r = next_result(c, PGRES_PIPELINE_SYNC, "sync 1"))) PQclear(r);
  /* Second sync block works again; the first block was one implicit transaction that
   * failed, so neither insert 1 nor insert 2 is there. */
  if ((r = next_result(c, PGRES_COMMAND_OK, "insert 3"))) PQclear(r);
  end_of_query(c, "insert 3");
  if ((r = next_result(c, PGRES_TUPLES_OK, "count"))) {
    CHECK(strcmp(PQgetvalue(r, 0, 0), "1") == 0 && strcmp(PQgetvalue(r, 0, 1), "3") == 0,
          "after pipeline: count %s sum %s, want 1 and 3", PQgetvalue(r, 0, 0),
          PQgetvalue(r, 0, 1));
    PQclear(r);
  }
  end_of_query(c, "count");
  if ((r = next_result(c, PGRES_PIPELINE_SYNC, "sync 2"))) PQclear(r);
  CHECK(PQexitPipelineMode(c), "exit pipeline: %s", PQerrorMessage(c));

  /* Many queries in one pipeline (no round trip per query). */
  if (PQenterPipelineMode(c)) {
    char buf[32][16];
    for (int i = 0; i < 1000; i++) {
      snprintf(buf[i % 32], 16, "%d", i);
      const char *v[1] = {buf[i % 32]};
      if (!PQsendQueryParams(c, "SELECT $1::int4 * 3", 1, NULL, v, NULL, NULL, 0)) {
        fail("send %d: %s", i, PQerrorMessage(c));
        break;
      }
      if (i % 100 == 99) PQflush(c);
    }
    PQpipelineSync(c);
    int good = 0;
    for (int i = 0; i < 1000; i++) {
      r = PQgetResult(c);
      if (r && PQresultStatus(r) == PGRES_TUPLES_OK && atoi(PQgetvalue(r, 0, 0)) == 3 * i) good++;
      PQclear(r);
      while ((r = PQgetResult(c))) PQclear(r);
    }
    CHECK(good == 1000, "1000 pipelined queries: %d right", good);
    r = PQgetResult(c);
    CHECK(r && PQresultStatus(r) == PGRES_PIPELINE_SYNC, "final sync");
    PQclear(r);
    PQexitPipelineMode(c);
  }
  exec_ok(c, "DROP TABLE libpq_pipe");
}

/* --- cancel ----------------------------------------------------------------------------- */
/* Long enough never to finish by itself in either PostgreSQL or DuckDB. */
static const char *kEndless =
    "SELECT sum(a.x * b.y + c.z) FROM generate_series(1, 100000) AS a(x), "
    "generate_series(1, 100000) AS b(y), generate_series(1, 100000) AS c(z)";

/* Waits for the query's result with a deadline; returns the first result or NULL. */
static PGresult *await_result(PGconn *c, double timeout) {
  double deadline = now_s() + timeout;
  while (now_s() < deadline) {
    if (!PQconsumeInput(c)) return NULL;
    if (!PQisBusy(c)) return PQgetResult(c);
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(PQsocket(c), &fds);
    struct timeval tv = {0, 100000};
    select(PQsocket(c) + 1, &fds, NULL, NULL, &tv);
  }
  return NULL;
}

static void test_cancel(PGconn *c) {
  current = "cancel";
  for (int extended = 0; extended < 2; extended++) {
    int sent = extended ? PQsendQueryParams(c, kEndless, 0, NULL, NULL, NULL, NULL, 0)
                        : PQsendQuery(c, kEndless);
    if (!sent) {
      fail("send: %s", PQerrorMessage(c));
      return;
    }
    sleep_ms(500);
    PGresult *early = NULL;
    PQconsumeInput(c);
    if (!PQisBusy(c)) {
      early = PQgetResult(c);
      fail("endless query finished before cancel: %s %s", PQresStatus(PQresultStatus(early)),
           PQresultErrorMessage(early));
      PQclear(early);
      while ((early = PQgetResult(c))) PQclear(early);
      continue;
    }
    PGcancel *cancel = PQgetCancel(c);
    char err[256];
    double t0 = now_s();
    CHECK(PQcancel(cancel, err, sizeof err), "PQcancel: %s", err);
    PQfreeCancel(cancel);
    PGresult *r = await_result(c, 10);
    double took = now_s() - t0;
    if (!r) {
      fail("extended=%d: no answer within 10 s of cancel", extended);
      /* Give up on this connection's state: the caller reconnects. */
      return;
    }
    CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR && strcmp(sqlstate(r), "57014") == 0,
          "extended=%d: got %s %s", extended, PQresStatus(PQresultStatus(r)), sqlstate(r));
    CHECK(took < 5, "extended=%d: cancel took %.1f s", extended, took);
    PQclear(r);
    while ((r = PQgetResult(c))) PQclear(r);
    r = PQexec(c, "SELECT 'still usable'");
    CHECK(PQresultStatus(r) == PGRES_TUPLES_OK, "after cancel: %s", PQresultErrorMessage(r));
    PQclear(r);
  }
  /* A cancel while idle does nothing to the next query. */
  PGcancel *cancel = PQgetCancel(c);
  char err[256];
  PQcancel(cancel, err, sizeof err);
  PQfreeCancel(cancel);
  sleep_ms(200);
  PGresult *r = PQexec(c, "SELECT count(*) FROM generate_series(1, 1000) AS t(g)");
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "1000") == 0,
        "query after idle cancel: %s", PQresultErrorMessage(r));
  PQclear(r);
}

/* --- single-row mode ------------------------------------------------------------------------ */
static void test_single_row(PGconn *c) {
  current = "single-row mode";
  const int n = 1000000;
  if (!PQsendQuery(c, "SELECT g, repeat('x', 20) FROM generate_series(1, 1000000) AS t(g)")) {
    fail("send: %s", PQerrorMessage(c));
    return;
  }
  CHECK(PQsetSingleRowMode(c), "PQsetSingleRowMode refused");
  long rows = 0, in_order = 1;
  PGresult *r;
  int final_ok = 0;
  while ((r = PQgetResult(c))) {
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE) {
      rows++;
      if (atol(PQgetvalue(r, 0, 0)) != rows) in_order = 0;
      if (rows == 1)
        CHECK(strcmp(PQgetvalue(r, 0, 1), "xxxxxxxxxxxxxxxxxxxx") == 0, "value [%s]",
              PQgetvalue(r, 0, 1));
    } else if (st == PGRES_TUPLES_OK) {
      final_ok = PQntuples(r) == 0;
    } else {
      fail("unexpected %s %s", PQresStatus(st), PQresultErrorMessage(r));
    }
    PQclear(r);
  }
  CHECK(rows == n, "%ld rows, want %d", rows, n);
  CHECK(in_order, "rows out of order");
  CHECK(final_ok, "no final empty PGRES_TUPLES_OK");

  /* Rows arrive while a practically endless result is still being produced: the server
   * streams instead of materializing the whole result first. */
  double t0 = now_s();
  if (!PQsendQuery(c, "SELECT a.x * 100000 + b.y FROM generate_series(0, 99999) AS a(x), "
                      "generate_series(0, 99999) AS b(y)")) {
    fail("send endless: %s", PQerrorMessage(c));
    return;
  }
  PQsetSingleRowMode(c);
  rows = 0;
  while (rows < 100000 && (r = PQgetResult(c))) {
    if (PQresultStatus(r) == PGRES_SINGLE_TUPLE)
      rows++;
    else {
      fail("endless stream: %s %s", PQresStatus(PQresultStatus(r)), PQresultErrorMessage(r));
      PQclear(r);
      break;
    }
    PQclear(r);
  }
  double took = now_s() - t0;
  CHECK(rows == 100000 && took < 15, "first 100000 of 10^10 rows took %.1f s (%ld rows)", took,
        rows);
  PGcancel *cancel = PQgetCancel(c);
  char err[256];
  PQcancel(cancel, err, sizeof err);
  PQfreeCancel(cancel);
  double deadline = now_s() + 30;
  int saw_cancel = 0;
  while ((r = PQgetResult(c))) {
    if (PQresultStatus(r) == PGRES_FATAL_ERROR) saw_cancel = strcmp(sqlstate(r), "57014") == 0;
    PQclear(r);
    if (now_s() > deadline) break;
  }
  CHECK(saw_cancel, "streaming query was not cancelled with 57014");
}

/* --- several statements in one Query -------------------------------------------------------- */
static void test_multi_statement(PGconn *c) {
  current = "multi-statement";
  exec_ok(c, "CREATE TABLE libpq_multi (a int)");
  if (!PQsendQuery(c, "SELECT 1; SELECT 'a', 'b'; INSERT INTO libpq_multi VALUES (1), (2); "
                      "UPDATE libpq_multi SET a = a + 1; SELECT count(*) FROM libpq_multi")) {
    fail("send: %s", PQerrorMessage(c));
    return;
  }
  PGresult *r;
  if ((r = next_result(c, PGRES_TUPLES_OK, "stmt 1"))) {
    CHECK(PQnfields(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "1") == 0, "stmt 1 value");
    PQclear(r);
  }
  if ((r = next_result(c, PGRES_TUPLES_OK, "stmt 2"))) {
    CHECK(PQnfields(r) == 2 && strcmp(PQgetvalue(r, 0, 1), "b") == 0, "stmt 2 value");
    PQclear(r);
  }
  if ((r = next_result(c, PGRES_COMMAND_OK, "stmt 3"))) {
    CHECK(strcmp(PQcmdStatus(r), "INSERT 0 2") == 0, "insert tag [%s]", PQcmdStatus(r));
    CHECK(strcmp(PQcmdTuples(r), "2") == 0, "insert count [%s]", PQcmdTuples(r));
    PQclear(r);
  }
  if ((r = next_result(c, PGRES_COMMAND_OK, "stmt 4"))) {
    CHECK(strcmp(PQcmdStatus(r), "UPDATE 2") == 0, "update tag [%s]", PQcmdStatus(r));
    PQclear(r);
  }
  if ((r = next_result(c, PGRES_TUPLES_OK, "stmt 5"))) {
    CHECK(strcmp(PQgetvalue(r, 0, 0), "2") == 0, "stmt 5 value");
    CHECK(strcmp(PQcmdStatus(r), "SELECT 1") == 0, "select tag [%s]", PQcmdStatus(r));
    PQclear(r);
  }
  end_of_query(c, "after 5 statements");

  /* An error stops the rest of the string; the string ran as one implicit transaction. */
  if (!PQsendQuery(c, "INSERT INTO libpq_multi VALUES (10); SELECT * FROM libpq_no_such; "
                      "INSERT INTO libpq_multi VALUES (11)")) {
    fail("send: %s", PQerrorMessage(c));
    return;
  }
  if ((r = next_result(c, PGRES_COMMAND_OK, "insert before error"))) PQclear(r);
  if ((r = next_result(c, PGRES_FATAL_ERROR, "error statement"))) {
    CHECK(strcmp(sqlstate(r), "42P01") == 0, "error SQLSTATE %s", sqlstate(r));
    PQclear(r);
  }
  end_of_query(c, "statements after the error must not run");
  r = PQexec(c, "SELECT count(*) FROM libpq_multi WHERE a >= 10");
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "0") == 0,
        "implicit transaction of a failed multi-statement query not rolled back: %s rows",
        PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : PQresultErrorMessage(r));
  PQclear(r);

  r = PQexec(c, "");
  CHECK(PQresultStatus(r) == PGRES_EMPTY_QUERY, "empty query: %s",
        PQresStatus(PQresultStatus(r)));
  PQclear(r);
  r = PQexec(c, ";");
  CHECK(PQresultStatus(r) == PGRES_EMPTY_QUERY, "';' query: %s", PQresStatus(PQresultStatus(r)));
  PQclear(r);
  exec_ok(c, "DROP TABLE libpq_multi");
}

/* --- transaction status (ReadyForQuery) ------------------------------------------------- */
static void test_transaction_status(PGconn *c) {
  current = "transaction status";
  CHECK(PQtransactionStatus(c) == PQTRANS_IDLE, "idle: %d", PQtransactionStatus(c));
  exec_ok(c, "BEGIN");
  CHECK(PQtransactionStatus(c) == PQTRANS_INTRANS, "in transaction: %d", PQtransactionStatus(c));
  expect_error(c, "SELECT * FROM libpq_no_such", "42P01");
  CHECK(PQtransactionStatus(c) == PQTRANS_INERROR, "failed transaction: %d",
        PQtransactionStatus(c));
  expect_error(c, "SELECT 1", "25P02");
  PGresult *r = PQexec(c, "COMMIT");
  /* COMMIT of a failed transaction rolls back and reports ROLLBACK. */
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "ROLLBACK") == 0,
        "commit of failed transaction: %s [%s]", PQresStatus(PQresultStatus(r)), PQcmdStatus(r));
  PQclear(r);
  CHECK(PQtransactionStatus(c) == PQTRANS_IDLE, "idle again: %d", PQtransactionStatus(c));
  expect_error(c, "SELECT 1/0", "22012");
  expect_error(c, "SELECT 'x'::int4", "22P02");
  expect_error(c, "SELECT 2147483647::int4 + 1", "22003");
}

/* --- COPY: binary round trip, CopyFail, bad data ------------------------------------------ */
static long scalar_long(PGconn *c, const char *sql) {
  PGresult *r = PQexec(c, sql);
  long v = -1;
  if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) v = atol(PQgetvalue(r, 0, 0));
  else fail("%s: %s", sql, PQresultErrorMessage(r));
  PQclear(r);
  return v;
}

static void test_copy(PGconn *c) {
  current = "copy";
  /* Every type the binary input decodes without DuckDB's help (integers, floats, booleans,
   * text, JSON, UUIDs, dates and timestamps before and after 2000 and 1970), and the rest. */
  exec_ok(c, "CREATE TABLE copy_src (id int8, name text, amount numeric(12,2), ts timestamp, "
             "raw bytea, flag bool, i4 int4, i2 int2, f8 float8, f4 float4, u uuid, d date, "
             "tz timestamptz, j json)");
  exec_ok(c, "INSERT INTO copy_src SELECT g, 'name ' || g, g * 1.25, "
             "TIMESTAMP '2024-01-01 00:00:00' + g * INTERVAL '1 second', '\\x00ff'::bytea, "
             "g % 2 = 0, g * -3, (g % 30000)::int2, g / 7.0::float8, (g / 3.0)::float4, "
             "gen_random_uuid(), DATE '1960-03-01' + g * 7, "
             "TIMESTAMPTZ '1999-12-31 23:59:58.5+00' + g * INTERVAL '1 hour 0.25 seconds', "
             "('{\"g\": ' || g || ', \"s\": \"a,b\"}')::json FROM generate_series(1, 5000) AS t(g)");
  exec_ok(c, "INSERT INTO copy_src VALUES (0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
             "NULL, NULL, NULL, NULL)");
  exec_ok(c, "INSERT INTO copy_src VALUES (-1, '', 0, TIMESTAMP '1969-07-20 20:17:40.000001', '', true, "
             "-2147483648, -32768, 'NaN', '-Infinity', '00000000-0000-0000-0000-000000000000', "
             "DATE '0001-01-01', TIMESTAMPTZ '1900-01-01 00:00:00+00', '\"\"')");

  /* COPY TO STDOUT (FORMAT binary), collected whole. */
  PGresult *r = PQexec(c, "COPY copy_src TO STDOUT (FORMAT binary)");
  CHECK(PQresultStatus(r) == PGRES_COPY_OUT, "copy out: %s", PQresStatus(PQresultStatus(r)));
  CHECK(PQbinaryTuples(r) == 1, "copy out: not binary");
  PQclear(r);
  char *buf = NULL;
  size_t total = 0, cap = 0;
  int n;
  char *chunk;
  while ((n = PQgetCopyData(c, &chunk, 0)) > 0) {
    if (total + n > cap) {
      cap = (total + n) * 2;
      buf = realloc(buf, cap);
    }
    memcpy(buf + total, chunk, n);
    total += n;
    PQfreemem(chunk);
  }
  r = PQgetResult(c);
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "COPY 5002") == 0,
        "copy out tag %s %s", PQcmdStatus(r), PQresultErrorMessage(r));
  PQclear(r);
  CHECK(total > 19 && memcmp(buf, "PGCOPY\n\377\r\n\0", 11) == 0, "copy out: signature");

  /* The same bytes back in, in 1000-byte pieces, into a copy of the table. */
  exec_ok(c, "CREATE TABLE copy_dst AS SELECT * FROM copy_src LIMIT 0");
  r = PQexec(c, "COPY copy_dst FROM STDIN (FORMAT binary)");
  CHECK(PQresultStatus(r) == PGRES_COPY_IN, "copy in: %s", PQresStatus(PQresultStatus(r)));
  PQclear(r);
  for (size_t off = 0; off < total; off += 1000) {
    size_t len = total - off < 1000 ? total - off : 1000;
    CHECK(PQputCopyData(c, buf + off, (int)len) == 1, "putCopyData");
  }
  CHECK(PQputCopyEnd(c, NULL) == 1, "putCopyEnd");
  r = PQgetResult(c);
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "COPY 5002") == 0,
        "copy in tag %s %s", PQcmdStatus(r), PQresultErrorMessage(r));
  PQclear(r);
  free(buf);
  CHECK(scalar_long(c, "SELECT count(*) FROM (SELECT * FROM copy_src EXCEPT SELECT * FROM copy_dst) d") == 0 &&
            scalar_long(c, "SELECT count(*) FROM (SELECT * FROM copy_dst EXCEPT SELECT * FROM copy_src) d") == 0 &&
            scalar_long(c, "SELECT count(*) FROM copy_dst") == 5002,
        "binary round trip differs");
  CHECK(scalar_long(c, "SELECT count(*) FROM copy_dst WHERE name IS NULL AND raw IS NULL") == 1,
        "binary round trip NULLs");

  /* CopyFail from the client: an error, and nothing of the upload stays. */
  r = PQexec(c, "COPY copy_dst (id, name) FROM STDIN");
  CHECK(PQresultStatus(r) == PGRES_COPY_IN, "copyfail: %s", PQresStatus(PQresultStatus(r)));
  PQclear(r);
  for (int i = 0; i < 100; i++) {
    char line[64];
    int len = snprintf(line, sizeof line, "%d\tfailing %d\n", 100000 + i, i);
    PQputCopyData(c, line, len);
  }
  PQputCopyEnd(c, "client changed its mind");
  r = PQgetResult(c);
  CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR && strcmp(sqlstate(r), "57014") == 0,
        "copyfail: %s %s", sqlstate(r), PQresultErrorMessage(r));
  CHECK(strstr(PQresultErrorMessage(r), "client changed its mind") != NULL, "copyfail message");
  PQclear(r);
  while ((r = PQgetResult(c)) != NULL) PQclear(r);
  CHECK(scalar_long(c, "SELECT count(*) FROM copy_dst WHERE id >= 100000") == 0,
        "copyfail: rows stayed");

  /* A bad value fails the whole COPY: 22P02, no rows, the session goes on. */
  r = PQexec(c, "COPY copy_dst (id, name) FROM STDIN");
  PQclear(r);
  const char *data = "200000\tok\nnot-a-number\tbad\n200001\tok\n";
  PQputCopyData(c, data, (int)strlen(data));
  PQputCopyEnd(c, NULL);
  r = PQgetResult(c);
  CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR && strcmp(sqlstate(r), "22P02") == 0,
        "bad copy data: %s %s", sqlstate(r), PQresultErrorMessage(r));
  PQclear(r);
  while ((r = PQgetResult(c)) != NULL) PQclear(r);
  CHECK(scalar_long(c, "SELECT count(*) FROM copy_dst WHERE id >= 200000") == 0,
        "bad copy data: rows stayed");
  exec_ok(c, "DROP TABLE copy_src");
  exec_ok(c, "DROP TABLE copy_dst");
}

// A prepared statement that reads a setting answers with the value of the moment, also after
// SET (the server re-plans it; DuckDB folds the setting into its plan).
static void test_settings_in_prepared(PGconn *c) {
  PGresult *r = PQprepare(c, "read_app", "SELECT current_setting('application_name')", 0, NULL);
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK, "prepare: %s", PQresultErrorMessage(r));
  PQclear(r);
  exec_ok(c, "SET application_name = 'before'");
  r = PQexecPrepared(c, "read_app", 0, NULL, NULL, NULL, 0);
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "before") == 0, "first: %s",
        PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : PQresultErrorMessage(r));
  PQclear(r);
  exec_ok(c, "SET application_name = 'after'");
  r = PQexecPrepared(c, "read_app", 0, NULL, NULL, NULL, 0);
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "after") == 0, "after SET: %s",
        PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : PQresultErrorMessage(r));
  PQclear(r);
  for (int i = 0; i < 2; ++i) {  // the simple protocol's plan cache too
    exec_ok(c, i ? "SET application_name = 'two'" : "SET application_name = 'one'");
    r = PQexec(c, "SELECT current_setting('application_name')");
    CHECK(strcmp(PQgetvalue(r, 0, 0), i ? "two" : "one") == 0, "simple query %d: %s", i, PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  exec_ok(c, "DEALLOCATE read_app");
}

int main(void) {
  /* Each part gets its own session, so a server that drops one does not fail the rest. */
  void (*tests[])(PGconn *) = {test_parameter_status, test_text_params,     test_binary,
                               test_binary_arrays,    test_prepared,        test_transaction_status,
                               test_multi_statement,  test_pipeline,        test_single_row,
                               test_cancel,           test_copy,            test_settings_in_prepared};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    PGconn *c = connect_env();
    tests[i](c);
    if (PQstatus(c) != CONNECTION_OK) fail("session lost: %s", PQerrorMessage(c));
    PQfinish(c);
  }
  if (failures) {
    fprintf(stderr, "%d libpq check(s) failed\n", failures);
    return 1;
  }
  printf("all libpq checks passed\n");
  return 0;
}
