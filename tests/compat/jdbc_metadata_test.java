// pgjdbc DatabaseMetaData and ResultSetMetaData over the schema in schema.sql: the path of
// Metabase, DBeaver, Looker and Tableau's JDBC connector. Run as a single-file program with
// the pgjdbc jar on the class path; PG* variables come from with_server.py.
import java.nio.file.*;
import java.sql.*;
import java.util.*;

public class JdbcMetadataTest {
  static final List<String> failures = new ArrayList<>();

  static void check(boolean cond, String what) {
    if (!cond) {
      failures.add(what);
      System.err.println("FAIL: " + what);
    }
  }

  static List<String> column(ResultSet rs, String name) throws SQLException {
    List<String> out = new ArrayList<>();
    while (rs.next()) out.add(rs.getString(name));
    rs.close();
    return out;
  }

  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT") + "/"
        + System.getenv("PGDATABASE") + "?sslmode=disable";
    Path schema = Paths.get(System.getProperty("jdk.launcher.sourcefile", "tests/compat/x")).getParent()
        .resolve("schema.sql");
    try (Connection c = DriverManager.getConnection(url, System.getenv("PGUSER"), System.getenv("PGPASSWORD"))) {
      try (Statement s = c.createStatement()) {
        s.execute(Files.readString(schema));
      }
      DatabaseMetaData md = c.getMetaData();
      check(md.getDatabaseProductName().equals("PostgreSQL"), "product " + md.getDatabaseProductName());
      List<String> schemas = column(md.getSchemas(), "TABLE_SCHEM");
      check(schemas.contains("public") && schemas.contains("sales"), "schemas " + schemas);
      check(!schemas.contains("duckgres_catalog"), "internal schema listed " + schemas);
      List<String> tables = column(md.getTables(null, "sales", "%", new String[] {"TABLE"}), "TABLE_NAME");
      check(tables.equals(List.of("regions")), "sales tables " + tables);
      List<String> publicTables = column(md.getTables(null, "public", "%", new String[] {"TABLE"}), "TABLE_NAME");
      check(publicTables.equals(List.of("customers", "orders")), "public tables " + publicTables);
      List<String> views = column(md.getTables(null, "sales", "%", new String[] {"VIEW"}), "TABLE_NAME");
      check(views.equals(List.of("big_orders")), "sales views " + views);

      try (ResultSet rs = md.getColumns(null, "public", "orders", "%")) {
        Map<String, String[]> cols = new LinkedHashMap<>();
        while (rs.next()) {
          cols.put(rs.getString("COLUMN_NAME"), new String[] {rs.getString("TYPE_NAME"),
              rs.getString("COLUMN_SIZE"), rs.getString("DECIMAL_DIGITS"), rs.getString("IS_NULLABLE"),
              rs.getString("DATA_TYPE")});
        }
        check(new ArrayList<>(cols.keySet()).equals(List.of("order_id", "customer_id", "amount", "note", "placed_at")),
            "columns " + cols.keySet());
        check(Arrays.equals(cols.get("order_id"), new String[] {"int8", "19", "0", "NO", String.valueOf(Types.BIGINT)}),
            "order_id " + Arrays.toString(cols.get("order_id")));
        check(Arrays.equals(cols.get("amount"), new String[] {"numeric", "12", "2", "NO", String.valueOf(Types.NUMERIC)}),
            "amount " + Arrays.toString(cols.get("amount")));
        check(Arrays.equals(cols.get("note"), new String[] {"varchar", "40", "0", "YES", String.valueOf(Types.VARCHAR)}),
            "note " + Arrays.toString(cols.get("note")));
        check(cols.get("placed_at") != null && cols.get("placed_at")[0].equals("timestamptz"),
            "placed_at " + Arrays.toString(cols.get("placed_at")));
      }
      List<String> pk = column(md.getPrimaryKeys(null, "public", "orders"), "COLUMN_NAME");
      check(pk.equals(List.of("order_id")), "primary key " + pk);
      try (ResultSet rs = md.getImportedKeys(null, "public", "orders")) {
        boolean found = false;
        while (rs.next()) {
          found = rs.getString("PKTABLE_NAME").equals("customers") && rs.getString("PKCOLUMN_NAME").equals("id")
              && rs.getString("FKCOLUMN_NAME").equals("customer_id");
        }
        check(found, "imported key orders.customer_id -> customers.id");
      }
      List<String> idx = column(md.getIndexInfo(null, "public", "customers", true, false), "COLUMN_NAME");
      check(idx.contains("id") && idx.contains("email"), "unique index columns " + idx);
      try (ResultSet rs = md.getIndexInfo(null, "public", "orders", false, false)) {
        List<String> parts = new ArrayList<>();
        while (rs.next()) {
          if ("orders_placed_customer".equals(rs.getString("INDEX_NAME")))
            parts.add(rs.getInt("ORDINAL_POSITION") + ":" + rs.getString("COLUMN_NAME"));
        }
        check(parts.equals(List.of("1:placed_at", "2:customer_id")), "multi-column index " + parts);
      }
      List<String> types = column(md.getTypeInfo(), "TYPE_NAME");
      check(types.contains("int4") && types.contains("varchar") && types.contains("numeric"), "type info " + types.size());

      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT order_id, amount, note FROM orders")) {
        ResultSetMetaData rmd = rs.getMetaData();
        check(rmd.getColumnType(1) == Types.BIGINT && rmd.getColumnType(2) == Types.NUMERIC
            && rmd.getColumnType(3) == Types.VARCHAR, "result column types " + rmd.getColumnTypeName(1) + ","
            + rmd.getColumnTypeName(2) + "," + rmd.getColumnTypeName(3));
        check(rmd.getTableName(1).equals("orders"), "getTableName [" + rmd.getTableName(1) + "]");
        String baseSchema = rmd.unwrap(org.postgresql.PGResultSetMetaData.class).getBaseSchemaName(1);
        check(baseSchema.equals("public"), "getBaseSchemaName [" + baseSchema + "]");
        check(rmd.isNullable(1) == ResultSetMetaData.columnNoNulls
            && rmd.isNullable(3) == ResultSetMetaData.columnNullable, "isNullable");
      }
      // Joins, aliases and computed columns: only plain columns have a table.
      try (PreparedStatement ps = c.prepareStatement("SELECT o.order_id, c.email AS mail, amount * 2 AS twice, r.* "
               + "FROM orders o JOIN customers c ON c.id = o.customer_id CROSS JOIN sales.regions r WHERE o.order_id = ?")) {
        ps.setLong(1, 10);
        try (ResultSet rs = ps.executeQuery()) {
          ResultSetMetaData rmd = rs.getMetaData();
          List<String> names = new ArrayList<>();
          for (int i = 1; i <= rmd.getColumnCount(); ++i) names.add(rmd.getTableName(i) + "." + rmd.getColumnName(i));
          check(names.equals(List.of("orders.order_id", "customers.mail", ".twice", "regions.code", "regions.name")),
              "join column tables " + names);
          check(rs.next() && rs.getString("mail").equals("a@example.com"), "join row");
        }
      }
      List<String> functions = column(md.getFunctions(null, "pg_catalog", "lower"), "FUNCTION_NAME");
      check(functions.contains("lower"), "getFunctions " + functions);
    }
    if (!failures.isEmpty()) {
      System.err.println(failures.size() + " JDBC metadata check(s) failed");
      System.exit(1);
    }
    System.out.println("all JDBC metadata checks passed");
  }
}
