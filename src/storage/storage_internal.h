// What the storage backends share; not part of the module's interface.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ducklings::storage {

// Throws StorageError kInvalid unless `key` is a relative '/'-separated path without "." or
// ".." segments; `where` names the storage in the message.
void check_key(const std::string& key, const std::string& where);

// S3's XML answers, read for the few elements the client needs.
// The text of every <tag>…</tag> in `xml`, entities decoded, in document order.
std::vector<std::string> xml_texts(std::string_view xml, std::string_view tag);
// The text of the first <tag>…</tag> ("" when none).
std::string xml_text(std::string_view xml, std::string_view tag);
// The inner XML of every <tag>…</tag> (to read elements of a repeated group).
std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag);
// `text` with &, <, >, " and ' escaped for an XML element.
std::string xml_escape(std::string_view text);


}  // namespace ducklings::storage
