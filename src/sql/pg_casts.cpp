#include "sql/pg_casts.h"

#include <duckdb.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/errors.h"
#include "sql/array_literal.h"
#include "sql/pg_text_io.h"

namespace ducklings::sql {
namespace {

using TextWriter = std::function<void(duckdb_vector output, idx_t row, std::string_view text)>;

std::string_view text_of(duckdb_string_t* s) {
  return {duckdb_string_t_data(s), duckdb_string_t_length(*s)};
}

// Runs `write` over each non-NULL input string. A value PostgreSQL refuses fails the cast
// with PostgreSQL's message, or becomes NULL under TRY_CAST.
bool each_text(duckdb_function_info info, idx_t count, duckdb_vector input, duckdb_vector output,
               const TextWriter& write) {
  auto* in = static_cast<duckdb_string_t*>(duckdb_vector_get_data(input));
  uint64_t* in_valid = duckdb_vector_get_validity(input);
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* out_valid = duckdb_vector_get_validity(output);
  bool try_cast = duckdb_cast_function_get_cast_mode(info) == DUCKDB_CAST_TRY;
  bool all = true;
  for (idx_t i = 0; i < count; ++i) {
    if (in_valid && !duckdb_validity_row_is_valid(in_valid, i)) {
      duckdb_validity_set_row_invalid(out_valid, i);
      continue;
    }
    try {
      write(output, i, text_of(&in[i]));
    } catch (const SqlError& e) {
      if (!try_cast) {
        duckdb_cast_function_set_error(info, e.what());
        return false;
      }
      duckdb_cast_function_set_row_error(info, e.what(), i, output);
      all = false;
    }
  }
  return all;
}

template <typename T>
T* data_of(duckdb_vector v) {
  return static_cast<T*>(duckdb_vector_get_data(v));
}

// One scalar of DuckDB type `type` from PostgreSQL's text for it, at `row` of `v`.
void write_scalar(duckdb_type type, duckdb_vector v, idx_t row, std::string_view text) {
  switch (type) {
    case DUCKDB_TYPE_BOOLEAN: data_of<bool>(v)[row] = parse_pg_bool(text); return;
    case DUCKDB_TYPE_SMALLINT:
      data_of<int16_t>(v)[row] = static_cast<int16_t>(parse_pg_int("smallint", text, INT16_MIN, INT16_MAX));
      return;
    case DUCKDB_TYPE_INTEGER:
      data_of<int32_t>(v)[row] = static_cast<int32_t>(parse_pg_int("integer", text, INT32_MIN, INT32_MAX));
      return;
    case DUCKDB_TYPE_BIGINT: data_of<int64_t>(v)[row] = parse_pg_int("bigint", text, INT64_MIN, INT64_MAX); return;
    case DUCKDB_TYPE_FLOAT: data_of<float>(v)[row] = parse_pg_float(text); return;
    case DUCKDB_TYPE_DOUBLE: data_of<double>(v)[row] = parse_pg_double(text); return;
    case DUCKDB_TYPE_VARCHAR: duckdb_vector_assign_string_element_len(v, row, text.data(), text.size()); return;
    case DUCKDB_TYPE_BLOB: {
      std::string bytes = decode_pg_bytea(text);
      duckdb_vector_assign_string_element_len(v, row, bytes.data(), bytes.size());
      return;
    }
    default: throw SqlError("0A000", "this array element type cannot be read from text");
  }
}

// PostgreSQL's arrays take any number of dimensions whatever the declared type; DuckDB's
// lists have one level per dimension of the type.
[[noreturn]] void unsupported_dimensions(int given, int column) {
  throw SqlError("22P02", "malformed array literal: a " + std::to_string(given) +
                              "-dimensional array cannot be stored as a " + std::to_string(column) +
                              "-dimensional one here");
}

int list_depth(duckdb_logical_type type) {
  int depth = 0;
  duckdb_logical_type t = type;
  bool owned = false;
  while (duckdb_get_type_id(t) == DUCKDB_TYPE_LIST) {
    duckdb_logical_type child = duckdb_list_type_child_type(t);
    if (owned) duckdb_destroy_logical_type(&t);
    t = child;
    owned = true;
    ++depth;
  }
  if (owned) duckdb_destroy_logical_type(&t);
  return depth;
}

void set_null(duckdb_vector v, idx_t row) {
  duckdb_vector_ensure_validity_writable(v);
  duckdb_validity_set_row_invalid(duckdb_vector_get_validity(v), row);
}

// The elements of `a` as the list at `row` of `v` (a LIST vector of `type`), appended to
// the list's child vector; sub-arrays recursively.
void write_list(duckdb_vector v, duckdb_logical_type type, idx_t row, const ArrayLiteral& a) {
  duck::LogicalType child_type(duckdb_list_type_child_type(type));
  duckdb_type child_id = duckdb_get_type_id(child_type.get());
  idx_t offset = duckdb_list_vector_get_size(v);
  idx_t n = a.items.size();
  if (duckdb_list_vector_reserve(v, offset + n) != DuckDBSuccess ||
      duckdb_list_vector_set_size(v, offset + n) != DuckDBSuccess) {
    throw SqlError("54000", "array too large");
  }
  data_of<duckdb_list_entry>(v)[row] = {offset, n};
  duckdb_vector child = duckdb_list_vector_get_child(v);
  for (idx_t i = 0; i < n; ++i) {
    const ArrayLiteral& item = a.items[i];
    if (item.is_null) {
      set_null(child, offset + i);
    } else if (child_id == DUCKDB_TYPE_LIST) {
      write_list(child, child_type.get(), offset + i, item);
    } else {
      write_scalar(child_id, child, offset + i, item.text);
    }
  }
}

// PostgreSQL's array text ('{1,2}', '{{a,"b c"},{NULL,d}}'); DuckDB's bracketed form
// ('[1,2]', which this server's COPY produces from PostgreSQL's) reads the same way.
void write_array_text(duckdb_vector output, idx_t row, std::string_view text) {
  std::string braced(text);
  size_t first = braced.find_first_not_of(" \t\n\r\f\v");
  if (first != std::string::npos && braced[first] == '[') {
    bool quoted = false;
    for (size_t i = first; i < braced.size(); ++i) {
      char& c = braced[i];
      if (c == '\\' && quoted) {
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == '[') {
        c = '{';
      } else if (!quoted && c == ']') {
        c = '}';
      }
    }
  }
  std::optional<ArrayLiteral> parsed = parse_array_literal(braced);
  if (!parsed) {
    throw SqlError("22P02", "malformed array literal: \"" + std::string(text) + "\"", 0,
                   "Array value must start with \"{\" or dimension information.");
  }
  duck::LogicalType type(duckdb_vector_get_column_type(output));
  int given = array_dimensions(*parsed);
  int column = list_depth(type.get());
  if (given != 0 && given != column) unsupported_dimensions(given, column);
  write_list(output, type.get(), row, *parsed);
}

bool text_to_scalar(duckdb_function_info info, idx_t count, duckdb_vector input, duckdb_vector output) {
  duck::LogicalType type(duckdb_vector_get_column_type(output));
  duckdb_type id = duckdb_get_type_id(type.get());
  return each_text(info, count, input, output, [id](duckdb_vector v, idx_t row, std::string_view text) {
    write_scalar(id, v, row, text);
  });
}

bool text_to_array(duckdb_function_info info, idx_t count, duckdb_vector input, duckdb_vector output) {
  return each_text(info, count, input, output, write_array_text);
}

// bytea's text is PostgreSQL's hex form (bytea_output = hex), not DuckDB's \xNN escapes.
bool bytea_to_text(duckdb_function_info info, idx_t count, duckdb_vector input, duckdb_vector output) {
  return each_text(info, count, input, output, [](duckdb_vector v, idx_t row, std::string_view bytes) {
    std::string text = encode_pg_bytea(bytes);
    duckdb_vector_assign_string_element_len(v, row, text.data(), text.size());
  });
}

// float8out / float4out: 3 and 1e+20 where DuckDB writes 3.0 and 1e20 (x::text, 'x' || x).
template <typename T>
bool float_to_text(duckdb_function_info, idx_t count, duckdb_vector input, duckdb_vector output) {
  uint64_t* in_valid = duckdb_vector_get_validity(input);
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* out_valid = duckdb_vector_get_validity(output);
  const T* values = data_of<T>(input);
  std::string text;
  for (idx_t i = 0; i < count; ++i) {
    if (in_valid && !duckdb_validity_row_is_valid(in_valid, i)) {
      duckdb_validity_set_row_invalid(out_valid, i);
      continue;
    }
    text.clear();
    append_pg_float(text, values[i], std::is_same_v<T, float>);
    duckdb_vector_assign_string_element_len(output, i, text.data(), text.size());
  }
  return true;
}

void append_list_text(std::string& out, duckdb_vector v, duckdb_logical_type type, idx_t row);

// An array element at `row` of `v` (of DuckDB type `type`) as array_out writes it.
void append_element_text(std::string& out, duckdb_vector v, duckdb_logical_type type, idx_t row) {
  switch (duckdb_get_type_id(type)) {
    case DUCKDB_TYPE_VARCHAR: append_pg_array_element(out, text_of(&data_of<duckdb_string_t>(v)[row])); return;
    case DUCKDB_TYPE_BOOLEAN: out.push_back(data_of<bool>(v)[row] ? 't' : 'f'); return;
    case DUCKDB_TYPE_SMALLINT: out += std::to_string(data_of<int16_t>(v)[row]); return;
    case DUCKDB_TYPE_INTEGER: out += std::to_string(data_of<int32_t>(v)[row]); return;
    case DUCKDB_TYPE_BIGINT: out += std::to_string(data_of<int64_t>(v)[row]); return;
    case DUCKDB_TYPE_FLOAT: append_pg_float(out, data_of<float>(v)[row], true); return;
    case DUCKDB_TYPE_DOUBLE: append_pg_float(out, data_of<double>(v)[row], false); return;
    case DUCKDB_TYPE_BLOB:
      append_pg_array_element(out, encode_pg_bytea(text_of(&data_of<duckdb_string_t>(v)[row])));
      return;
    case DUCKDB_TYPE_LIST: append_list_text(out, v, type, row); return;
    default: throw SqlError("0A000", "this array element type has no text form");
  }
}

// The list at `row` of `v` as PostgreSQL's array text: {1,2}, {{a,"b c"},{NULL,d}}.
void append_list_text(std::string& out, duckdb_vector v, duckdb_logical_type type, idx_t row) {
  duckdb_list_entry entry = data_of<duckdb_list_entry>(v)[row];
  duck::LogicalType child_type(duckdb_list_type_child_type(type));
  duckdb_vector child = duckdb_list_vector_get_child(v);
  uint64_t* valid = duckdb_vector_get_validity(child);
  out.push_back('{');
  for (idx_t i = entry.offset; i < entry.offset + entry.length; ++i) {
    if (i > entry.offset) out.push_back(',');
    if (valid && !duckdb_validity_row_is_valid(valid, i)) {
      out += "NULL";
    } else {
      append_element_text(out, child, child_type.get(), i);
    }
  }
  out.push_back('}');
}

// int[]::text, tags::text: PostgreSQL's array text, not DuckDB's [a, b].
bool array_to_text(duckdb_function_info info, idx_t count, duckdb_vector input, duckdb_vector output) {
  duck::LogicalType type(duckdb_vector_get_column_type(input));
  uint64_t* in_valid = duckdb_vector_get_validity(input);
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* out_valid = duckdb_vector_get_validity(output);
  std::string text;
  try {
    for (idx_t i = 0; i < count; ++i) {
      if (in_valid && !duckdb_validity_row_is_valid(in_valid, i)) {
        duckdb_validity_set_row_invalid(out_valid, i);
        continue;
      }
      text.clear();
      append_list_text(text, input, type.get(), i);
      duckdb_vector_assign_string_element_len(output, i, text.data(), text.size());
    }
  } catch (const SqlError& e) {
    duckdb_cast_function_set_error(info, e.what());
    return false;
  }
  return true;
}

void add_cast(duck::Connection& connection, duckdb_logical_type from, duckdb_logical_type to,
              duckdb_cast_function_t fn) {
  duckdb_cast_function cast = duckdb_create_cast_function();
  duckdb_cast_function_set_source_type(cast, from);
  duckdb_cast_function_set_target_type(cast, to);
  duckdb_cast_function_set_function(cast, fn);
  duckdb_state state = duckdb_register_cast_function(connection.get(), cast);
  duckdb_destroy_cast_function(&cast);
  if (state != DuckDBSuccess) throw std::runtime_error("cannot register a cast from text");
}

}  // namespace

void register_pg_casts(duck::Connection& connection) {
  duck::LogicalType text(duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR));
  duck::LogicalType bytea(duckdb_create_logical_type(DUCKDB_TYPE_BLOB));
  add_cast(connection, bytea.get(), text.get(), bytea_to_text);
  duck::LogicalType real(duckdb_create_logical_type(DUCKDB_TYPE_FLOAT));
  duck::LogicalType double_precision(duckdb_create_logical_type(DUCKDB_TYPE_DOUBLE));
  add_cast(connection, real.get(), text.get(), float_to_text<float>);
  add_cast(connection, double_precision.get(), text.get(), float_to_text<double>);
  const duckdb_type scalars[] = {DUCKDB_TYPE_BOOLEAN, DUCKDB_TYPE_SMALLINT, DUCKDB_TYPE_INTEGER,
                                 DUCKDB_TYPE_BIGINT,  DUCKDB_TYPE_FLOAT,    DUCKDB_TYPE_DOUBLE,
                                 DUCKDB_TYPE_BLOB};
  for (duckdb_type id : scalars) {
    duck::LogicalType scalar(duckdb_create_logical_type(id));
    add_cast(connection, text.get(), scalar.get(), text_to_scalar);
  }
  // Arrays of those and of text, one and two dimensions (DuckDB matches list casts by their
  // element type).
  const duckdb_type elements[] = {DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_BOOLEAN, DUCKDB_TYPE_SMALLINT,
                                  DUCKDB_TYPE_INTEGER, DUCKDB_TYPE_BIGINT,  DUCKDB_TYPE_FLOAT,
                                  DUCKDB_TYPE_DOUBLE,  DUCKDB_TYPE_BLOB};
  for (duckdb_type id : elements) {
    duck::LogicalType element(duckdb_create_logical_type(id));
    duck::LogicalType list(duckdb_create_list_type(element.get()));
    duck::LogicalType matrix(duckdb_create_list_type(list.get()));
    add_cast(connection, text.get(), list.get(), text_to_array);
    add_cast(connection, text.get(), matrix.get(), text_to_array);
    add_cast(connection, list.get(), text.get(), array_to_text);
    add_cast(connection, matrix.get(), text.get(), array_to_text);
  }
}

}  // namespace ducklings::sql
