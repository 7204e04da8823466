#include "gateway/gateway.h"

#include <cmath>
#include <cstdio>

namespace ducklings::gateway {

Parameter text(std::string value) {
  return {25, std::move(value)};
}
Parameter int8(int64_t value) {
  return {20, std::to_string(value)};
}
Parameter float8(double value) {
  if (std::isnan(value)) return {701, "NaN"};
  if (std::isinf(value)) return {701, value > 0 ? "Infinity" : "-Infinity"};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", value);
  return {701, buf};
}
Parameter boolean(bool value) {
  return {16, value ? "true" : "false"};
}
Parameter timestamptz(std::string iso_8601) {
  return {1184, std::move(iso_8601)};
}
Parameter null(int32_t type_oid) {
  return {type_oid, std::nullopt};
}

}  // namespace ducklings::gateway
