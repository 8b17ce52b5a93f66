// The gazetteer: the actors (states, territories and international
// organisations) and the names by which the news refers to them. This header
// is the parsed, uncompiled form; see compiled_model.h for the matcher and
// docs/data-formats.md for the format.

#ifndef DYADTONE_SERVICE_ENGINE_GAZETTEER_H_
#define DYADTONE_SERVICE_ENGINE_GAZETTEER_H_

#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace dyadtone {

// How a text refers to an actor. The order is the tie-break priority when
// two aliases of equal length match at one place: lower wins.
enum class AliasKind { kName, kSeat, kPerson, kCapital, kAdjective, kPeople };

enum class CaseRule {
  kAny,          // any case
  kCapitalized,  // "^Turkey": must start with a capital
  kAcronym,      // "=US": as written, or title case mid-sentence
};

enum class Role { kNone, kHeadOfState, kHeadOfGovernment, kForeignMinister,
                  kOfficial };

struct Actor {
  std::string code;  // ISO 3166-1 alpha-3, "XKX" for Kosovo; or, for an
                     // organisation, its own code ("EU", "NATO")
  std::string name;  // display name
  // An international organisation ("the EU", "NATO"): it acts and is acted
  // upon, so that its signals are not given to the countries around it, but
  // it forms no dyad.
  bool organization = false;
};

struct Alias {
  std::vector<std::string> tokens;  // normalised tokens
  std::string text;                 // as written, for evidence
  int actor = -1;                   // index into GazetteerData::actors
  AliasKind kind = AliasKind::kName;
  CaseRule case_rule = CaseRule::kAny;
  Role role = Role::kNone;
  std::optional<absl::CivilDay> from, to;  // persons: term of office
  int line = 0;
};

struct Veto {
  std::vector<std::string> tokens;  // "<Name>" stands for a capitalised name
  int actor = -1;
  int line = 0;
};

struct GazetteerData {
  std::string version;
  std::string fingerprint;  // ContentFingerprint() of the file
  std::vector<Actor> actors;
  std::vector<Alias> aliases;
  std::vector<Veto> vetoes;
  // Title words that may stand between an actor and a person's name
  // ("Pakistan Foreign Minister Shah Mehmood Qureshi").
  std::vector<std::string> titles;
};

// Parses a gazetteer file. Errors name the file, line and reason.
absl::StatusOr<GazetteerData> ParseGazetteer(absl::string_view content,
                                             absl::string_view file_name);

// The special veto token for a capitalised name.
inline constexpr absl::string_view kNameToken = "<name>";

absl::string_view AliasKindName(AliasKind kind);
absl::string_view RoleName(Role role);

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_GAZETTEER_H_
