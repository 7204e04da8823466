// pgjdbc against a running server (PG* variables set by with_server.py). Run as a
// single-file program: java -cp /usr/share/java/postgresql.jar jdbc_test.java
// (the launcher runs the first class; its name need not match the file name).
//
// Plain and TLS connections, a wrong password (28P01), a PreparedStatement reused past
// prepareThreshold (named server statements, binary transfer), setFetchSize paging
// over 200k rows with another query interleaved, batches, ResultSet getters per type,
// SQLSTATEs of errors and the aborted-transaction state.
import java.math.BigDecimal;
import java.sql.*;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

public class JdbcTest {
  static final List<String> failures = new ArrayList<>();
  static final String host = env("PGHOST", "127.0.0.1");
  static final String port = env("PGPORT", "5432");
  static final String db = env("PGDATABASE", "duckgres");
  static final String user = env("PGUSER", "duckgres");
  static final String password = env("PGPASSWORD", "");

  static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? dflt : v;
  }

  static void check(boolean cond, String what) {
    if (!cond) {
      failures.add(what);
      System.err.println("FAIL: " + what);
    }
  }

  static Connection connect(String params) throws SQLException {
    return connect(params, password);
  }

  static Connection connect(String params, String pw) throws SQLException {
    String url = "jdbc:postgresql://" + host + ":" + port + "/" + db + "?" + params;
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", pw);
    return DriverManager.getConnection(url, p);
  }

  interface Case {
    void run() throws Exception;
  }

  static void run(String name, Case c) {
    run(name, null, c);
  }

  // On a failure, `conn` is put back into autocommit so the next part starts clean.
  static void run(String name, Connection conn, Case c) {
    int before = failures.size();
    try {
      c.run();
      if (failures.size() == before) {
        System.out.println("ok: " + name);
      } else {
        System.err.println("FAIL: " + name + " (" + (failures.size() - before) + " checks)");
      }
    } catch (Throwable t) {
      failures.add(name);
      System.err.println("FAIL: " + name + " threw " + t);
      t.printStackTrace();
      if (conn != null) {
        try {
          if (!conn.getAutoCommit()) conn.rollback();
          conn.setAutoCommit(true);
        } catch (SQLException e) {
          System.err.println("  (could not reset the connection: " + e + ")");
        }
      }
    }
  }

  static long scalarLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String sqlState(Connection c, String sql) {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
      return "no error";
    } catch (SQLException e) {
      return e.getSQLState();
    }
  }

  public static void main(String[] args) throws Exception {
    run("connect sslmode=disable", () -> {
      try (Connection c = connect("sslmode=disable")) {
        check(scalarLong(c, "SELECT 1") == 1, "select 1 (plain)");
        DatabaseMetaData md = c.getMetaData();
        check(md.getDatabaseProductName().equals("PostgreSQL"),
            "product name " + md.getDatabaseProductName());
      }
    });
    run("connect ssl=true&sslmode=require", () -> {
      try (Connection c = connect("ssl=true&sslmode=require")) {
        check(scalarLong(c, "SELECT 1") == 1, "select 1 (TLS)");
        check(scalarLong(c, "SELECT count(*) FROM generate_series(1, 100000) AS t(g)") == 100000,
            "100k rows over TLS");
      }
    });
    run("wrong password", () -> {
      for (String mode : new String[] {"disable", "require"}) {
        try (Connection c = connect("sslmode=" + mode, password + "-wrong")) {
          check(false, "wrong password accepted (" + mode + ")");
        } catch (SQLException e) {
          check("28P01".equals(e.getSQLState()),
              "wrong password SQLSTATE " + e.getSQLState() + " (" + mode + "): " + e.getMessage());
        }
      }
    });

    try (Connection c = connect("sslmode=disable")) {
      run("prepared statement past prepareThreshold", c, () -> testPrepared(c));
      run("ResultSet getters", c, () -> testGetters(c, false));
      run("batches", c, () -> testBatch(c));
      run("setFetchSize paging", c, () -> testFetchSize(c));
      run("errors and transactions", c, () -> testErrors(c));
    }
    // Binary transfer of every type from the first execution, and forced server prepare.
    try (Connection c = connect("sslmode=disable&prepareThreshold=-1")) {
      run("getters with prepareThreshold=-1 (binary)", c, () -> testGetters(c, false));
    }
    try (Connection c = connect("sslmode=disable&preferQueryMode=simple")) {
      run("getters with preferQueryMode=simple", c, () -> testGetters(c, true));
    }

    if (!failures.isEmpty()) {
      System.err.println(failures.size() + " JDBC check(s) failed");
      System.exit(1);
    }
    System.out.println("all JDBC checks passed");
  }

  static void testPrepared(Connection c) throws SQLException {
    try (PreparedStatement ps =
             c.prepareStatement("SELECT ?::int4 * 2, ?::text || '!', ?::float8 / 2, ?::int8")) {
      for (int i = 0; i < 12; i++) {
        ps.setInt(1, i);
        ps.setString(2, "v" + i);
        ps.setDouble(3, 0.2 * i);
        ps.setLong(4, 9000000000L + i);
        try (ResultSet rs = ps.executeQuery()) {
          check(rs.next(), "execution " + i + ": no row");
          check(rs.getInt(1) == 2 * i, "execution " + i + ": int " + rs.getInt(1));
          check(rs.getString(2).equals("v" + i + "!"), "execution " + i + ": text " + rs.getString(2));
          check(rs.getDouble(3) == 0.2 * i / 2, "execution " + i + ": double " + rs.getDouble(3));
          check(rs.getLong(4) == 9000000000L + i, "execution " + i + ": long " + rs.getLong(4));
          check(!rs.next(), "execution " + i + ": extra row");
        }
      }
      // NULL parameters.
      ps.setNull(1, Types.INTEGER);
      ps.setNull(2, Types.VARCHAR);
      ps.setNull(3, Types.DOUBLE);
      ps.setNull(4, Types.BIGINT);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        rs.getInt(1);
        check(rs.wasNull(), "null int");
        check(rs.getString(2) == null, "null text");
      }
    }
    // A DML statement reused past the threshold.
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS jdbc_prep");
      s.execute("CREATE TABLE jdbc_prep (id int, name text)");
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO jdbc_prep VALUES (?, ?)")) {
      for (int i = 0; i < 10; i++) {
        ps.setInt(1, i);
        ps.setString(2, "n" + i);
        check(ps.executeUpdate() == 1, "insert " + i + " count");
      }
    }
    check(scalarLong(c, "SELECT sum(id) FROM jdbc_prep") == 45, "prepared inserts sum");
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE jdbc_prep");
    }
  }

  // simple: preferQueryMode=simple inlines parameters, which pgjdbc cannot do for bytea.
  static void testGetters(Connection c, boolean simple) throws SQLException {
    String sql = "SELECT 2147483647::int4, 9000000000::int8, 0.1::float8, 12345.67::numeric(10,2), "
        + "'it''s ☃'::text, DATE '2024-02-29', TIMESTAMP '2024-02-29 13:45:06.123456', true, "
        + "'\\x00ff41'::bytea, NULL::int4, -1.5::float4, 32767::int2";
    // Executed several times so the binary (named statement) path is exercised as well.
    for (int round = 0; round < 7; round++) {
      try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
        String r = "round " + round + ": ";
        check(rs.next(), r + "no row");
        check(rs.getInt(1) == 2147483647, r + "getInt " + rs.getInt(1));
        check(rs.getLong(2) == 9000000000L, r + "getLong " + rs.getLong(2));
        check(rs.getDouble(3) == 0.1, r + "getDouble " + rs.getDouble(3));
        check(rs.getString(3).equals("0.1"), r + "float8 getString " + rs.getString(3));
        check(rs.getBigDecimal(4).equals(new BigDecimal("12345.67")),
            r + "getBigDecimal " + rs.getBigDecimal(4));
        check(rs.getString(5).equals("it's ☃"), r + "getString " + rs.getString(5));
        check(rs.getDate(6).toString().equals("2024-02-29"), r + "getDate " + rs.getDate(6));
        check(rs.getTimestamp(7).equals(Timestamp.valueOf("2024-02-29 13:45:06.123456")),
            r + "getTimestamp " + rs.getTimestamp(7));
        check(rs.getBoolean(8), r + "getBoolean");
        check(rs.getString(8).equals("t"), r + "bool getString " + rs.getString(8));
        check(Arrays.equals(rs.getBytes(9), new byte[] {0, (byte) 0xff, 0x41}),
            r + "getBytes " + Arrays.toString(rs.getBytes(9)));
        check(rs.getInt(10) == 0 && rs.wasNull(), r + "null int4");
        check(rs.getObject(10) == null, r + "getObject null");
        check(rs.getFloat(11) == -1.5f, r + "getFloat " + rs.getFloat(11));
        check(rs.getShort(12) == 32767, r + "getShort " + rs.getShort(12));
        check(rs.getObject(1) instanceof Integer && rs.getObject(2) instanceof Long
                && rs.getObject(3) instanceof Double && rs.getObject(4) instanceof BigDecimal
                && rs.getObject(8) instanceof Boolean,
            r + "getObject classes " + rs.getObject(1).getClass() + " " + rs.getObject(2).getClass()
                + " " + rs.getObject(3).getClass() + " " + rs.getObject(4).getClass());
        ResultSetMetaData md = rs.getMetaData();
        String[] types = {"int4", "int8", "float8", "numeric", "text", "date", "timestamp", "bool",
            "bytea", "int4", "float4", "int2"};
        for (int i = 0; i < types.length; i++) {
          check(md.getColumnTypeName(i + 1).equals(types[i]),
              r + "column " + (i + 1) + " type " + md.getColumnTypeName(i + 1) + " want " + types[i]);
        }
        check(!rs.next(), r + "extra row");
      }
    }
    // Parameters of each type bound through setters and returned unchanged.
    try (PreparedStatement ps = c.prepareStatement(
             "SELECT ?::numeric(10,2), ?::date, ?::timestamp, ?::bool, ?::float8"
                 + (simple ? "" : ", ?::bytea"))) {
      for (int round = 0; round < 7; round++) {
        ps.setBigDecimal(1, new BigDecimal("-0.50"));
        ps.setDate(2, Date.valueOf("1999-12-31"));
        ps.setTimestamp(3, Timestamp.valueOf("2000-01-01 00:00:00.000001"));
        ps.setBoolean(4, false);
        ps.setDouble(5, 1e-300);
        if (!simple) ps.setBytes(6, new byte[] {1, 2, 0, (byte) 0x80});
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          check(rs.getBigDecimal(1).equals(new BigDecimal("-0.50")), "param numeric " + rs.getBigDecimal(1));
          check(rs.getDate(2).toString().equals("1999-12-31"), "param date " + rs.getDate(2));
          check(rs.getTimestamp(3).equals(Timestamp.valueOf("2000-01-01 00:00:00.000001")),
              "param timestamp " + rs.getTimestamp(3));
          check(!rs.getBoolean(4) && !rs.wasNull(), "param bool");
          check(rs.getDouble(5) == 1e-300, "param float8 " + rs.getDouble(5));
          if (!simple) {
            check(Arrays.equals(rs.getBytes(6), new byte[] {1, 2, 0, (byte) 0x80}), "param bytea");
          }
        }
      }
    }
  }

  static void testBatch(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS jdbc_batch");
      s.execute("CREATE TABLE jdbc_batch (id int PRIMARY KEY, grp int, name text)");
    }
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO jdbc_batch VALUES (?, ?, ?)")) {
      for (int i = 1; i <= 1000; i++) {
        ps.setInt(1, i);
        ps.setInt(2, i % 10);
        ps.setString(3, "name " + i);
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      check(counts.length == 1000, "batch result length " + counts.length);
      boolean allOne = true;
      for (int n : counts) allOne &= (n == 1 || n == Statement.SUCCESS_NO_INFO);
      check(allOne, "batch counts " + Arrays.toString(Arrays.copyOf(counts, 5)));
    }
    c.commit();
    try (PreparedStatement ps = c.prepareStatement("UPDATE jdbc_batch SET name = ? WHERE grp = ?")) {
      for (int g = 0; g < 3; g++) {
        ps.setString(1, "group " + g);
        ps.setInt(2, g);
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      check(Arrays.equals(counts, new int[] {100, 100, 100}), "update batch counts " + Arrays.toString(counts));
    }
    try (Statement s = c.createStatement()) {
      s.addBatch("INSERT INTO jdbc_batch VALUES (1001, 1, 'x')");
      s.addBatch("DELETE FROM jdbc_batch WHERE id > 990");
      int[] counts = s.executeBatch();
      check(Arrays.equals(counts, new int[] {1, 11}), "statement batch counts " + Arrays.toString(counts));
    }
    c.commit();
    check(scalarLong(c, "SELECT count(*) FROM jdbc_batch") == 990, "rows after batches");
    // A failing batch element raises BatchUpdateException with the SQLSTATE; rollback undoes it.
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO jdbc_batch VALUES (?, 0, 'dup')")) {
      ps.setInt(1, 5000);
      ps.addBatch();
      ps.setInt(1, 1);
      ps.addBatch();
      ps.executeBatch();
      check(false, "duplicate key batch accepted");
    } catch (BatchUpdateException e) {
      String state = e.getSQLState();
      if (e.getNextException() != null) state = e.getNextException().getSQLState();
      check("23505".equals(state), "batch duplicate SQLSTATE " + state);
    }
    c.rollback();
    check(scalarLong(c, "SELECT count(*) FROM jdbc_batch WHERE id = 5000") == 0, "failed batch rolled back");
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE jdbc_batch");
    }
  }

  static void testFetchSize(Connection c) throws SQLException {
    c.setAutoCommit(false);
    int n = 200000;
    try (PreparedStatement ps = c.prepareStatement(
             "SELECT g, 'row ' || g FROM generate_series(1, ?) AS t(g)")) {
      ps.setInt(1, n);
      ps.setFetchSize(1000);
      try (ResultSet rs = ps.executeQuery()) {
        long count = 0, sum = 0;
        boolean inOrder = true;
        while (rs.next()) {
          count++;
          long g = rs.getLong(1);
          sum += g;
          if (g != count || !rs.getString(2).equals("row " + g)) inOrder = false;
          // Another statement between pages must not close or truncate this portal.
          if (count == 50500) {
            check(scalarLong(c, "SELECT 7") == 7, "interleaved query");
          }
        }
        check(count == n, "fetchSize rows " + count);
        check(sum == (long) n * (n + 1) / 2, "fetchSize sum " + sum);
        check(inOrder, "fetchSize order/values");
      }
    }
    // Two paged result sets open at once on one connection.
    try (Statement s1 = c.createStatement(); Statement s2 = c.createStatement()) {
      s1.setFetchSize(100);
      s2.setFetchSize(100);
      try (ResultSet a = s1.executeQuery("SELECT g FROM generate_series(1, 1000) AS t(g)");
           ResultSet b = s2.executeQuery("SELECT g * 10 FROM generate_series(1, 1000) AS t(g)")) {
        long sa = 0, sb = 0;
        int rows = 0;
        while (a.next() && b.next()) {
          sa += a.getLong(1);
          sb += b.getLong(1);
          rows++;
        }
        check(rows == 1000 && sa == 500500 && sb == 5005000,
            "interleaved result sets rows=" + rows + " " + sa + " " + sb);
      }
    }
    c.commit();
    c.setAutoCommit(true);
  }

  static void expectState(Connection c, String sql, String want) {
    String got = sqlState(c, sql);
    check(want.equals(got), sql + ": SQLSTATE " + got + ", want " + want);
  }

  static void testErrors(Connection c) throws SQLException {
    expectState(c, "SELECT * FROM jdbc_no_such_table", "42P01");
    expectState(c, "SELECT no_such_column FROM generate_series(1, 2) AS t(g)", "42703");
    expectState(c, "SELEC 1", "42601");
    expectState(c, "SELECT 1/0", "22012");
    c.setAutoCommit(false);
    expectState(c, "SELECT * FROM jdbc_no_such_table", "42P01");
    expectState(c, "SELECT 1", "25P02");
    c.rollback();
    check(scalarLong(c, "SELECT 3") == 3, "after rollback");
    c.commit();
    c.setAutoCommit(true);
    // Statement timeout through the JDBC API cancels the query (CancelRequest).
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(1);
      long t0 = System.nanoTime();
      try {
        s.executeQuery("SELECT sum(a.x * b.y + c.z) FROM generate_series(1, 100000) AS a(x), "
            + "generate_series(1, 100000) AS b(y), generate_series(1, 100000) AS c(z)");
        check(false, "endless query finished");
      } catch (SQLException e) {
        check("57014".equals(e.getSQLState()), "query timeout SQLSTATE " + e.getSQLState());
      }
      double took = (System.nanoTime() - t0) / 1e9;
      check(took < 6, "query timeout took " + took + " s");
    }
    check(scalarLong(c, "SELECT 4") == 4, "usable after timeout");
  }
}
