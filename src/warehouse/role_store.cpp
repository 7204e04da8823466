#include "warehouse/role_store.h"

namespace ducklings::warehouse {

std::vector<std::vector<std::string>> RoleStore::rows(const std::string& sql,
                                                      const std::vector<std::string>& parameters) {
  duck::PreparedStatement statement = connection_.prepare(sql);
  for (size_t i = 0; i < parameters.size(); ++i) statement.bind_varchar(i, parameters[i]);
  duck::Result result = statement.execute(false);
  std::vector<std::vector<std::string>> out;
  idx_t columns = result.column_count();
  while (true) {
    duck::DataChunk chunk = result.fetch();
    if (!chunk || chunk.size() == 0) break;
    for (idx_t row = 0; row < chunk.size(); ++row) {
      std::vector<std::string> values;
      for (idx_t col = 0; col < columns; ++col)
        values.push_back(chunk.varchar(col, row).value_or(""));
      out.push_back(std::move(values));
    }
  }
  return out;
}

std::optional<std::string> RoleStore::kind(const std::string& name) {
  auto found = rows("SELECT kind FROM duckgres_meta.roles WHERE name = $1", {name});
  if (found.empty()) return std::nullopt;
  return found[0][0];
}

std::vector<std::pair<std::string, std::string>> RoleStore::roles() {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& r : rows("SELECT name, kind FROM duckgres_meta.roles ORDER BY name", {})) {
    out.emplace_back(std::move(r[0]), std::move(r[1]));
  }
  return out;
}

void RoleStore::add_user(const std::string& name) {
  if (kind(name)) return;
  rows("INSERT OR IGNORE INTO duckgres_meta.roles VALUES ($1, 'user')", {name});
}

void RoleStore::create_role(const std::string& name) {
  rows("INSERT INTO duckgres_meta.roles VALUES ($1, 'role')", {name});
}

void RoleStore::drop_role(const std::string& name) {
  rows("DELETE FROM duckgres_meta.grants WHERE grantee = $1", {name});
  rows("DELETE FROM duckgres_meta.role_members WHERE role = $1 OR member = $1", {name});
  rows("DELETE FROM duckgres_meta.roles WHERE name = $1", {name});
}

std::vector<std::pair<std::string, std::string>> RoleStore::memberships() {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& r : rows("SELECT role, member FROM duckgres_meta.role_members ORDER BY 1, 2", {})) {
    out.emplace_back(std::move(r[0]), std::move(r[1]));
  }
  return out;
}

void RoleStore::set_member(const std::string& role, const std::string& member, bool member_of) {
  rows("DELETE FROM duckgres_meta.role_members WHERE role = $1 AND member = $2", {role, member});
  if (member_of) rows("INSERT INTO duckgres_meta.role_members VALUES ($1, $2)", {role, member});
}

std::vector<RoleStore::Grant> RoleStore::grants(const std::vector<std::string>& grantees) {
  std::string sql = "SELECT grantee, privilege, schema_name, table_name FROM duckgres_meta.grants";
  if (!grantees.empty()) {
    sql += " WHERE grantee IN (";
    for (size_t i = 0; i < grantees.size(); ++i) {
      sql += (i ? ", $" : "$") + std::to_string(i + 1);
    }
    sql += ")";
  }
  std::vector<Grant> out;
  for (auto& r : rows(sql + " ORDER BY 1, 3, 4, 2", grantees)) {
    out.push_back({std::move(r[0]), std::move(r[1]), std::move(r[2]), std::move(r[3])});
  }
  return out;
}

void RoleStore::set_grant(const Grant& g, bool granted) {
  std::vector<std::string> key = {g.grantee, g.privilege, g.schema, g.table};
  rows(
      "DELETE FROM duckgres_meta.grants WHERE grantee = $1 AND privilege = $2 AND "
      "schema_name = $3 AND table_name = $4",
      key);
  if (granted) rows("INSERT INTO duckgres_meta.grants VALUES ($1, $2, $3, $4)", key);
}

}  // namespace ducklings::warehouse
