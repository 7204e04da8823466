#include "sql/storage_urls.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/errors.h"
#include "sql/quoting.h"
#include "sql/tree_walk.h"

namespace ducklings::sql {

bool reads_storage_urls(const std::string& name) {
  static const std::set<std::string> names = {
      "read_parquet",    "parquet_scan",        "parquet_metadata",  "parquet_schema",
      "parquet_file_metadata", "parquet_kv_metadata", "read_csv",   "read_csv_auto",
      "sniff_csv",       "read_json",           "read_json_auto",    "read_ndjson",
      "read_ndjson_auto", "read_json_objects",  "read_ndjson_objects", "read_text",
      "read_blob"};
  return names.count(name) > 0;
}

bool is_storage_url(const std::string& text) { return text.rfind("s3://", 0) == 0; }

bool storage_urls_only(const pg_query::Node& files) {
  auto url = [](const pg_query::Node& n) {
    return n.has_a_const() && n.a_const().has_sval() && is_storage_url(n.a_const().sval().sval());
  };
  if (!files.has_a_array_expr()) return url(files);
  const auto& elements = files.a_array_expr().elements();
  return !elements.empty() && std::all_of(elements.begin(), elements.end(), url);
}

namespace {

// The end of the plain '…' constant starting at `begin` ('' inside doubles a quote), or npos.
size_t literal_end(const std::string& text, size_t begin) {
  if (begin >= text.size() || text[begin] != '\'') return std::string::npos;
  for (size_t i = begin + 1; i < text.size(); ++i) {
    if (text[i] != '\'') continue;
    if (i + 1 < text.size() && text[i + 1] == '\'') {
      ++i;
      continue;
    }
    return i + 1;
  }
  return std::string::npos;
}

}  // namespace

std::vector<StorageUrlLiteral> storage_url_literals(const Statement& statement) {
  std::vector<StorageUrlLiteral> out;
  if (!statement.tree || statement.text.find("s3://") == std::string::npos) return out;
  auto add = [&](const pg_query::Node& arg, bool in_array) {
    if (!arg.has_a_const() || !arg.a_const().has_sval()) return;
    const std::string& value = arg.a_const().sval().sval();
    if (!is_storage_url(value)) return;
    auto begin = static_cast<size_t>(std::max(0, arg.a_const().location()));
    size_t end = literal_end(statement.text, begin);
    if (end == std::string::npos) {
      throw SqlError("0A000", "write the storage URL \"" + value + "\" as a plain '…' string",
                     static_cast<int>(begin) + 1);
    }
    out.push_back({begin, end, value, in_array});
  };
  auto& tree = const_cast<pg_query::ParseResult&>(*statement.tree);
  walk_messages(tree, [&](google::protobuf::Message& m) {
    if (m.GetDescriptor() != pg_query::FuncCall::descriptor()) return;
    const auto& call = static_cast<const pg_query::FuncCall&>(m);
    const auto& names = call.funcname();
    if (names.empty() || !names[names.size() - 1].has_string() || call.args_size() == 0) return;
    std::string name = names[names.size() - 1].string().sval();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!reads_storage_urls(name)) return;
    const pg_query::Node& files = call.args(0);
    if (files.has_a_array_expr()) {
      for (const auto& e : files.a_array_expr().elements()) add(e, true);
    } else {
      add(files, false);
    }
  });
  std::sort(out.begin(), out.end(),
            [](const StorageUrlLiteral& a, const StorageUrlLiteral& b) { return a.begin < b.begin; });
  return out;
}

std::string with_local_files(const std::string& text,
                             const std::vector<StorageUrlLiteral>& literals,
                             const std::vector<std::vector<std::string>>& files) {
  std::string out;
  size_t at = 0;
  for (size_t i = 0; i < literals.size(); ++i) {
    const StorageUrlLiteral& l = literals[i];
    out.append(text, at, l.begin - at);
    std::string list;
    for (const std::string& f : files[i]) list += (list.empty() ? "" : ", ") + quote_literal(f);
    out += l.in_array ? list : "ARRAY[" + list + "]";
    at = l.end;
  }
  out.append(text, at, std::string::npos);
  return out;
}

}  // namespace ducklings::sql
