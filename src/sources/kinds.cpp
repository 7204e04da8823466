#include "sources/kinds.h"

#include <algorithm>

#include "control/control_plane.h"

namespace ducklings::sources {
namespace {
using json = nlohmann::json;

[[noreturn]] void bad(const std::string& message) {
  throw control::RefusedError(control::Refusal::kInvalid, "invalid_request", message);
}

struct Kind {
  const char* name;
  std::vector<ConnectionField> (*fields)();
};

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> all = {{"postgres", &postgres_fields},
                                         {"mysql", &mysql_fields},
                                         {"files", &files_fields},
                                         {"rest", &rest_fields},
                                         {"stripe", &stripe_fields}};
  return all;
}

const char* type_name(ConnectionField::Type t) {
  switch (t) {
    case ConnectionField::kString: return "a string";
    case ConnectionField::kInteger: return "an integer";
    case ConnectionField::kBoolean: return "true or false";
    case ConnectionField::kObject: return "an object";
    case ConnectionField::kArray: return "an array";
  }
  return "";
}

bool has_type(const json& v, ConnectionField::Type t) {
  switch (t) {
    case ConnectionField::kString: return v.is_string();
    case ConnectionField::kInteger: return v.is_number_integer();
    case ConnectionField::kBoolean: return v.is_boolean();
    case ConnectionField::kObject: return v.is_object();
    case ConnectionField::kArray: return v.is_array();
  }
  return false;
}

}  // namespace

std::vector<ConnectionField> postgres_fields() {
  return {{"host", ConnectionField::kString, true},
          {"port", ConnectionField::kInteger, false, false, 5432},
          {"database", ConnectionField::kString, true},
          {"user", ConnectionField::kString, true},
          {"password", ConnectionField::kString, false, true},
          {"sslmode", ConnectionField::kString, false, false, nullptr,
           {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}}};
}

CheckedConnection check_connection(const std::string& kind, const json& connection,
                                   const std::string& secret_apart) {
  const Kind* k = nullptr;
  std::string names;
  for (const auto& candidate : kinds()) {
    if (kind == candidate.name) k = &candidate;
    names += std::string(names.empty() ? "" : ", ") + candidate.name;
  }
  if (!k) bad("\"kind\" must be one of " + names);
  std::vector<ConnectionField> fields = k->fields();
  if (fields.empty())
    throw control::RefusedError(control::Refusal::kUnprocessable, "not_supported",
                                "sources of kind " + kind + " are not available yet");
  if (!connection.is_object()) bad("\"connection\" must be an object");
  CheckedConnection out{json::object(), secret_apart};
  std::string known;
  for (const auto& f : fields) known += (known.empty() ? "" : ", ") + f.name;
  for (const auto& [key, value] : connection.items()) {
    const ConnectionField* f = nullptr;
    for (const auto& candidate : fields) {
      if (candidate.name == key) f = &candidate;
    }
    if (!f) bad("unknown connection field \"" + key + "\" (" + kind + " takes " + known + ")");
    if (!has_type(value, f->type)) bad("connection \"" + key + "\" must be " + type_name(f->type));
    if (!f->one_of.empty() &&
        std::find(f->one_of.begin(), f->one_of.end(), value.get<std::string>()) == f->one_of.end()) {
      bad("connection \"" + key + "\" must be one of " + json(f->one_of).dump());
    }
    if (f->secret) {
      out.secret = value.get<std::string>();
    } else {
      out.connection[key] = value;
    }
  }
  for (const auto& f : fields) {
    if (f.secret || out.connection.contains(f.name)) continue;
    if (f.required) bad("connection \"" + f.name + "\" is required");
    if (!f.default_value.is_null()) out.connection[f.name] = f.default_value;
  }
  return out;
}

std::unique_ptr<Source> open_source(const std::string& kind, const json& connection,
                                    const std::string& secret, const SourceContext& context) {
  if (kind == "postgres") return open_postgres(connection, secret);
  if (kind == "mysql") return open_mysql(connection, secret);
  if (kind == "files") return open_files(connection, context);
  if (kind == "rest") return open_rest(connection, secret);
  if (kind == "stripe") return open_stripe(connection, secret);
  throw SourceError(false, "sources of kind " + kind + " are not available");
}

}  // namespace ducklings::sources
