// s3://<storage>/<path or glob> URLs in a statement's file readers (read_parquet, read_csv,
// read_json, …): SQL reaches its organization's storages by them. DuckDB cannot open them
// itself (no httpfs, and the C API cannot give it a file system), so the gateway has their
// objects fetched and hands DuckDB the local files in their place.
#pragma once
#include <string>
#include <vector>

#include "sql/statement.h"

namespace ducklings::sql {

// Whether the table function `name` (lower case) takes s3:// URLs as its files.
bool reads_storage_urls(const std::string& name);
// Whether `text` is an s3:// URL.
bool is_storage_url(const std::string& text);

// Whether a reader's files argument is s3:// URLs only: one constant, or ARRAY[…] of them.
bool storage_urls_only(const pg_query::Node& files);

// A URL written as a string constant: [begin, end) of the statement's text.
struct StorageUrlLiteral {
  size_t begin = 0, end = 0;
  std::string url;
  bool in_array = false;  // an element of ARRAY[…] (a list of files)
};
// The URLs a statement's readers name, in text order. SqlError 0A000 for one not written as
// a plain '…' constant.
std::vector<StorageUrlLiteral> storage_url_literals(const Statement& statement);
// `text` with each literal replaced by its files (`files[i]` for `literals[i]`): a list
// ARRAY['…', …] in place of a single argument, the files themselves inside an ARRAY[…].
std::string with_local_files(const std::string& text,
                             const std::vector<StorageUrlLiteral>& literals,
                             const std::vector<std::vector<std::string>>& files);

}  // namespace ducklings::sql
