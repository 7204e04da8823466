#include "gateway/gateway.h"

namespace ducklings::gateway {

Parameter text(std::string value) {
  return {25, std::move(value)};
}
Parameter int8(int64_t value) {
  return {20, std::to_string(value)};
}
Parameter timestamptz(std::string iso_8601) {
  return {1184, std::move(iso_8601)};
}

}  // namespace ducklings::gateway
