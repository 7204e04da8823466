// Text and binary encoders that read result values straight from DuckDB vectors: one node
// per (nested) type, in PostgreSQL's format where the type has a PostgreSQL twin and in
// DuckDB's VARCHAR cast where it has not.
#include <algorithm>
#include <vector>

#include "duck/pg_functions.h"
#include "sql/catalog.h"
#include "sql/catalog_types.h"
#include "pgwire/pg_types.h"
#include "pgwire/value_format.h"

namespace ducklings::pgwire {
namespace {
using namespace value_format;

// ---------------------------------------------------------------------------------------------
// Encoder nodes: one per (nested) type, pointed at the matching (child) vector.

class Node {
 public:
  Node(int32_t oid, bool mapped) : oid_(oid), mapped_(mapped) {}
  virtual ~Node() = default;
  virtual void set_vector(duckdb_vector v) {
    data_ = duckdb_vector_get_data(v);
    validity_ = duckdb_vector_get_validity(v);
  }
  // Same bit test as duckdb_validity_row_is_valid, inlined: it runs once per value.
  bool is_null(idx_t row) const { return validity_ && !((validity_[row >> 6] >> (row & 63)) & 1); }
  // PostgreSQL text output (for unmapped types: DuckDB's VARCHAR cast).
  virtual void text(idx_t row, std::string& out) = 0;
  // PostgreSQL binary output (for unmapped types: the text form).
  virtual void binary(idx_t row, std::string& out) { text(row, out); }
  // DuckDB's VARCHAR cast, used for values nested in STRUCT, MAP, UNION and unmapped lists.
  virtual void duck_text(idx_t row, std::string& out) { text(row, out); }
  // Lists, arrays, structs and maps print their own brackets and are never quoted.
  virtual bool nested() const { return false; }
  // A PostgreSQL array (the list maps to an array OID).
  virtual bool pg_array() const { return false; }

  int32_t oid() const { return oid_; }
  bool mapped() const { return mapped_; }

 protected:
  template <typename T>
  const T& at(idx_t row) const {
    return static_cast<const T*>(data_)[row];
  }
  int32_t oid_;
  bool mapped_;
  void* data_ = nullptr;
  uint64_t* validity_ = nullptr;
};

// Appends a value nested in a DuckDB-style container, quoting scalars like DuckDB does.
void append_duck_element(Node& child, idx_t idx, std::string& out, std::string& scratch) {
  if (child.is_null(idx)) {
    out += "NULL";
    return;
  }
  if (child.nested()) {
    child.duck_text(idx, out);
    return;
  }
  size_t at = out.size();
  child.duck_text(idx, out);
  if (duck_needs_quotes(std::string_view(out).substr(at))) quote_tail(out, at, '\'', scratch);
}

class BoolNode : public Node {
 public:
  BoolNode() : Node(oid::kBool, true) {}
  void text(idx_t row, std::string& out) override { out.push_back(at<bool>(row) ? 't' : 'f'); }
  void binary(idx_t row, std::string& out) override { out.push_back(at<bool>(row) ? 1 : 0); }
  void duck_text(idx_t row, std::string& out) override { out += at<bool>(row) ? "true" : "false"; }
};

// Integers whose PostgreSQL twin is int2/int4/int8 of width `Wire`.
template <typename T, typename Wire>
class IntNode : public Node {
 public:
  explicit IntNode(int32_t oid) : Node(oid, true) {}
  void text(idx_t row, std::string& out) override { append_int(out, at<T>(row)); }
  void binary(idx_t row, std::string& out) override { put_be(out, static_cast<Wire>(at<T>(row))); }
};

// Integers only numeric can hold: UBIGINT, HUGEINT, UHUGEINT.
template <typename T>
class WideIntNode : public Node {
 public:
  WideIntNode() : Node(oid::kNumeric, true) {}
  void text(idx_t row, std::string& out) override {
    if constexpr (std::is_same_v<T, uint64_t>)
      append_int(out, at<T>(row));
    else if constexpr (std::is_same_v<T, duckdb_hugeint>)
      append_i128(out, to_i128(at<T>(row)));
    else
      append_u128(out, to_u128(at<T>(row)));
  }
  void binary(idx_t row, std::string& out) override {
    if constexpr (std::is_same_v<T, uint64_t>)
      append_numeric_binary(out, static_cast<u128>(at<T>(row)), false, 0);
    else if constexpr (std::is_same_v<T, duckdb_hugeint>)
      append_numeric_binary(out, to_i128(at<T>(row)), 0);
    else
      append_numeric_binary(out, to_u128(at<T>(row)), false, 0);
  }
};

template <typename T>
class DecimalNode : public Node {
 public:
  explicit DecimalNode(int scale, bool trim = false) : Node(oid::kNumeric, true), scale_(scale), trim_(trim) {}
  void text(idx_t row, std::string& out) override {
    Chars c;
    int scale = scale_;
    i128 v = trimmed(value(row), scale);
    append_decimal_text(c, v, scale);
    c.flush_to(out);
  }
  void binary(idx_t row, std::string& out) override {
    Chars c;
    int scale = scale_;
    i128 v = trimmed(value(row), scale);
    append_numeric_binary(c, v, scale);
    c.flush_to(out);
  }

 private:
  i128 value(idx_t row) const {
    if constexpr (std::is_same_v<T, duckdb_hugeint>)
      return to_i128(at<T>(row));
    else
      return at<T>(row);
  }
  // Without its trailing zeros when trim_ (down to `scale` digits after the point).
  i128 trimmed(i128 v, int& scale) const {
    while (trim_ && scale > 0 && v % 10 == 0) {
      v /= 10;
      --scale;
    }
    return v;
  }
  int scale_;
  bool trim_;
};

template <typename F>
class FloatNode : public Node {
 public:
  explicit FloatNode(int extra_float_digits)
      : Node(sizeof(F) == 4 ? oid::kFloat4 : oid::kFloat8, true),
        precision_(extra_float_digits > 0 ? 0 : std::max(1, (sizeof(F) == 4 ? 6 : 15) + extra_float_digits)) {}
  void text(idx_t row, std::string& out) override {
    Chars c;
    append_float(c, at<F>(row), false, precision_);
    c.flush_to(out);
  }
  void binary(idx_t row, std::string& out) override {
    using U = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
    U bits;
    F v = at<F>(row);
    std::memcpy(&bits, &v, sizeof(F));
    put_be(out, bits);
  }
  void duck_text(idx_t row, std::string& out) override { append_float(out, at<F>(row), true); }

 private:
  int precision_;  // 0: the shortest digits that read back the same (extra_float_digits >= 1)
};

constexpr int32_t kRegproc = 24;

// VARCHAR and JSON: the bytes as they are, in either format.
class VarcharNode : public Node {
 public:
  explicit VarcharNode(int32_t oid) : Node(oid, true) {}
  void text(idx_t row, std::string& out) override {
    out.append(string_at(static_cast<const duckdb_string_t*>(data_), row));
  }
  void binary(idx_t row, std::string& out) override {
    if (oid() == oid::kJsonb) out.push_back(1);  // jsonb's binary format: version 1, then the text
    if (oid() == kRegproc) {
      // regproc's binary format is the function's 4-byte oid.
      int64_t function = sql::builtin_function_oid(string_at(static_cast<const duckdb_string_t*>(data_), row));
      put_be(out, static_cast<uint32_t>(function < 0 ? 0 : function));
      return;
    }
    text(row, out);
  }
};

class BlobNode : public Node {
 public:
  BlobNode() : Node(oid::kBytea, true) {}
  void text(idx_t row, std::string& out) override {
    std::string_view s = string_at(static_cast<const duckdb_string_t*>(data_), row);
    out += "\\x";
    for (char c : s) append_hex_byte(out, static_cast<uint8_t>(c), "0123456789abcdef");
  }
  void binary(idx_t row, std::string& out) override {
    out.append(string_at(static_cast<const duckdb_string_t*>(data_), row));
  }
  void duck_text(idx_t row, std::string& out) override {
    for (char c : string_at(static_cast<const duckdb_string_t*>(data_), row)) {
      auto b = static_cast<uint8_t>(c);
      if (b >= 32 && b <= 126 && c != '\\' && c != '\'' && c != '"') {
        out.push_back(c);
      } else {
        out += "\\x";
        append_hex_byte(out, b, "0123456789ABCDEF");
      }
    }
  }
};

class DateNode : public Node {
 public:
  DateNode() : Node(oid::kDate, true) {}
  void text(idx_t row, std::string& out) override {
    Chars c;
    append_date(c, at<int32_t>(row), false);
    c.flush_to(out);
  }
  void binary(idx_t row, std::string& out) override {
    int32_t d = at<int32_t>(row);
    if (d == kDateInfinity)
      put_i32(out, std::numeric_limits<int32_t>::max());
    else if (d == kDateNegInfinity)
      put_i32(out, std::numeric_limits<int32_t>::min());
    else
      put_i32(out, static_cast<int32_t>(int64_t{d} - kPgEpochDays));
  }
  void duck_text(idx_t row, std::string& out) override { append_date(out, at<int32_t>(row), true); }
};

// TIME (micros) and TIME_NS (nanos).
class TimeNode : public Node {
 public:
  explicit TimeNode(bool nanos) : Node(oid::kTime, true), nanos_(nanos) {}
  void text(idx_t row, std::string& out) override {
    Chars c;
    append_clock(c, static_cast<uint64_t>(micros(row)), kMicrosPerSecond, 6);
    c.flush_to(out);
  }
  void binary(idx_t row, std::string& out) override { put_i64(out, micros(row)); }
  void duck_text(idx_t row, std::string& out) override {
    if (nanos_)
      append_clock(out, static_cast<uint64_t>(at<int64_t>(row)), 1000000000, 9);
    else
      text(row, out);
  }

 private:
  int64_t micros(idx_t row) const { return nanos_ ? at<int64_t>(row) / 1000 : at<int64_t>(row); }
  bool nanos_;
};

class TimeTzNode : public Node {
 public:
  TimeTzNode() : Node(oid::kTimetz, true) {}
  void text(idx_t row, std::string& out) override {
    int64_t micros;
    int32_t east;
    split_time_tz(at<uint64_t>(row), micros, east);
    append_clock(out, static_cast<uint64_t>(micros), kMicrosPerSecond, 6);
    append_tz(out, east);
  }
  void binary(idx_t row, std::string& out) override {
    int64_t micros;
    int32_t east;
    split_time_tz(at<uint64_t>(row), micros, east);
    put_i64(out, micros);
    put_i32(out, -east);  // PostgreSQL stores seconds west of UTC
  }
};

// TIMESTAMP in any unit, and TIMESTAMP WITH TIME ZONE (micros).
class TimestampNode : public Node {
 public:
  TimestampNode(int64_t units_per_sec, bool with_tz, int32_t utc_offset,
                const duck::TimeZone* zone = nullptr)
      : Node(with_tz ? oid::kTimestamptz : oid::kTimestamp, true),
        units_per_sec_(units_per_sec),
        with_tz_(with_tz),
        offset_(utc_offset),
        zone_(zone) {}
  void text(idx_t row, std::string& out) override {
    Chars c;
    zone_offset(micros(at<int64_t>(row)));
    append_timestamp(c, micros(at<int64_t>(row)), kMicrosPerSecond, 6,
                     with_tz_ ? &offset_ : nullptr, false);
    c.flush_to(out);
  }
  void binary(idx_t row, std::string& out) override {
    int64_t v = at<int64_t>(row);
    if (v == kTsInfinity) {
      put_i64(out, std::numeric_limits<int64_t>::max());
      return;
    }
    if (v == kTsNegInfinity) {
      put_i64(out, std::numeric_limits<int64_t>::min());
      return;
    }
    put_i64(out, micros(v) - kPgEpochMicros);
  }
  void duck_text(idx_t row, std::string& out) override {
    int64_t v = at<int64_t>(row);
    zone_offset(micros(v));
    if (units_per_sec_ == 1000000000)
      append_timestamp(out, v, units_per_sec_, 9, with_tz_ ? &offset_ : nullptr, true);
    else
      append_timestamp(out, micros(v), kMicrosPerSecond, 6, with_tz_ ? &offset_ : nullptr, true);
  }

 private:
  // PostgreSQL keeps microseconds; infinities stay as they are in every unit.
  int64_t micros(int64_t v) const {
    if (v == kTsInfinity || v == kTsNegInfinity || units_per_sec_ == kMicrosPerSecond) return v;
    if (units_per_sec_ == 1000000000) return floor_div(v, 1000);
    int64_t us;
    if (__builtin_mul_overflow(v, kMicrosPerSecond / units_per_sec_, &us))
      return v < 0 ? kTsNegInfinity : kTsInfinity;
    return us;
  }
  // The offset in force at that instant (daylight saving time) when the zone is known.
  void zone_offset(int64_t us) {
    if (zone_ && with_tz_ && us != kTsInfinity && us != kTsNegInfinity) {
      offset_ = zone_->offset_at(floor_div(us, kMicrosPerSecond));
    }
  }
  int64_t units_per_sec_;
  bool with_tz_;
  int32_t offset_;
  const duck::TimeZone* zone_;
};

class IntervalNode : public Node {
 public:
  IntervalNode() : Node(oid::kInterval, true) {}
  void text(idx_t row, std::string& out) override {
    append_pg_interval(out, at<duckdb_interval>(row));
  }
  void binary(idx_t row, std::string& out) override {
    const auto& iv = at<duckdb_interval>(row);
    put_i64(out, iv.micros);
    put_i32(out, iv.days);
    put_i32(out, iv.months);
  }
  void duck_text(idx_t row, std::string& out) override {
    append_duck_interval(out, at<duckdb_interval>(row));
  }
};

class UuidNode : public Node {
 public:
  UuidNode() : Node(oid::kUuid, true) {}
  void text(idx_t row, std::string& out) override {
    uint8_t b[16];
    uuid_bytes(at<duckdb_hugeint>(row), b);
    for (int i = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
      append_hex_byte(out, b[i], "0123456789abcdef");
    }
  }
  void binary(idx_t row, std::string& out) override {
    uint8_t b[16];
    uuid_bytes(at<duckdb_hugeint>(row), b);
    out.append(reinterpret_cast<const char*>(b), 16);
  }
};

// ENUM: the dictionary is copied once, values are indexes into it.
template <typename T>
class EnumNode : public Node {
 public:
  explicit EnumNode(duckdb_logical_type type) : Node(oid::kText, true) {
    uint32_t n = duckdb_enum_dictionary_size(type);
    dict_.reserve(n);
    for (uint32_t i = 0; i < n; i++) {
      char* s = duckdb_enum_dictionary_value(type, i);
      dict_.emplace_back(s ? s : "");
      if (s) duckdb_free(s);
    }
  }
  void text(idx_t row, std::string& out) override {
    auto i = static_cast<size_t>(at<T>(row));
    if (i < dict_.size()) out += dict_[i];
  }

 private:
  std::vector<std::string> dict_;
};

// BIT: first byte counts the padding bits at the top of the second byte.
class BitNode : public Node {
 public:
  BitNode() : Node(1560, false) {}  // bit
  void text(idx_t row, std::string& out) override {
    std::string_view s = string_at(static_cast<const duckdb_string_t*>(data_), row);
    if (s.empty()) return;
    auto padding = static_cast<uint8_t>(s[0]);
    size_t nbits = (s.size() - 1) * 8;
    for (size_t i = padding; i < nbits; i++) {
      auto byte = static_cast<uint8_t>(s[1 + i / 8]);
      out.push_back((byte >> (7 - i % 8)) & 1 ? '1' : '0');
    }
  }
};

// BIGNUM (VARINT): 3-byte header with sign and length, then big-endian magnitude; negative
// numbers have every bit inverted.
class BignumNode : public Node {
 public:
  BignumNode() : Node(oid::kText, false) {}
  void text(idx_t row, std::string& out) override {
    std::string_view s = string_at(static_cast<const duckdb_string_t*>(data_), row);
    if (s.size() < 3) return;
    bool neg = !(static_cast<uint8_t>(s[0]) & 0x80);
    // Magnitude as base-1e9 limbs, little end first, built by repeated multiply-add.
    limbs_.clear();
    for (size_t i = 3; i < s.size(); i++) {
      uint32_t byte = static_cast<uint8_t>(neg ? ~s[i] : s[i]);
      uint64_t carry = byte;
      for (auto& limb : limbs_) {
        uint64_t v = uint64_t{limb} * 256 + carry;
        limb = static_cast<uint32_t>(v % 1000000000);
        carry = v / 1000000000;
      }
      while (carry) {
        limbs_.push_back(static_cast<uint32_t>(carry % 1000000000));
        carry /= 1000000000;
      }
    }
    if (limbs_.empty()) {
      out.push_back('0');
      return;
    }
    if (neg) out.push_back('-');
    append_int(out, limbs_.back());
    for (size_t i = limbs_.size() - 1; i-- > 0;) append_padded(out, limbs_[i], 9);
  }

 private:
  std::vector<uint32_t> limbs_;
};

// Types with no encoder (e.g. SQLNULL): every value prints empty.
class EmptyNode : public Node {
 public:
  EmptyNode() : Node(oid::kText, false) {}
  void text(idx_t, std::string&) override {}
};

std::unique_ptr<Node> make_node(duckdb_logical_type type, const EncodeOptions& options);

// LIST and ARRAY: a PostgreSQL array when the element type maps, else DuckDB's `[a, b]`.
class SequenceNode : public Node {
 public:
  SequenceNode(std::unique_ptr<Node> child, idx_t fixed_size)
      : Node(oid::kText, false), child_(std::move(child)), fixed_size_(fixed_size) {
    if (!child_->mapped()) return;
    if (child_->pg_array()) {
      // A list of arrays is one more dimension of the same PostgreSQL array type.
      auto* inner = static_cast<SequenceNode*>(child_.get());
      oid_ = inner->oid_;
      leaf_oid_ = inner->leaf_oid_;
      depth_ = inner->depth_ + 1;
      mapped_ = true;
    } else if (int32_t arr = array_oid_of(child_->oid()); arr != 0) {
      oid_ = arr;
      leaf_oid_ = child_->oid();
      depth_ = 1;
      mapped_ = true;
    }
  }
  bool nested() const override { return true; }
  bool pg_array() const override { return mapped_; }

  void set_vector(duckdb_vector v) override {
    Node::set_vector(v);
    child_->set_vector(fixed_size_ ? duckdb_array_vector_get_child(v)
                                   : duckdb_list_vector_get_child(v));
  }
  duckdb_list_entry entry(idx_t row) const {
    if (fixed_size_) return {row * fixed_size_, fixed_size_};
    return at<duckdb_list_entry>(row);
  }

  void text(idx_t row, std::string& out) override {
    if (!mapped_) {
      duck_text(row, out);
      return;
    }
    auto e = entry(row);
    out.push_back('{');
    for (idx_t i = 0; i < e.length; i++) {
      if (i) out.push_back(',');
      idx_t idx = e.offset + i;
      if (child_->is_null(idx)) {
        out += "NULL";
      } else if (child_->pg_array()) {
        child_->text(idx, out);
      } else {
        size_t at = out.size();
        child_->text(idx, out);
        if (pg_needs_quotes(std::string_view(out).substr(at))) quote_tail(out, at, '"', scratch_);
      }
    }
    out.push_back('}');
  }

  void duck_text(idx_t row, std::string& out) override {
    auto e = entry(row);
    out.push_back('[');
    for (idx_t i = 0; i < e.length; i++) {
      if (i) out += ", ";
      append_duck_element(*child_, e.offset + i, out, scratch_);
    }
    out.push_back(']');
  }

  void binary(idx_t row, std::string& out) override {
    if (!mapped_) {
      duck_text(row, out);
      return;
    }
    // PostgreSQL arrays are rectangular: take each dimension from the first element at that
    // level and insist every sub-list matches it.
    std::array<int32_t, 8> dims{};
    if (depth_ > static_cast<int>(dims.size()))
      throw SqlError("54000", "number of array dimensions exceeds the maximum allowed (6)");
    SequenceNode* node = this;
    idx_t r = row;
    bool empty = false;
    for (int d = 0; d < depth_; d++) {
      auto e = node->entry(r);
      dims[d] = static_cast<int32_t>(e.length);
      if (e.length == 0) {
        empty = true;
        break;
      }
      if (d + 1 < depth_) {
        if (node->child_->is_null(e.offset)) throw ragged();
        r = e.offset;
        node = static_cast<SequenceNode*>(node->child_.get());
      }
    }
    if (empty) {
      put_i32(out, 0);
      put_i32(out, 0);
      put_i32(out, leaf_oid_);
      return;
    }
    put_i32(out, depth_);
    size_t flag_at = out.size();
    put_i32(out, 0);
    put_i32(out, leaf_oid_);
    for (int d = 0; d < depth_; d++) {
      put_i32(out, dims[d]);
      put_i32(out, 1);
    }
    bool has_null = false;
    write_elements(row, dims.data(), out, has_null);
    if (has_null) patch_i32(out, flag_at, 1);
  }

 private:
  static SqlError ragged() {
    return SqlError("2202E",
                    "multidimensional arrays must have sub-arrays with matching dimensions");
  }
  void write_elements(idx_t row, const int32_t* dims, std::string& out, bool& has_null) {
    auto e = entry(row);
    if (static_cast<int64_t>(e.length) != dims[0]) throw ragged();
    bool leaf = !child_->pg_array();
    for (idx_t i = 0; i < e.length; i++) {
      idx_t idx = e.offset + i;
      if (child_->is_null(idx)) {
        if (!leaf) throw ragged();
        put_i32(out, -1);
        has_null = true;
      } else if (leaf) {
        size_t at = out.size();
        put_i32(out, 0);
        child_->binary(idx, out);
        patch_i32(out, at, static_cast<int32_t>(out.size() - at - 4));
      } else {
        static_cast<SequenceNode*>(child_.get())->write_elements(idx, dims + 1, out, has_null);
      }
    }
  }

  std::unique_ptr<Node> child_;
  idx_t fixed_size_;
  int32_t leaf_oid_ = 0;
  int depth_ = 0;
  std::string scratch_;
};

// STRUCT as DuckDB prints it: {'a': 1, 'b': text}; unnamed structs as (1, text).
class StructNode : public Node {
 public:
  explicit StructNode(duckdb_logical_type type, const EncodeOptions& options)
      : Node(oid::kText, false) {
    idx_t n = duckdb_struct_type_child_count(type);
    bool any_name = false;
    for (idx_t i = 0; i < n; i++) {
      char* name = duckdb_struct_type_child_name(type, i);
      std::string key = "'";
      for (const char* p = name; p && *p; p++) {
        if (*p == '\'' || *p == '\\') key.push_back('\\');
        key.push_back(*p);
      }
      key += "': ";
      any_name = any_name || (name && *name);
      if (name) duckdb_free(name);
      keys_.push_back(std::move(key));
      duck::LogicalType child(duckdb_struct_type_child_type(type, i));
      children_.push_back(make_node(child.get(), options));
    }
    unnamed_ = !any_name;
  }
  bool nested() const override { return true; }
  void set_vector(duckdb_vector v) override {
    Node::set_vector(v);
    for (size_t i = 0; i < children_.size(); i++)
      children_[i]->set_vector(duckdb_struct_vector_get_child(v, i));
  }
  void text(idx_t row, std::string& out) override {
    if (!unnamed_) {
      duck_text(row, out);
      return;
    }
    // ROW(1, 'a b') as PostgreSQL's record_out writes it: (1,"a b"), NULL as nothing.
    out.push_back('(');
    for (size_t i = 0; i < children_.size(); i++) {
      if (i) out.push_back(',');
      if (children_[i]->is_null(row)) continue;
      size_t at = out.size();
      children_[i]->text(row, out);
      std::string_view v = std::string_view(out).substr(at);
      bool quote = v.empty();
      for (char c : v) {
        if (c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || pg_array_isspace(c)) quote = true;
      }
      if (!quote) continue;
      scratch_.assign("\"");
      for (char c : v) {
        if (c == '"' || c == '\\') scratch_.push_back(c);
        scratch_.push_back(c);
      }
      scratch_.push_back('"');
      out.replace(at, std::string::npos, scratch_);
    }
    out.push_back(')');
  }
  void duck_text(idx_t row, std::string& out) override {
    out.push_back(unnamed_ ? '(' : '{');
    for (size_t i = 0; i < children_.size(); i++) {
      if (i) out += ", ";
      if (!unnamed_) out += keys_[i];
      append_duck_element(*children_[i], row, out, scratch_);
    }
    out.push_back(unnamed_ ? ')' : '}');
  }

 private:
  std::vector<std::string> keys_;
  std::vector<std::unique_ptr<Node>> children_;
  bool unnamed_ = false;
  std::string scratch_;
};

// MAP as DuckDB prints it: {k=v, k2=v2}. Physically a LIST of STRUCT(key, value).
class MapNode : public Node {
 public:
  MapNode(duckdb_logical_type type, const EncodeOptions& options) : Node(oid::kText, false) {
    duck::LogicalType k(duckdb_map_type_key_type(type));
    duck::LogicalType v(duckdb_map_type_value_type(type));
    key_ = make_node(k.get(), options);
    value_ = make_node(v.get(), options);
  }
  bool nested() const override { return true; }
  void set_vector(duckdb_vector v) override {
    Node::set_vector(v);
    duckdb_vector entries = duckdb_list_vector_get_child(v);
    key_->set_vector(duckdb_struct_vector_get_child(entries, 0));
    value_->set_vector(duckdb_struct_vector_get_child(entries, 1));
  }
  void text(idx_t row, std::string& out) override { duck_text(row, out); }
  void duck_text(idx_t row, std::string& out) override {
    auto e = at<duckdb_list_entry>(row);
    out.push_back('{');
    for (idx_t i = 0; i < e.length; i++) {
      if (i) out += ", ";
      append_duck_element(*key_, e.offset + i, out, scratch_);
      out.push_back('=');
      append_duck_element(*value_, e.offset + i, out, scratch_);
    }
    out.push_back('}');
  }

 private:
  std::unique_ptr<Node> key_, value_;
  std::string scratch_;
};

// UNION prints its active member. Physically a STRUCT whose child 0 is the tag.
class UnionNode : public Node {
 public:
  UnionNode(duckdb_logical_type type, const EncodeOptions& options) : Node(oid::kText, false) {
    idx_t n = duckdb_union_type_member_count(type);
    for (idx_t i = 0; i < n; i++) {
      duck::LogicalType m(duckdb_union_type_member_type(type, i));
      members_.push_back(make_node(m.get(), options));
    }
  }
  void set_vector(duckdb_vector v) override {
    Node::set_vector(v);
    duckdb_vector tags = duckdb_struct_vector_get_child(v, 0);
    tags_ = static_cast<const uint8_t*>(duckdb_vector_get_data(tags));
    for (size_t i = 0; i < members_.size(); i++)
      members_[i]->set_vector(duckdb_struct_vector_get_child(v, i + 1));
  }
  void text(idx_t row, std::string& out) override { duck_text(row, out); }
  void duck_text(idx_t row, std::string& out) override {
    size_t tag = tags_[row];
    if (tag >= members_.size()) return;
    Node& m = *members_[tag];
    if (m.is_null(row))
      out += "NULL";
    else
      m.duck_text(row, out);
  }

 private:
  std::vector<std::unique_ptr<Node>> members_;
  const uint8_t* tags_ = nullptr;
};

std::unique_ptr<Node> make_node(duckdb_logical_type type, const EncodeOptions& options) {
  switch (duckdb_get_type_id(type)) {
    case DUCKDB_TYPE_BOOLEAN:
      return std::make_unique<BoolNode>();
    case DUCKDB_TYPE_TINYINT:
      return std::make_unique<IntNode<int8_t, int16_t>>(oid::kInt2);
    case DUCKDB_TYPE_SMALLINT:
      return std::make_unique<IntNode<int16_t, int16_t>>(oid::kInt2);
    case DUCKDB_TYPE_UTINYINT:
      return std::make_unique<IntNode<uint8_t, int16_t>>(oid::kInt2);
    case DUCKDB_TYPE_INTEGER:
      return std::make_unique<IntNode<int32_t, int32_t>>(oid::kInt4);
    case DUCKDB_TYPE_USMALLINT:
      return std::make_unique<IntNode<uint16_t, int32_t>>(oid::kInt4);
    case DUCKDB_TYPE_BIGINT:
      if (is_catalog_oid(type)) return std::make_unique<IntNode<int64_t, uint32_t>>(oid::kOid);
      return std::make_unique<IntNode<int64_t, int64_t>>(oid::kInt8);
    case DUCKDB_TYPE_UINTEGER:
      return std::make_unique<IntNode<uint32_t, int64_t>>(oid::kInt8);
    case DUCKDB_TYPE_UBIGINT:
      return std::make_unique<WideIntNode<uint64_t>>();
    case DUCKDB_TYPE_HUGEINT:
      return std::make_unique<WideIntNode<duckdb_hugeint>>();
    case DUCKDB_TYPE_UHUGEINT:
      return std::make_unique<WideIntNode<duckdb_uhugeint>>();
    case DUCKDB_TYPE_DECIMAL: {
      int scale = duckdb_decimal_scale(type);
      switch (duckdb_decimal_internal_type(type)) {
        case DUCKDB_TYPE_SMALLINT:
          return std::make_unique<DecimalNode<int16_t>>(scale);
        case DUCKDB_TYPE_INTEGER:
          return std::make_unique<DecimalNode<int32_t>>(scale);
        case DUCKDB_TYPE_BIGINT:
          return std::make_unique<DecimalNode<int64_t>>(scale);
        default:
          // DECIMAL(38,17) is numeric without precision (sql/pg_numeric): a stored value's
          // display scale is its digits without trailing zeros.
          return std::make_unique<DecimalNode<duckdb_hugeint>>(
              scale, duckdb_decimal_width(type) == 38 && scale == 17);
      }
    }
    case DUCKDB_TYPE_FLOAT:
      return std::make_unique<FloatNode<float>>(options.extra_float_digits);
    case DUCKDB_TYPE_DOUBLE:
      return std::make_unique<FloatNode<double>>(options.extra_float_digits);
    case DUCKDB_TYPE_VARCHAR: {
      char* alias = duckdb_logical_type_get_alias(type);
      bool json = alias && std::strcmp(alias, "JSON") == 0;
      bool jsonb = alias && std::strcmp(alias, "jsonb") == 0;  // duck/pg_json.h
      int32_t catalog = alias ? sql::catalog_type_oid(alias) : 0;  // name, "char", …
      if (alias) duckdb_free(alias);
      return std::make_unique<VarcharNode>(catalog ? catalog : jsonb ? oid::kJsonb : json ? oid::kJson : oid::kText);
    }
    case DUCKDB_TYPE_BLOB:
      return std::make_unique<BlobNode>();
    case DUCKDB_TYPE_DATE:
      return std::make_unique<DateNode>();
    case DUCKDB_TYPE_TIME:
      return std::make_unique<TimeNode>(false);
    case DUCKDB_TYPE_TIME_NS:
      return std::make_unique<TimeNode>(true);
    case DUCKDB_TYPE_TIME_TZ:
      return std::make_unique<TimeTzNode>();
    case DUCKDB_TYPE_TIMESTAMP:
      return std::make_unique<TimestampNode>(kMicrosPerSecond, false, 0);
    case DUCKDB_TYPE_TIMESTAMP_S:
      return std::make_unique<TimestampNode>(1, false, 0);
    case DUCKDB_TYPE_TIMESTAMP_MS:
      return std::make_unique<TimestampNode>(1000, false, 0);
    case DUCKDB_TYPE_TIMESTAMP_NS:
      return std::make_unique<TimestampNode>(1000000000, false, 0);
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return std::make_unique<TimestampNode>(kMicrosPerSecond, true, options.utc_offset_seconds,
                                             options.time_zone);
    case DUCKDB_TYPE_INTERVAL:
      return std::make_unique<IntervalNode>();
    case DUCKDB_TYPE_UUID:
      return std::make_unique<UuidNode>();
    case DUCKDB_TYPE_ENUM:
      switch (duckdb_enum_internal_type(type)) {
        case DUCKDB_TYPE_UTINYINT:
          return std::make_unique<EnumNode<uint8_t>>(type);
        case DUCKDB_TYPE_USMALLINT:
          return std::make_unique<EnumNode<uint16_t>>(type);
        default:
          return std::make_unique<EnumNode<uint32_t>>(type);
      }
    case DUCKDB_TYPE_LIST: {
      duck::LogicalType child(duckdb_list_type_child_type(type));
      return std::make_unique<SequenceNode>(make_node(child.get(), options), 0);
    }
    case DUCKDB_TYPE_ARRAY: {
      duck::LogicalType child(duckdb_array_type_child_type(type));
      return std::make_unique<SequenceNode>(make_node(child.get(), options),
                                            duckdb_array_type_array_size(type));
    }
    case DUCKDB_TYPE_STRUCT:
      return std::make_unique<StructNode>(type, options);
    case DUCKDB_TYPE_MAP:
      return std::make_unique<MapNode>(type, options);
    case DUCKDB_TYPE_UNION:
      return std::make_unique<UnionNode>(type, options);
    case DUCKDB_TYPE_BIT:
      return std::make_unique<BitNode>();
    case DUCKDB_TYPE_BIGNUM:
      return std::make_unique<BignumNode>();
    default:
      return std::make_unique<EmptyNode>();
  }
}

class NodeEncoder : public ColumnEncoder {
 public:
  NodeEncoder(std::unique_ptr<Node> root, Format format)
      : root_(std::move(root)), binary_(format == Format::kBinary) {}
  void set_vector(duckdb_vector vector) override { root_->set_vector(vector); }
  bool is_null(idx_t row) const override { return root_->is_null(row); }
  void append_value(idx_t row, std::string& out) override {
    if (binary_)
      root_->binary(row, out);
    else
      root_->text(row, out);
  }

 private:
  std::unique_ptr<Node> root_;
  bool binary_;
};


}  // namespace

std::unique_ptr<ColumnEncoder> make_encoder(duckdb_logical_type type, Format format,
                                            const EncodeOptions& options) {
  return std::make_unique<NodeEncoder>(make_node(type, options), format);
}


}  // namespace ducklings::pgwire
