// Process signals as the server and its workers take them: SIGTERM and SIGINT are blocked in
// every thread and taken by one thread with sigwait; SIGPIPE is ignored (writes to a vanished
// peer fail with EPIPE instead).
#pragma once
#include <signal.h>

namespace ducklings {

// Call before starting threads; returns the set to sigwait on.
sigset_t block_stop_signals();

}  // namespace ducklings
