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

namespace {
class OneByOne : public Session {
 public:
  OneByOne(Gateway& gateway, Request base) : gateway_(gateway), base_(std::move(base)) {}
  Result run(const std::string& sql, const std::vector<Parameter>& parameters) override {
    Request request = base_;
    request.sql = sql;
    request.parameters = parameters;
    return gateway_.run(request);
  }

 private:
  Gateway& gateway_;
  Request base_;
};
}  // namespace

std::unique_ptr<Session> Gateway::open(const Request& base) {
  return std::make_unique<OneByOne>(*this, base);
}

}  // namespace ducklings::gateway
