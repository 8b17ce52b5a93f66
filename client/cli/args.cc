#include "client/cli/args.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace dyadtone::cli {
namespace {

std::optional<FlagSpec> Find(const std::vector<FlagSpec>& specs,
                             const std::string& name) {
  for (const FlagSpec& s : specs) {
    if (s.name == name) return s;
  }
  return std::nullopt;
}

// Every flag any subcommand takes: a flag's arity must be known before the
// subcommand is (flags may precede it).
std::vector<FlagSpec> AllFlags(const std::vector<FlagSpec>& global,
                               const std::vector<CommandSpec>& commands) {
  std::vector<FlagSpec> all = global;
  all.push_back({"help", false});
  for (const CommandSpec& c : commands) {
    all.insert(all.end(), c.flags.begin(), c.flags.end());
  }
  return all;
}

absl::Status CheckAllowed(const Args& args, const std::vector<FlagSpec>& global,
                          const CommandSpec& command) {
  for (const auto& [name, value] : args.flags) {
    if (name != "help" && !Find(global, name) && !Find(command.flags, name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", command.name, "' does not take --", name));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string Args::Get(const std::string& name,
                      const std::string& fallback) const {
  auto it = flags.find(name);
  return it == flags.end() ? fallback : it->second;
}

absl::StatusOr<Args> ParseArgs(const std::vector<std::string>& argv,
                               const std::vector<FlagSpec>& global,
                               const std::vector<CommandSpec>& commands) {
  const std::vector<FlagSpec> all = AllFlags(global, commands);
  Args args;
  std::vector<std::string> words;
  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (flags_done || a == "-" || !absl::StartsWith(a, "-")) {
      words.push_back(a);
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    if (a == "-h") {
      args.flags["help"] = "true";
      continue;
    }
    std::string name = a.substr(absl::StartsWith(a, "--") ? 2 : 1);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    std::optional<FlagSpec> spec = Find(all, name);
    if (!spec)
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", a));
    if (spec->takes_value && !value) {
      if (i + 1 == argv.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " needs a value"));
      }
      value = argv[++i];
    }
    args.flags[name] = value.value_or("true");
  }
  if (words.empty()) return args;
  args.command = words[0];
  args.positional.assign(words.begin() + 1, words.end());
  for (const CommandSpec& c : commands) {
    if (c.name == args.command) {
      if (absl::Status s = CheckAllowed(args, global, c); !s.ok()) return s;
      return args;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown command '", args.command, "'"));
}

}  // namespace dyadtone::cli
