// A duckling's roles, their members and their grants (duckgres_meta.roles, role_members and
// grants): the one place that reads or writes them. Sessions enforce what it holds
// (pgwire/authorization.cpp); CREATE ROLE, GRANT and their kin change it. Statements take
// their names as parameters, never pasted into SQL.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "duck/duck.h"

namespace ducklings::warehouse {

class RoleStore {
 public:
  // Works on `connection`'s database, in its transaction.
  explicit RoleStore(duck::Connection& connection) : connection_(connection) {}

  struct Grant {
    std::string grantee, privilege;
    std::string schema;  // DuckDB's name (main for public)
    std::string table;   // "" for the schema itself, "*" for every table in it
  };

  // "role" or "user" for a role the duckling has (built-in ones are not stored), else nullopt.
  std::optional<std::string> kind(const std::string& name);
  // Every stored role with its kind, by name.
  std::vector<std::pair<std::string, std::string>> roles();
  // A user becomes a role at its first login (so GRANT can name it); again is a no-op.
  void add_user(const std::string& name);
  void create_role(const std::string& name);
  // The role, its grants and every membership it is part of.
  void drop_role(const std::string& name);

  // (role, member) pairs, ordered.
  std::vector<std::pair<std::string, std::string>> memberships();
  void set_member(const std::string& role, const std::string& member, bool member_of);

  // The grants held by `grantees` (every grant when empty), ordered by grantee, schema,
  // table and privilege.
  std::vector<Grant> grants(const std::vector<std::string>& grantees = {});
  void set_grant(const Grant& grant, bool granted);

 private:
  std::vector<std::vector<std::string>> rows(const std::string& sql,
                                             const std::vector<std::string>& parameters);
  duck::Connection& connection_;
};

}  // namespace ducklings::warehouse
