// The exit codes of `onset`, documented in docs/cli.md.
#pragma once

namespace onset::cli {

enum exit_code : int {
  exit_ok = 0,
  /// The input or the request was refused; the reason is on stderr.
  exit_refused = 1,
  /// A usage error: unknown command or option, a malformed argument.
  exit_usage = 2,
  /// The node cannot be reached or did not answer in time.
  exit_unreachable = 3,
  /// `onset wait`: the deadline passed before every contract got there.
  exit_timed_out = 4,
  /// Part of the request was done; stderr names what and what failed, and
  /// the same command again completes it.
  exit_partial = 5,
};

} // namespace onset::cli
