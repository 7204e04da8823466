// The server's one encoding, UTF-8, as PostgreSQL checks every text it receives.
#pragma once
#include <string_view>

namespace ducklings::pgtypes {

// Throws SqlError 22021 unless `text` is valid UTF-8 without NUL bytes.
void check_text_encoding(std::string_view text);

}  // namespace ducklings::pgtypes
