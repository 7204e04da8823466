// The one table of PostgreSQL types the server speaks (OID, name, length, array type, the
// DuckDB type a value of it becomes), and what is derived from it: the PostgreSQL type of a
// DuckDB column, array and element OIDs, the DuckDB type of a decoded value and of a text
// parameter's cast. The catalog's pg_type rows agree with it (tests/unit/pgwire).
#include <cstring>

#include "pgtypes/pg_type_table.h"
#include "sql/catalog_types.h"

namespace ducklings::pgtypes {
namespace {

constexpr PgTypeInfo kTypes[] = {
    // oid            name           len  array oid             DuckDB value type       cast to
    {oid::kBool, "bool", 1, oid::kBoolArray, DUCKDB_TYPE_BOOLEAN, "BOOLEAN"},
    {oid::kBytea, "bytea", -1, oid::kByteaArray, DUCKDB_TYPE_BLOB, "BLOB"},
    {oid::kChar, "char", 1, oid::kCharArray, DUCKDB_TYPE_VARCHAR, "VARCHAR"},
    {oid::kName, "name", 64, oid::kNameArray, DUCKDB_TYPE_VARCHAR, "VARCHAR"},
    {oid::kInt8, "int8", 8, oid::kInt8Array, DUCKDB_TYPE_BIGINT, "BIGINT"},
    {oid::kInt2, "int2", 2, oid::kInt2Array, DUCKDB_TYPE_SMALLINT, "SMALLINT"},
    {oid::kInt4, "int4", 4, oid::kInt4Array, DUCKDB_TYPE_INTEGER, "INTEGER"},
    {oid::kText, "text", -1, oid::kTextArray, DUCKDB_TYPE_VARCHAR, "VARCHAR"},
    {oid::kOid, "oid", 4, oid::kOidArray, DUCKDB_TYPE_BIGINT, "BIGINT"},
    // JSON is DuckDB's VARCHAR alias: values are VARCHAR, a text parameter is cast to JSON.
    {oid::kJson, "json", -1, oid::kJsonArray, DUCKDB_TYPE_VARCHAR, "JSON"},
    {oid::kFloat4, "float4", 4, oid::kFloat4Array, DUCKDB_TYPE_FLOAT, "FLOAT"},
    {oid::kFloat8, "float8", 8, oid::kFloat8Array, DUCKDB_TYPE_DOUBLE, "DOUBLE"},
    {oid::kBpchar, "bpchar", -1, oid::kBpcharArray, DUCKDB_TYPE_VARCHAR, "VARCHAR"},
    {oid::kVarchar, "varchar", -1, oid::kVarcharArray, DUCKDB_TYPE_VARCHAR, "VARCHAR"},
    {oid::kDate, "date", 4, oid::kDateArray, DUCKDB_TYPE_DATE, "DATE"},
    {oid::kTime, "time", 8, oid::kTimeArray, DUCKDB_TYPE_TIME, "TIME"},
    {oid::kTimestamp, "timestamp", 8, oid::kTimestampArray, DUCKDB_TYPE_TIMESTAMP, "TIMESTAMP"},
    {oid::kTimestamptz, "timestamptz", 8, oid::kTimestamptzArray, DUCKDB_TYPE_TIMESTAMP_TZ,
     "TIMESTAMPTZ"},
    {oid::kInterval, "interval", 16, oid::kIntervalArray, DUCKDB_TYPE_INTERVAL, "INTERVAL"},
    {oid::kTimetz, "timetz", 12, oid::kTimetzArray, DUCKDB_TYPE_TIME_TZ, "TIMETZ"},
    // numeric's DuckDB type depends on the value's scale (DECIMAL(38, s), or DOUBLE), and a
    // text parameter is left to DuckDB's inference, which keeps its digits.
    {oid::kNumeric, "numeric", -1, oid::kNumericArray, DUCKDB_TYPE_DECIMAL, ""},
    {oid::kUuid, "uuid", 16, oid::kUuidArray, DUCKDB_TYPE_UUID, "UUID"},
    {oid::kJsonb, "jsonb", -1, oid::kJsonbArray, DUCKDB_TYPE_VARCHAR, "jsonb"},  // duck/pg_json.h
};

struct TypeMapping {
  PgType pg;
  bool mapped;  // a real PostgreSQL twin (VARCHAR and ENUM count; STRUCT printed as text not)
  bool array;
};

TypeMapping map_type(duckdb_logical_type type) {
  auto scalar = [](int32_t o) {
    const PgTypeInfo* t = pg_type_info(o);
    return TypeMapping{{o, t ? t->length : int16_t{-1}, -1}, true, false};
  };
  switch (duckdb_get_type_id(type)) {
    case DUCKDB_TYPE_BOOLEAN:
      return scalar(oid::kBool);
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_UTINYINT:
      return scalar(oid::kInt2);
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_USMALLINT:
      return scalar(oid::kInt4);
    case DUCKDB_TYPE_BIGINT:
      if (is_catalog_oid(type)) return scalar(oid::kOid);
      return scalar(oid::kInt8);
    case DUCKDB_TYPE_UINTEGER:
      return scalar(oid::kInt8);
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT:
      return scalar(oid::kNumeric);
    case DUCKDB_TYPE_DECIMAL: {
      int32_t typmod =
          ((int32_t{duckdb_decimal_width(type)} << 16) | duckdb_decimal_scale(type)) + 4;
      if (duckdb_decimal_width(type) == 38 && duckdb_decimal_scale(type) == 17)
        typmod = -1;  // numeric
      return TypeMapping{{oid::kNumeric, -1, typmod}, true, false};
    }
    case DUCKDB_TYPE_FLOAT:
      return scalar(oid::kFloat4);
    case DUCKDB_TYPE_DOUBLE:
      return scalar(oid::kFloat8);
    case DUCKDB_TYPE_VARCHAR: {
      char* alias = duckdb_logical_type_get_alias(type);
      bool json = alias && std::strcmp(alias, "JSON") == 0;
      bool jsonb = alias && std::strcmp(alias, "jsonb") == 0;      // duck/pg_json.h
      int32_t catalog = alias ? sql::catalog_type_oid(alias) : 0;  // name, "char", …
      int32_t typmod = alias ? sql::catalog_type_typmod(alias) : -1;
      if (alias) duckdb_free(alias);
      if (catalog) {
        TypeMapping m = scalar(catalog);
        m.pg.typmod = typmod;
        return m;
      }
      return scalar(jsonb ? oid::kJsonb : json ? oid::kJson : oid::kText);
    }
    case DUCKDB_TYPE_ENUM:
      return scalar(oid::kText);
    case DUCKDB_TYPE_BLOB:
      return scalar(oid::kBytea);
    case DUCKDB_TYPE_DATE:
      return scalar(oid::kDate);
    case DUCKDB_TYPE_TIME:
    case DUCKDB_TYPE_TIME_NS:
      return scalar(oid::kTime);
    case DUCKDB_TYPE_TIME_TZ:
      return scalar(oid::kTimetz);
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
      return scalar(oid::kTimestamp);
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return scalar(oid::kTimestamptz);
    case DUCKDB_TYPE_INTERVAL:
      return scalar(oid::kInterval);
    case DUCKDB_TYPE_UUID:
      return scalar(oid::kUuid);
    case DUCKDB_TYPE_BIT:
      return scalar(1560);  // bit: what B'1010' and X'1F' are (sql/rewrite_literals)
    case DUCKDB_TYPE_LIST:
    case DUCKDB_TYPE_ARRAY: {
      bool list = duckdb_get_type_id(type) == DUCKDB_TYPE_LIST;
      duck::LogicalType child(list ? duckdb_list_type_child_type(type)
                                   : duckdb_array_type_child_type(type));
      TypeMapping e = map_type(child.get());
      if (e.mapped) {
        int32_t arr = e.array ? e.pg.oid : array_oid_of(e.pg.oid);
        if (arr != 0) return TypeMapping{{arr, -1, e.pg.typmod}, true, true};
      }
      return TypeMapping{{oid::kText, -1, -1}, false, false};
    }
    default:
      return TypeMapping{{oid::kText, -1, -1}, false, false};
  }
}

}  // namespace

std::span<const PgTypeInfo> pg_type_table() {
  return kTypes;
}

const PgTypeInfo* pg_type_info(int32_t type_oid) {
  for (const auto& t : kTypes) {
    if (t.oid == type_oid) return &t;
  }
  return nullptr;
}

bool is_catalog_oid(duckdb_logical_type type) {
  char* alias = duckdb_logical_type_get_alias(type);
  bool catalog = alias && sql::catalog_type_oid(alias) == oid::kOid;
  if (alias) duckdb_free(alias);
  return catalog;
}

PgType pg_type_of(duckdb_logical_type type) {
  return map_type(type).pg;
}

int32_t array_oid_of(int32_t element_oid) {
  const PgTypeInfo* t = pg_type_info(element_oid);
  return t ? t->array_oid : 0;
}

int32_t element_oid_of(int32_t array_oid) {
  for (const auto& t : kTypes) {
    if (t.array_oid == array_oid) return t.oid;
  }
  return 0;
}

duck::LogicalType element_logical_type(int32_t type_oid, int numeric_scale) {
  if (type_oid == oid::kNumeric && numeric_scale >= 0) {
    return duck::LogicalType(duckdb_create_decimal_type(38, static_cast<uint8_t>(numeric_scale)));
  }
  const PgTypeInfo* t = pg_type_info(type_oid);
  duckdb_type id = !t                               ? DUCKDB_TYPE_VARCHAR
                   : t->duck == DUCKDB_TYPE_DECIMAL ? DUCKDB_TYPE_DOUBLE  // numeric, no scale
                                                    : t->duck;
  return duck::LogicalType(duckdb_create_logical_type(id));
}

std::string duckdb_type_name_of(int32_t type_oid) {
  if (const PgTypeInfo* t = pg_type_info(type_oid)) return t->duck_cast;
  if (int32_t elem = element_oid_of(type_oid); elem != 0) {
    std::string e = duckdb_type_name_of(elem);
    return e.empty() ? e : e + "[]";
  }
  return "";
}

}  // namespace ducklings::pgtypes
