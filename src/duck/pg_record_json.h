// to_json of records and arrays as PostgreSQL writes them (row_to_json(t), json_agg(t),
// to_json(row(…))): DuckDB's own JSON of a STRUCT prints numerics without their scale and
// timestamps with a blank.
#pragma once
#include <duckdb.h>

namespace ducklings::duck {

// Registers __pgj_record(value ANY, time_zone VARCHAR) → JSON: the value's JSON text, records as
// objects of their fields, arrays as arrays; timestamptz values only in a UTC session (0A000
// otherwise). Once per DuckDB instance.
void register_record_json(duckdb_connection connection);

}  // namespace ducklings::duck
