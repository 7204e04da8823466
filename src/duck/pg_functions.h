// PostgreSQL's string and date/time functions that DuckDB cannot express with its built-ins
// and macros (to_char's templates, to_timestamp's parsing, format(), encode/decode, interval
// arithmetic with PostgreSQL's carry rules), written in C++ over the C API. The rewrites in
// sql/rewrite_functions.cpp turn PostgreSQL's calls into calls of these.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "duck/duck.h"

namespace ducklings::duck {

// Registers the functions in the connection's database (every connection then sees them).
// Some are extra overloads of DuckDB's own names (length(BLOB), octet_length(VARCHAR),
// interval / number); the others are named __pg_*.
void register_pg_functions(Connection& connection, const std::vector<std::string>& unused);

// A time zone of the system's tz database (/usr/share/zoneinfo), as PostgreSQL reads it.
class TimeZone {
 public:
  // nullptr when no such zone exists. UTC, GMT and Z are built in. Cached for the process.
  static const TimeZone* find(const std::string& name);
  // The offset east of UTC in seconds at a UTC instant, and the zone's abbreviation then.
  int32_t offset_at(int64_t utc_seconds, std::string* abbreviation = nullptr) const;
  // The UTC instant of a local wall-clock time (seconds); a time skipped by a DST jump is
  // read with the offset before the jump, as PostgreSQL does.
  int64_t utc_of_local(int64_t local_seconds) const;

 private:
  struct Type {
    int32_t offset;
    bool dst;
    std::string abbreviation;
  };
  std::vector<int64_t> transitions_;      // UTC seconds
  std::vector<uint8_t> transition_types_;  // index into types_
  std::vector<Type> types_;
  size_t initial_type_ = 0;
  bool load(const std::string& path);
};

// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
int64_t days_from_civil(int64_t year, int month, int day);

// PostgreSQL's reading of a SIMILAR TO pattern as a regular expression matching the whole
// string (similar_to_escape): % and _ are .* and ., the escape character (default \) quotes
// the next one. nullopt when the pattern is malformed (a trailing escape).
std::optional<std::string> similar_to_regex(const std::string& pattern,
                                            std::optional<char> escape = '\\');

}  // namespace ducklings::duck
