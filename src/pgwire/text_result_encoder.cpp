#include "pgwire/text_result_encoder.h"

#include <string_view>

#include "common/errors.h"
#include "sql/result_types.h"

namespace ducklings::pgwire {
namespace {

constexpr int32_t kRegtype = 2206;

class TextResultBinaryEncoder : public ColumnEncoder {
 public:
  explicit TextResultBinaryEncoder(int32_t type_oid) : type_oid_(type_oid) {}
  void set_vector(duckdb_vector vector) override {
    data_ = static_cast<duckdb_string_t*>(duckdb_vector_get_data(vector));
    validity_ = duckdb_vector_get_validity(vector);
  }
  bool is_null(idx_t row) const override { return !duckdb_validity_row_is_valid(validity_, row); }
  void append_value(idx_t row, std::string& out) override {
    std::string_view text(duckdb_string_t_data(&data_[row]), duckdb_string_t_length(data_[row]));
    if (type_oid_ == oid::kNumeric) {
      auto bytes = sql::numeric_text_binary(text);
      if (!bytes) throw SqlError("22P02", "invalid input syntax for type numeric: \"" + std::string(text) + "\"");
      out += *bytes;
      return;
    }
    uint32_t type = static_cast<uint32_t>(sql::type_oid_of_name(text));
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((type >> shift) & 0xff));
  }

 private:
  int32_t type_oid_;
  duckdb_string_t* data_ = nullptr;
  uint64_t* validity_ = nullptr;
};

// character(n): values are stored without their trailing blanks; every result (a star, a
// view's column) shows them padded to n characters, text and binary alike.
class BlankPaddedEncoder : public ColumnEncoder {
 public:
  BlankPaddedEncoder(std::unique_ptr<ColumnEncoder> inner, int32_t length) : inner_(std::move(inner)), length_(length) {}
  void set_vector(duckdb_vector vector) override { inner_->set_vector(vector); }
  bool is_null(idx_t row) const override { return inner_->is_null(row); }
  void append_value(idx_t row, std::string& out) override {
    size_t start = out.size();
    inner_->append_value(row, out);
    int32_t characters = 0;
    for (size_t i = start; i < out.size(); ++i) {
      if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80) ++characters;
    }
    if (characters < length_) out.append(static_cast<size_t>(length_ - characters), ' ');
  }

 private:
  std::unique_ptr<ColumnEncoder> inner_;
  int32_t length_;
};

}  // namespace

std::unique_ptr<ColumnEncoder> pad_to_length(std::unique_ptr<ColumnEncoder> inner, int32_t length) {
  return std::make_unique<BlankPaddedEncoder>(std::move(inner), length);
}

std::unique_ptr<ColumnEncoder> make_text_result_binary_encoder(int32_t type_oid) {
  if (type_oid != oid::kNumeric && type_oid != kRegtype) return nullptr;
  return std::make_unique<TextResultBinaryEncoder>(type_oid);
}

std::unique_ptr<ColumnEncoder> result_column_encoder(const gateway::PreparedQuery& q, size_t i,
                                                     size_t columns, duckdb_logical_type type,
                                                     Format format, const EncodeOptions& options) {
  duckdb_type id = duckdb_get_type_id(type);
  std::unique_ptr<ColumnEncoder> encoder;
  if (format == Format::kBinary && id == DUCKDB_TYPE_VARCHAR && i < q.type_overrides.size() &&
      q.type_overrides.size() == columns) {
    encoder = make_text_result_binary_encoder(q.type_overrides[i]);  // typed otherwise
  }
  if (!encoder) encoder = make_encoder(type, format, options);
  if (id == DUCKDB_TYPE_VARCHAR && i < q.type_overrides.size() &&
      q.type_overrides[i] == oid::kBpchar && i < q.typmod_overrides.size() &&
      q.typmod_overrides[i] > 5) {
    encoder = pad_to_length(std::move(encoder), q.typmod_overrides[i] - 4);
  }
  return encoder;
}

}  // namespace ducklings::pgwire
