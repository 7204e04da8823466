#include "pgtypes/text_encoding.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "common/errors.h"

namespace ducklings::pgtypes {

void check_text_encoding(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c > 0 && c < 0x80) {
      i++;
      continue;
    }
    size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && len <= n - i && c != 0xC0 && c != 0xC1 && c <= 0xF4;
    for (size_t k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xC0) == 0x80;
    if (ok && len == 3) {
      uint32_t cp = ((c & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
      ok = cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
    } else if (ok && len == 4) {
      uint32_t cp = ((c & 0x07u) << 18) | ((p[i + 1] & 0x3Fu) << 12) | ((p[i + 2] & 0x3Fu) << 6) |
                    (p[i + 3] & 0x3Fu);
      ok = cp >= 0x10000 && cp <= 0x10FFFF;
    }
    if (!ok) {
      // PostgreSQL names the bytes of the bad sequence (NUL included).
      std::string bytes;
      for (size_t k = i; k < n && k < i + std::max<size_t>(len, 1); ++k) {
        char hex[6];
        std::snprintf(hex, sizeof(hex), k == i ? "0x%02x" : " 0x%02x", p[k]);
        bytes += hex;
      }
      throw SqlError("22021", "invalid byte sequence for encoding \"UTF8\": " + bytes);
    }
    i += len;
  }
}

}  // namespace ducklings::pgtypes
