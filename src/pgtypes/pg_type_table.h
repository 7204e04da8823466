// The one table of PostgreSQL types the server speaks: OIDs, names, lengths, array types and
// the DuckDB type a value of each becomes, and what is derived from it (the PostgreSQL type of
// a DuckDB column, array and element OIDs, the DuckDB type of a text parameter's cast). The
// wire protocol (pgwire), the gateway's parameter types and the catalog's pg_type agree on it.
#pragma once
#include <duckdb.h>

#include <cstdint>
#include <span>
#include <string>

#include "duck/duck.h"

namespace ducklings::pgtypes {

// Well-known PostgreSQL type OIDs (pg_type.oid).
namespace oid {
constexpr int32_t kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21,
                  kInt4 = 23, kText = 25, kOid = 26, kJson = 114, kFloat4 = 700, kFloat8 = 701,
                  kUnknown = 705, kBpchar = 1042, kVarchar = 1043, kDate = 1082, kTime = 1083,
                  kTimestamp = 1114, kTimestamptz = 1184, kInterval = 1186, kTimetz = 1266,
                  kNumeric = 1700, kUuid = 2950, kJsonb = 3802;
// Array types
constexpr int32_t kBoolArray = 1000, kByteaArray = 1001, kInt2Array = 1005, kInt4Array = 1007,
                  kTextArray = 1009, kVarcharArray = 1015, kInt8Array = 1016, kFloat4Array = 1021,
                  kFloat8Array = 1022, kTimestampArray = 1115, kDateArray = 1182, kTimeArray = 1183,
                  kTimestamptzArray = 1185, kIntervalArray = 1187, kNumericArray = 1231,
                  kUuidArray = 2951, kJsonArray = 199, kJsonbArray = 3807, kCharArray = 1002,
                  kNameArray = 1003, kBpcharArray = 1014, kOidArray = 1028, kTimetzArray = 1270;
}  // namespace oid

// How a column is described in RowDescription.
struct PgType {
  int32_t oid;
  int16_t typlen;  // -1 for variable length
  int32_t typmod;  // -1 when none
};

// A PostgreSQL type of the one table the server speaks (pg_type_table.cpp); its name, length
// and array type agree with the catalog's pg_type.
struct PgTypeInfo {
  int32_t oid;
  const char* name;       // typname
  int16_t length;         // typlen: -1 for variable length
  int32_t array_oid;      // typarray
  duckdb_type duck;       // what a value of it becomes in DuckDB (DECIMAL: numeric)
  const char* duck_cast;  // the DuckDB type a text parameter of it is cast to ("": inferred)
};
std::span<const PgTypeInfo> pg_type_table();
// The table's entry for `type_oid`, nullptr when it has none.
const PgTypeInfo* pg_type_info(int32_t type_oid);

// The PostgreSQL type a DuckDB column is presented as (text OID 25 when it has no twin).
PgType pg_type_of(duckdb_logical_type type);

// The array type OID of an element type OID, 0 when there is none.
int32_t array_oid_of(int32_t element_oid);
// The element type OID of an array type OID, 0 when it is not an array.
int32_t element_oid_of(int32_t array_oid);
// The DuckDB type of a decoded value of PostgreSQL type `type_oid` (for building LIST values);
// numeric is DECIMAL(38, numeric_scale), or DOUBLE when the scale is negative.
duck::LogicalType element_logical_type(int32_t type_oid, int numeric_scale);
// A BIGINT the catalog declares as oid (pg_class.oid & co, sql/catalog_types.h).
bool is_catalog_oid(duckdb_logical_type type);

// The DuckDB type name to cast a text parameter to for a PostgreSQL type OID ("" = leave it
// to DuckDB's inference).
std::string duckdb_type_name_of(int32_t type_oid);

}  // namespace ducklings::pgtypes
