#include "duck/pg_record_json.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "duck/duck.h"
#include "duck/pg_json.h"

namespace ducklings::duck {
namespace {

// A C API string owned here.
struct CString {
  char* p;
  ~CString() { duckdb_free(p); }
  std::string_view view() const { return p ? std::string_view(p) : std::string_view(); }
};

struct TypeHandle {
  duckdb_logical_type t;
  ~TypeHandle() { duckdb_destroy_logical_type(&t); }
};

class Unsupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

bool valid_at(duckdb_vector v, idx_t row) {
  uint64_t* mask = duckdb_vector_get_validity(v);
  return !mask || ((mask[row / 64] >> (row % 64)) & 1);
}

template <typename T>
T at(duckdb_vector v, idx_t row) {
  return static_cast<const T*>(duckdb_vector_get_data(v))[row];
}

void two(std::string& out, int v) {
  out.push_back(static_cast<char>('0' + v / 10 % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

// HH:MM:SS with the microseconds' digits, trailing zeros dropped (PostgreSQL's AppendSeconds).
void clock(std::string& out, int64_t hours, int minutes, int seconds, int64_t micros) {
  if (hours < 10) out.push_back('0');
  out += std::to_string(hours);
  out.push_back(':');
  two(out, minutes);
  out.push_back(':');
  two(out, seconds);
  if (micros > 0) {
    std::string f = std::to_string(micros);
    f.insert(0, 6 - f.size(), '0');
    while (!f.empty() && f.back() == '0') f.pop_back();
    out.push_back('.');
    out += f;
  }
}

void date_text(std::string& out, duckdb_date d) {
  duckdb_date_struct s = duckdb_from_date(d);
  if (s.year <= 0) throw Unsupported("dates before the year 1");
  std::string y = std::to_string(s.year);
  if (y.size() < 4) y.insert(0, 4 - y.size(), '0');
  out += y;
  out.push_back('-');
  two(out, s.month);
  out.push_back('-');
  two(out, s.day);
}

void timestamp_text(std::string& out, int64_t micros) {
  constexpr int64_t kDay = 86400000000LL;
  int64_t days = micros / kDay, rest = micros % kDay;
  if (rest < 0) {
    rest += kDay;
    --days;
  }
  date_text(out, duckdb_date{static_cast<int32_t>(days)});
  out.push_back('T');
  clock(out, rest / 3600000000LL, static_cast<int>(rest / 60000000 % 60), static_cast<int>(rest / 1000000 % 60),
        rest % 1000000);
}

// interval_out with IntervalStyle postgres: "1 year 2 mons -3 days +04:05:06.5".
void interval_text(std::string& out, duckdb_interval iv) {
  bool zero = true, before = false;
  auto part = [&](int64_t value, const char* unit) {
    if (value == 0) return;
    if (!zero) out.push_back(' ');
    if (before && value > 0) out.push_back('+');
    out += std::to_string(value);
    out.push_back(' ');
    out += unit;
    if (value != 1) out.push_back('s');
    zero = false;
    before = value < 0;
  };
  part(iv.months / 12, "year");
  part(iv.months % 12, "mon");
  part(iv.days, "day");
  if (iv.micros != 0 || zero) {
    bool minus = iv.micros < 0;
    int64_t m = std::llabs(iv.micros);
    if (!zero) out.push_back(' ');
    if (minus) {
      out.push_back('-');
    } else if (before) {
      out.push_back('+');
    }
    clock(out, m / 3600000000LL, static_cast<int>(m / 60000000 % 60), static_cast<int>(m / 1000000 % 60), m % 1000000);
  }
}

std::string u128_text(unsigned __int128 v) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v > 0);
  return s;
}

void integer_text(std::string& out, __int128 v) {
  if (v < 0) {
    out.push_back('-');
    out += u128_text(static_cast<unsigned __int128>(-(v + 1)) + 1);
  } else {
    out += u128_text(static_cast<unsigned __int128>(v));
  }
}

// A DECIMAL's digits at its scale; DECIMAL(38,17), numeric without precision (sql/pg_numeric),
// without trailing zeros, as its values print.
void decimal_text(std::string& out, __int128 v, uint8_t width, uint8_t scale) {
  bool negative = v < 0;
  std::string digits = u128_text(negative ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v));
  int shown = scale;
  if (width == 38 && scale == 17) {
    while (shown > 0 && digits.size() > 1 && digits.back() == '0') {
      digits.pop_back();
      --shown;
    }
    if (digits == "0") shown = 0;
  }
  if (digits.size() < static_cast<size_t>(shown) + 1) digits.insert(0, shown + 1 - digits.size(), '0');
  if (negative && digits.find_first_not_of("0") != std::string::npos) out.push_back('-');
  out.append(digits, 0, digits.size() - shown);
  if (shown > 0) out.append(".").append(digits, digits.size() - shown, std::string::npos);
}

// float4 and float8 print their shortest exact digits (0.1::real is 0.1, not 0.100000001…).
template <typename F>
void float_text(std::string& out, F d) {
  if (std::isnan(d)) {
    out += "\"NaN\"";
  } else if (std::isinf(d)) {
    out += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    out.append(buf, r.ptr);
  }
}

struct Context {
  bool utc;  // the session's TimeZone is UTC: timestamptz values show +00:00
};

void write_value(std::string& out, duckdb_vector v, duckdb_logical_type type, idx_t row, const Context& cx);

void write_string(std::string& out, std::string_view s) { append_json_string(out, s); }

std::string_view string_at(duckdb_vector v, idx_t row) {
  auto* s = static_cast<duckdb_string_t*>(duckdb_vector_get_data(v)) + row;
  return {duckdb_string_t_data(s), duckdb_string_t_length(*s)};
}

void write_value(std::string& out, duckdb_vector v, duckdb_logical_type type, idx_t row, const Context& cx) {
  if (!valid_at(v, row)) {
    out += "null";
    return;
  }
  duckdb_type id = duckdb_get_type_id(type);
  switch (id) {
    case DUCKDB_TYPE_BOOLEAN: out += at<bool>(v, row) ? "true" : "false"; return;
    case DUCKDB_TYPE_TINYINT: out += std::to_string(at<int8_t>(v, row)); return;
    case DUCKDB_TYPE_SMALLINT: out += std::to_string(at<int16_t>(v, row)); return;
    case DUCKDB_TYPE_INTEGER: out += std::to_string(at<int32_t>(v, row)); return;
    case DUCKDB_TYPE_BIGINT: out += std::to_string(at<int64_t>(v, row)); return;
    case DUCKDB_TYPE_UTINYINT: out += std::to_string(at<uint8_t>(v, row)); return;
    case DUCKDB_TYPE_USMALLINT: out += std::to_string(at<uint16_t>(v, row)); return;
    case DUCKDB_TYPE_UINTEGER: out += std::to_string(at<uint32_t>(v, row)); return;
    case DUCKDB_TYPE_UBIGINT: out += std::to_string(at<uint64_t>(v, row)); return;
    case DUCKDB_TYPE_HUGEINT: {
      duckdb_hugeint h = at<duckdb_hugeint>(v, row);
      integer_text(out, (static_cast<__int128>(h.upper) << 64) | h.lower);
      return;
    }
    case DUCKDB_TYPE_FLOAT: float_text(out, at<float>(v, row)); return;
    case DUCKDB_TYPE_DOUBLE: float_text(out, at<double>(v, row)); return;
    case DUCKDB_TYPE_DECIMAL: {
      uint8_t width = duckdb_decimal_width(type), scale = duckdb_decimal_scale(type);
      __int128 value = 0;
      switch (duckdb_decimal_internal_type(type)) {
        case DUCKDB_TYPE_SMALLINT: value = at<int16_t>(v, row); break;
        case DUCKDB_TYPE_INTEGER: value = at<int32_t>(v, row); break;
        case DUCKDB_TYPE_BIGINT: value = at<int64_t>(v, row); break;
        default: {
          duckdb_hugeint h = at<duckdb_hugeint>(v, row);
          value = (static_cast<__int128>(h.upper) << 64) | h.lower;
        }
      }
      decimal_text(out, value, width, scale);
      return;
    }
    case DUCKDB_TYPE_VARCHAR: {
      CString alias{duckdb_logical_type_get_alias(type)};
      std::string_view s = string_at(v, row);
      if (alias.view() == "JSON" || alias.view() == kJsonbAlias) {
        out += s;  // already JSON text
      } else {
        write_string(out, s);
      }
      return;
    }
    case DUCKDB_TYPE_BLOB: {
      std::string_view b = string_at(v, row);
      std::string text = "\\x";
      const char* hex = "0123456789abcdef";
      for (unsigned char c : b) {
        text.push_back(hex[c >> 4]);
        text.push_back(hex[c & 15]);
      }
      write_string(out, text);
      return;
    }
    case DUCKDB_TYPE_DATE: {
      out.push_back('"');
      date_text(out, at<duckdb_date>(v, row));
      out.push_back('"');
      return;
    }
    case DUCKDB_TYPE_TIME: {
      int64_t m = at<duckdb_time>(v, row).micros;
      out.push_back('"');
      clock(out, m / 3600000000LL, static_cast<int>(m / 60000000 % 60), static_cast<int>(m / 1000000 % 60), m % 1000000);
      out.push_back('"');
      return;
    }
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
    case DUCKDB_TYPE_TIMESTAMP_TZ: {
      int64_t raw = at<int64_t>(v, row);
      int64_t micros = id == DUCKDB_TYPE_TIMESTAMP_S ? raw * 1000000 : id == DUCKDB_TYPE_TIMESTAMP_MS ? raw * 1000
                       : id == DUCKDB_TYPE_TIMESTAMP_NS ? raw / 1000 : raw;
      if (id == DUCKDB_TYPE_TIMESTAMP_TZ && !cx.utc) {
        throw Unsupported("timestamptz values outside time zone UTC (cast them to text)");
      }
      out.push_back('"');
      timestamp_text(out, micros);
      if (id == DUCKDB_TYPE_TIMESTAMP_TZ) out += "+00:00";
      out.push_back('"');
      return;
    }
    case DUCKDB_TYPE_INTERVAL: {
      std::string text;
      interval_text(text, at<duckdb_interval>(v, row));
      write_string(out, text);
      return;
    }
    case DUCKDB_TYPE_UUID: {
      duckdb_hugeint h = at<duckdb_hugeint>(v, row);
      uint64_t upper = static_cast<uint64_t>(h.upper) ^ (uint64_t{1} << 63);  // stored sign-flipped
      char buf[37];
      const char* hex = "0123456789abcdef";
      int k = 0;
      for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20) buf[k++] = '-';
        uint64_t word = i < 16 ? upper : h.lower;
        buf[k++] = hex[(word >> (60 - 4 * (i % 16))) & 15];
      }
      buf[k] = '\0';
      write_string(out, buf);
      return;
    }
    case DUCKDB_TYPE_ENUM: {
      uint64_t index = 0;
      switch (duckdb_enum_internal_type(type)) {
        case DUCKDB_TYPE_UTINYINT: index = at<uint8_t>(v, row); break;
        case DUCKDB_TYPE_USMALLINT: index = at<uint16_t>(v, row); break;
        default: index = at<uint32_t>(v, row);
      }
      CString label{duckdb_enum_dictionary_value(type, index)};
      write_string(out, label.view());
      return;
    }
    case DUCKDB_TYPE_LIST:
    case DUCKDB_TYPE_ARRAY: {
      bool list = id == DUCKDB_TYPE_LIST;
      TypeHandle child_type{list ? duckdb_list_type_child_type(type) : duckdb_array_type_child_type(type)};
      duckdb_vector child = list ? duckdb_list_vector_get_child(v) : duckdb_array_vector_get_child(v);
      idx_t offset = 0, length = 0;
      if (list) {
        duckdb_list_entry e = at<duckdb_list_entry>(v, row);
        offset = e.offset;
        length = e.length;
      } else {
        length = duckdb_array_type_array_size(type);
        offset = row * length;
      }
      out.push_back('[');
      for (idx_t i = 0; i < length; ++i) {
        if (i > 0) out.push_back(',');
        write_value(out, child, child_type.t, offset + i, cx);
      }
      out.push_back(']');
      return;
    }
    case DUCKDB_TYPE_STRUCT: {
      idx_t n = duckdb_struct_type_child_count(type);
      out.push_back('{');
      for (idx_t i = 0; i < n; ++i) {
        if (i > 0) out.push_back(',');
        CString name{duckdb_struct_type_child_name(type, i)};
        // row(a, b) has unnamed fields: PostgreSQL's record calls them f1, f2, …
        write_string(out, name.view().empty() ? "f" + std::to_string(i + 1) : std::string(name.view()));
        out.push_back(':');
        TypeHandle child_type{duckdb_struct_type_child_type(type, i)};
        write_value(out, duckdb_struct_vector_get_child(v, i), child_type.t, row, cx);
      }
      out.push_back('}');
      return;
    }
    default:
      throw Unsupported("values of this type");
  }
}

bool is_utc(std::string_view tz) {
  for (std::string_view z : {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT", "Universal", "Zulu", "Z"}) {
    if (tz.size() == z.size() && std::equal(tz.begin(), tz.end(), z.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return true;
    }
  }
  return false;
}

// __pgj_record(x, time_zone): x (a record, an array, any value) as PostgreSQL's to_json
// writes it: numerics with their scale, timestamps as ISO 8601 with T, nested records and
// arrays alike.
void record_json(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  duckdb_vector value = duckdb_data_chunk_get_vector(input, 0);
  duckdb_vector zone = duckdb_data_chunk_get_vector(input, 1);
  TypeHandle type{duckdb_vector_get_column_type(value)};
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* ovalid = duckdb_vector_get_validity(output);
  std::string out;
  try {
    for (idx_t r = 0; r < rows; ++r) {
      if (!valid_at(value, r)) {
        duckdb_validity_set_row_invalid(ovalid, r);
        continue;
      }
      Context cx{!valid_at(zone, r) || is_utc(string_at(zone, r))};
      out.clear();
      write_value(out, value, type.t, r, cx);
      duckdb_vector_assign_string_element_len(output, r, out.data(), out.size());
    }
  } catch (const Unsupported& e) {
    duckdb_scalar_function_set_error(
        info, (std::string("[0A000] to_json and row_to_json of ") + e.what() + " are not supported by duckgres").c_str());
  } catch (const std::exception& e) {
    duckdb_scalar_function_set_error(info, e.what());
  }
}

}  // namespace

void register_record_json(duckdb_connection connection) {
  LogicalType json(duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR));
  duckdb_logical_type_set_alias(json.get(), "JSON");
  register_scalar(connection, {"__pgj_record", {DUCKDB_TYPE_ANY, DUCKDB_TYPE_VARCHAR},
                               DUCKDB_TYPE_VARCHAR, json.get(), record_json});
}

}  // namespace ducklings::duck
