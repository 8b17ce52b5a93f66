// The dyadtone command line: a subcommand, its positional arguments and
// flags. Flags are "--name=value", "--name value" or, for switches,
// "--name"; they may come before or after the subcommand; "--" ends them;
// "-" is a positional argument (standard input).

#ifndef DYADTONE_CLIENT_CLI_ARGS_H_
#define DYADTONE_CLIENT_CLI_ARGS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace dyadtone::cli {

struct FlagSpec {
  std::string name;         // without the dashes
  bool takes_value = true;  // false: a switch
};

struct CommandSpec {
  std::string name;
  std::vector<FlagSpec> flags;  // besides the global ones
};

struct Args {
  std::string command;  // empty when none was given
  std::vector<std::string> positional;
  absl::flat_hash_map<std::string, std::string> flags;  // switches: "true"

  bool Has(const std::string& name) const { return flags.contains(name); }
  std::string Get(const std::string& name,
                  const std::string& fallback = "") const;
};

// Parses argv[1..]. InvalidArgument for an unknown subcommand, a flag the
// subcommand does not take, or a flag without its value. "--help" and "-h"
// come back as the switch "help".
absl::StatusOr<Args> ParseArgs(const std::vector<std::string>& argv,
                               const std::vector<FlagSpec>& global,
                               const std::vector<CommandSpec>& commands);

}  // namespace dyadtone::cli

#endif  // DYADTONE_CLIENT_CLI_ARGS_H_
