"""The SQL corpus: tests/sql/<area>/NNNN_name.sql files and their PostgreSQL-made answers.

A .sql file is a list of statements, each ending with `;` at the end of a line; lines that
start with `--` outside a statement are comments. Every file is run on its own connection
(autocommit, simple query protocol), statement by statement, and each statement's answer is:

    column names and type OIDs (with varchar/bpchar length and numeric precision, scale),
    rows in PostgreSQL's text format, and the command tag -- or the error's SQLSTATE.

The answers of a real PostgreSQL 15 are kept in <file>.expected (scripts/regen-sql-expected);
tests/sql/corpus_test.py runs the same files against duckgres and compares.

.expected format, one block per statement:

    === 3 line 12
    SELECT 1 AS a, 'x' AS b;
    --- columns 2
    a	23	int4
    b	25	text
    --- rows 1
    1	x
    --- status SELECT 1

or `--- error 42P01 relation "t" does not exist` instead of columns/rows/status. Values
are escaped as in COPY's text format: NULL is \\N; backslash, tab, newline and CR are
\\\\, \\t, \\n, \\r.
"""

import io
import os

import psycopg2
import psycopg2.extensions

HERE = os.path.dirname(os.path.abspath(__file__))

# Every value arrives as the server's text, untouched (no Python conversion).
_raw_oids = set(psycopg2.extensions.string_types.keys())
_raw_oids.update(psycopg2.extensions.binary_types.keys())
RAW = psycopg2.extensions.new_type(tuple(sorted(_raw_oids)), "RAWTEXT", lambda v, cur: v)
psycopg2.extensions.register_type(RAW)  # scalar and array OIDs alike

# Types whose typmod is part of the compared type (as psycopg2 exposes it).
_LENGTH_TYPES = {1042, 1043}
_NUMERIC = 1700

# The rows every `COPY … FROM STDIN` statement of the corpus sends (two columns, text format).
COPY_INPUT = "1\tcopied one\n2\tcopied two\n"

CLASSES = ["identical", "type", "errcode", "error", "answered", "after-error", "different"]
CLASS_RANK = {"identical": 0, "type": 1, "errcode": 1, "error": 2, "answered": 3, "after-error": 3, "different": 4}
CLASS_TEXT = {
    "identical": "identical (values and types)",
    "type": "same values, different column types or names",
    "errcode": "both errors, different SQLSTATE",
    "error": "error where PostgreSQL answered",
    "answered": "answered where PostgreSQL errored",
    "after-error": "different only because an earlier statement of its file was refused (listed in after_errors.txt)",
    "different": "different values (silently wrong)",
}


def sql_files(root=HERE, only=None):
    """All corpus files as paths relative to root, sorted (areas, then files)."""
    out = []
    for area in sorted(os.listdir(root)):
        d = os.path.join(root, area)
        if not os.path.isdir(d) or area.startswith((".", "_")):
            continue
        for name in sorted(os.listdir(d)):
            if name.endswith(".sql"):
                rel = area + "/" + name
                if only and not any(o in rel for o in only):
                    continue
                out.append(rel)
    return out


def split_statements(text):
    """[(line number, statement text with its `;`)]."""
    stmts, cur, start = [], [], 0
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not cur and (not s or s.startswith("--")):
            continue
        if cur and s.startswith("--"):
            continue
        if not cur:
            start = n
        cur.append(line.rstrip())
        if s.endswith(";"):
            stmts.append((start, "\n".join(cur)))
            cur = []
    if cur:
        stmts.append((start, "\n".join(cur) + ";"))
    return stmts


def escape(v):
    if v is None:
        return "\\N"
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Answer:
    """One statement's answer: columns [(name, type)], rows [[text]], status; or error."""

    def __init__(self, columns=None, rows=None, status=None, error=None, message=None):
        self.columns = columns
        self.rows = rows
        self.status = status
        self.error = error
        self.message = message

    def format(self, number, line, sql, type_names=None):
        out = ["=== %d line %d" % (number, line), sql]
        if self.error:
            out.append("--- error %s %s" % (self.error, (self.message or "").splitlines()[0] if self.message else ""))
            return "\n".join(o.rstrip() for o in out) + "\n"
        if self.columns is not None:
            out.append("--- columns %d" % len(self.columns))
            for name, typ in self.columns:
                oid = int(typ.split("(")[0])
                out.append("%s\t%s\t%s" % (escape(name), typ, (type_names or {}).get(oid, "?")))
            out.append("--- rows %d" % len(self.rows))
            for r in self.rows:
                out.append("\t".join(escape(v) for v in r))
        out.append("--- status %s" % (self.status or ""))
        return "\n".join(out) + "\n"


def column_type(d):
    oid = d.type_code
    if oid in _LENGTH_TYPES and d.internal_size is not None and d.internal_size > 0:
        return "%d(%d)" % (oid, d.internal_size)
    if oid == _NUMERIC and d.internal_size is not None and d.internal_size > 0:
        return "%d(%d,%d)" % (oid, d.precision, d.scale or 0)
    return str(oid)


def execute(conn, sql):
    """Runs one statement; returns its Answer. Raises only when the connection is gone."""
    cur = conn.cursor()
    words = sql.upper().split()
    if words and words[0] == "COPY" and ("STDIN" in words or "STDOUT" in words):
        return _copy(conn, cur, sql, "STDIN" in words)
    try:
        cur.execute(sql)
    except psycopg2.Error as e:
        if e.pgcode is None and conn.closed:
            raise
        if e.pgcode is None:
            return Answer(error="XX000", message=str(e).strip())
        return Answer(error=e.pgcode, message=(e.pgerror or "").replace("ERROR:", "").strip())
    if cur.description is not None:
        cols = [(d.name, column_type(d)) for d in cur.description]
        rows = [list(r) for r in cur.fetchall()]
        return Answer(columns=cols, rows=rows, status=cur.statusmessage)
    return Answer(status=cur.statusmessage)


def _copy(conn, cur, sql, from_stdin):
    """COPY … FROM STDIN sends COPY_INPUT's rows; COPY … TO STDOUT answers its lines as rows."""
    buf = io.StringIO(COPY_INPUT if from_stdin else "")
    try:
        cur.copy_expert(sql, buf)
    except psycopg2.Error as e:
        if conn.closed:
            raise
        return Answer(error=e.pgcode or "XX000", message=(e.pgerror or str(e)).replace("ERROR:", "").strip())
    if from_stdin:
        return Answer(status=cur.statusmessage)
    lines = buf.getvalue().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return Answer(columns=[("copy", "25")], rows=[[l] for l in lines], status=cur.statusmessage)


def run_file(connect, path):
    """Runs every statement of one file on a fresh connection: [(line, sql, Answer)]."""
    with open(path) as f:
        stmts = split_statements(f.read())
    results = []
    conn = None
    for line, sql in stmts:
        if conn is None or conn.closed:
            try:
                conn = connect()
                conn.autocommit = True
            except psycopg2.Error as e:
                results.append((line, sql, Answer(error="08006", message="cannot connect: %s" % e)))
                conn = None
                continue
        try:
            ans = execute(conn, sql.rstrip().rstrip(";"))
        except psycopg2.Error as e:
            ans = Answer(error="08006", message="connection lost: %s" % str(e).strip())
            try:
                conn.close()
            except psycopg2.Error:
                pass
        results.append((line, sql, ans))
    if conn is not None and not conn.closed:
        conn.close()
    return results


def _unescape(v):
    if v == "\\N":
        return None
    out, i = [], 0
    while i < len(v):
        c = v[i]
        if c == "\\" and i + 1 < len(v):
            n = v[i + 1]
            out.append({"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}.get(n, n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_expected(path):
    """Reads an .expected file back: [(number, line, sql, Answer)]."""
    with open(path) as f:
        lines = f.read().split("\n")
    out, i = [], 0
    while i < len(lines):
        if not lines[i].startswith("=== "):
            i += 1
            continue
        head = lines[i].split()
        number, line = int(head[1]), int(head[3])
        i += 1
        sql_lines = []
        while not lines[i].startswith("--- "):
            sql_lines.append(lines[i])
            i += 1
        ans = Answer()
        while i < len(lines) and lines[i].startswith("--- "):
            part = lines[i][4:]
            i += 1
            if part.startswith("error "):
                bits = part.split(" ", 2)
                ans.error, ans.message = bits[1], bits[2] if len(bits) > 2 else ""
            elif part.startswith("columns "):
                n = int(part.split()[1])
                ans.columns = []
                for _ in range(n):
                    f = lines[i].split("\t")
                    ans.columns.append((_unescape(f[0]), f[1]))
                    i += 1
            elif part.startswith("rows "):
                n = int(part.split()[1])
                ans.rows = []
                for _ in range(n):
                    ans.rows.append([_unescape(v) for v in lines[i].split("\t")] if ans.columns else [])
                    i += 1
            elif part.startswith("status"):
                ans.status = part[7:] if len(part) > 7 else ""
        out.append((number, line, "\n".join(sql_lines), ans))
    return out


def classify(expected, actual):
    """The class of duckgres' answer against PostgreSQL's."""
    if expected.error and actual.error:
        return "identical" if expected.error == actual.error else "errcode"
    if expected.error:
        return "answered"
    if actual.error:
        return "error"
    if (expected.columns is None) != (actual.columns is None):
        return "different"
    if expected.columns is None:
        return "identical" if (expected.status or "") == (actual.status or "") else "different"
    if len(expected.columns) != len(actual.columns):
        return "different"
    if expected.rows != actual.rows:
        return "different"
    if expected.columns != actual.columns:
        return "type"
    return "identical"
