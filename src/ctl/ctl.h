// `duckgres ctl`: the control-plane API from a shell (libcurl), readable output or --json.
#pragma once
#include <CLI/CLI.hpp>

namespace ducklings::ctl {

// Adds the ctl subcommands to `app`'s "ctl" command; run_ctl() executes the parsed one.
void add_commands(CLI::App& ctl);
int run_ctl();

}  // namespace ducklings::ctl
