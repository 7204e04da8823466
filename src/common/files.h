// What the server keeps on disk is readable by its own user only.
#pragma once
#include <string>

namespace ducklings {

// Sets the process's umask to 077 (so every file it, DuckDB, SQLite and its worker processes
// create is 0600, every directory 0700), creates `dir` and takes the group and other bits off
// it and everything under it (a data dir made by an earlier version); symbolic links are
// neither followed nor changed. Throws ConfigError naming the directory if it cannot be made.
void make_private_directory(const std::string& dir);

// Takes the group and other bits off `path` if it exists (a file of the server's kept
// outside the data dir).
void make_private_file(const std::string& path);

}  // namespace ducklings
