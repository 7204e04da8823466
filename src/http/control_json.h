// The control plane's records as the API's JSON, and the API's size object read into a
// ComputeSize: the only place their JSON shapes are written (docs/control-plane.md).
#pragma once
#include <nlohmann/json.hpp>
#include <vector>

#include "control/control_plane.h"

namespace ducklings::http {

// xs|s|m|l (null: xs), or {"vcpus": n, "memory": "8GB" | megabytes}; a 400 otherwise.
control::ComputeSize parse_size(const nlohmann::json& size);

nlohmann::json to_json(const control::ComputeSize& size);
nlohmann::json to_json(const control::Org& org);
nlohmann::json to_json(const control::OrgStatus& org);  // with its duckling's state
nlohmann::json to_json(const control::Team& team);
nlohmann::json to_json(const control::User& user);
nlohmann::json to_json(const control::Credential& credential);
nlohmann::json to_json(const control::MintedCredential& credential);  // with its password
nlohmann::json to_json(const control::Duckling& duckling);
nlohmann::json to_json(const control::AuditEntry& entry);
nlohmann::json to_json(const control::StorageRecord& storage);  // never its secret
nlohmann::json to_json(const control::StorageGrant& grant);

template <typename T>
nlohmann::json to_json(const std::vector<T>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}

}  // namespace ducklings::http
