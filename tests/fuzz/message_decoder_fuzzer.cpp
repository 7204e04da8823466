// libFuzzer target: arbitrary bytes into every frontend message decoder. The first byte picks
// the decoder, the rest is the message body. A decoder may only reject input with a SqlError
// (ProtocolError 08P01, or 0A000 for an unsupported protocol); any other exception, a crash or
// a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/errors.h"
#include "pgwire/buffer.h"
#include "pgwire/messages.h"

namespace {
using namespace ducklings::pgwire;

// Re-encodes what was decoded so a decoder returning views into freed or foreign memory, or
// garbage field values, shows up under ASan.
size_t touch(const std::string& s) {
  size_t h = 0;
  for (char c : s) h = h * 31 + static_cast<unsigned char>(c);
  return h;
}

void decode(uint8_t selector, std::string_view body) {
  volatile size_t sink = 0;
  switch (selector % 10) {
    case 0: {
      StartupPacket p = decode_startup(body);
      if (auto* m = std::get_if<StartupMessage>(&p)) {
        if ((m->protocol >> 16) != 3) __builtin_trap();  // decoder must refuse other majors
        for (const auto& [k, v] : m->parameters) sink = sink + touch(k) + touch(v);
        for (const auto& o : m->unknown_options) {
          if (o.rfind("_pq_.", 0) != 0) __builtin_trap();
          sink = sink + touch(o);
        }
      }
      break;
    }
    case 1:
      sink = touch(decode_query(body).sql);
      break;
    case 2: {
      ParseMessage m = decode_parse(body);
      sink = touch(m.statement) + touch(m.query) + m.parameter_types.size();
      break;
    }
    case 3: {
      BindMessage m = decode_bind(body);
      // Invariants the session relies on.
      for (int16_t f : m.parameter_formats) {
        if (f != 0 && f != 1) __builtin_trap();
      }
      for (int16_t f : m.result_formats) {
        if (f != 0 && f != 1) __builtin_trap();
      }
      if (m.parameter_formats.size() > 1 && m.parameter_formats.size() != m.parameters.size()) {
        __builtin_trap();
      }
      for (const auto& p : m.parameters) {
        if (p) sink = sink + touch(*p);
      }
      sink = sink + touch(m.portal) + touch(m.statement);
      break;
    }
    case 4: {
      DescribeMessage m = decode_describe(body);
      if (m.kind != 'S' && m.kind != 'P') __builtin_trap();
      sink = touch(m.name);
      break;
    }
    case 5:
      sink = touch(decode_execute(body).portal);
      break;
    case 6: {
      CloseMessage m = decode_close(body);
      if (m.kind != 'S' && m.kind != 'P') __builtin_trap();
      sink = touch(m.name);
      break;
    }
    case 7:
      sink = touch(decode_copy_fail(body).message);
      break;
    case 8: {
      SaslInitialResponse m = decode_sasl_initial(body);
      sink = touch(m.mechanism) + (m.data ? touch(*m.data) : 0);
      break;
    }
    case 9:
      sink = touch(decode_password(body));
      break;
  }
  (void)sink;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // libFuzzer hands over an exact-size heap copy, so ASan catches reads past the body's end.
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    decode(data[0], body);
  } catch (const ducklings::SqlError&) {
    // Rejected cleanly: the session answers 08P01 and closes.
  }
  return 0;
}
