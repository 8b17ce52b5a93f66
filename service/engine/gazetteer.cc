#include "service/engine/gazetteer.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/engine/spec_reader.h"
#include "service/engine/tokenizer.h"

namespace dyadtone {
namespace {

struct KindWord {
  absl::string_view word;
  AliasKind kind;
};
constexpr KindWord kKinds[] = {
    {"name", AliasKind::kName},       {"seat", AliasKind::kSeat},
    {"person", AliasKind::kPerson},   {"capital", AliasKind::kCapital},
    {"adj", AliasKind::kAdjective},   {"people", AliasKind::kPeople},
};

struct RoleWord {
  absl::string_view word;
  Role role;
};
constexpr RoleWord kRoles[] = {
    {"head_of_state", Role::kHeadOfState},
    {"head_of_government", Role::kHeadOfGovernment},
    {"foreign_minister", Role::kForeignMinister},
    {"official", Role::kOfficial},
};

bool ParseDay(absl::string_view s, std::optional<absl::CivilDay>* day) {
  if (s.empty()) {
    day->reset();
    return true;
  }
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' ||
      !absl::SimpleAtoi(s.substr(0, 4), &y) ||
      !absl::SimpleAtoi(s.substr(5, 2), &m) ||
      !absl::SimpleAtoi(s.substr(8, 2), &d)) {
    return false;
  }
  const absl::CivilDay c(y, m, d);
  if (c.year() != y || c.month() != m || c.day() != d) return false;
  *day = c;
  return true;
}

class GazetteerParser {
 public:
  GazetteerParser(absl::string_view content, absl::string_view file_name)
      : reader_(content, file_name) {}

  absl::StatusOr<GazetteerData> Parse();

 private:
  absl::Status ParseCountry(absl::string_view rest);
  absl::Status ParseOrganization(absl::string_view rest);
  absl::Status AddActor(absl::string_view code, absl::string_view name,
                        bool organization);
  absl::Status ParseAliases(AliasKind kind, absl::string_view rest);
  absl::Status ParsePerson(absl::string_view rest);
  absl::Status ParseVetoes(absl::string_view rest);
  absl::Status ParseTitles(absl::string_view rest);
  absl::Status AddAlias(absl::string_view written, Alias alias);
  absl::StatusOr<std::vector<absl::string_view>> Items(absl::string_view rest);

  SpecReader reader_;
  GazetteerData data_;
  // Non-person alias key (case rule + tokens) -> line of first use.
  absl::flat_hash_map<std::string, int> seen_;
  absl::flat_hash_map<std::string, int> codes_;
};

absl::StatusOr<GazetteerData> GazetteerParser::Parse() {
  if (absl::Status s = reader_.ReadVersion(&data_.version); !s.ok()) return s;
  absl::string_view line;
  while (reader_.Next(&line)) {
    const absl::string_view keyword = TakeWord(&line);
    absl::Status s;
    if (keyword == "country") {
      s = ParseCountry(line);
    } else if (keyword == "organization") {
      s = ParseOrganization(line);
    } else if (keyword == "title") {
      s = ParseTitles(line);
    } else if (data_.actors.empty()) {
      s = reader_.Error("\"", keyword,
                        "\" before the first \"country\" or \"organization\" "
                        "line");
    } else if (keyword == "person") {
      s = ParsePerson(line);
    } else if (keyword == "veto") {
      s = ParseVetoes(line);
    } else {
      bool known = false;
      for (const KindWord& k : kKinds) {
        if (k.word == keyword && k.kind != AliasKind::kPerson) {
          s = ParseAliases(k.kind, line);
          known = true;
        }
      }
      if (!known) {
        s = reader_.Error("unknown line type \"", keyword,
                          "\" (expected country, organization, name, adj, "
                          "people, capital, seat, person, veto or title)");
      }
    }
    if (!s.ok()) return s;
  }
  if (std::none_of(data_.actors.begin(), data_.actors.end(),
                   [](const Actor& a) { return !a.organization; })) {
    return reader_.Error("no \"country\" block in the file");
  }
  return std::move(data_);
}

absl::Status GazetteerParser::ParseCountry(absl::string_view rest) {
  const absl::string_view code = TakeWord(&rest);
  const bool valid = code.size() == 3 && absl::ascii_isupper(code[0]) &&
                     absl::ascii_isupper(code[1]) &&
                     absl::ascii_isupper(code[2]);
  if (!valid) {
    return reader_.Error("country code \"", code,
                         "\" is not three capital letters (ISO 3166-1 "
                         "alpha-3)");
  }
  return AddActor(code, rest, /*organization=*/false);
}

absl::Status GazetteerParser::ParseOrganization(absl::string_view rest) {
  const absl::string_view code = TakeWord(&rest);
  bool valid = code.size() >= 2 && code.size() <= 8 &&
               absl::ascii_isupper(code[0]);
  for (char c : code) {
    valid = valid && (absl::ascii_isupper(c) || absl::ascii_isdigit(c));
  }
  if (!valid) {
    return reader_.Error("organization code \"", code,
                         "\" is not 2 to 8 capital letters and digits, "
                         "starting with a letter");
  }
  return AddActor(code, rest, /*organization=*/true);
}

absl::Status GazetteerParser::AddActor(absl::string_view code,
                                       absl::string_view name,
                                       bool organization) {
  const char* what = organization ? "organization " : "country ";
  if (name.empty()) return reader_.Error(what, code, " has no name");
  const auto [it, inserted] =
      codes_.emplace(std::string(code), reader_.line_number());
  if (!inserted) {
    return reader_.Error(what, code, " is already defined on line ",
                         it->second);
  }
  data_.actors.push_back(
      Actor{std::string(code), std::string(name), organization});
  return absl::OkStatus();
}

absl::StatusOr<std::vector<absl::string_view>> GazetteerParser::Items(
    absl::string_view rest) {
  bool empty_item;
  std::vector<absl::string_view> items = SplitList(rest, &empty_item);
  if (empty_item) return reader_.Error("empty item in a ';' list");
  return items;
}

absl::Status GazetteerParser::AddAlias(absl::string_view written, Alias alias) {
  if (!written.empty() && (written[0] == '^' || written[0] == '=')) {
    alias.case_rule =
        written[0] == '^' ? CaseRule::kCapitalized : CaseRule::kAcronym;
    written.remove_prefix(1);
  }
  alias.text = std::string(written);
  alias.tokens = TokenizePhrase(written);
  if (alias.tokens.empty()) {
    return reader_.Error("alias \"", written, "\" has no words");
  }
  alias.actor = static_cast<int>(data_.actors.size()) - 1;
  alias.line = reader_.line_number();
  if (alias.kind != AliasKind::kPerson) {
    std::string key = absl::StrCat(static_cast<int>(alias.case_rule), " ",
                                   absl::StrJoin(alias.tokens, " "));
    const auto [it, inserted] = seen_.emplace(key, alias.line);
    if (!inserted) {
      return reader_.Error("alias \"", written,
                           "\" is already listed on line ", it->second);
    }
  }
  data_.aliases.push_back(std::move(alias));
  return absl::OkStatus();
}

absl::Status GazetteerParser::ParseAliases(AliasKind kind,
                                           absl::string_view rest) {
  absl::StatusOr<std::vector<absl::string_view>> items = Items(rest);
  if (!items.ok()) return items.status();
  if (items->empty()) return reader_.Error("no aliases given");
  for (absl::string_view item : *items) {
    Alias alias;
    alias.kind = kind;
    if (absl::Status s = AddAlias(item, std::move(alias)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status GazetteerParser::ParsePerson(absl::string_view rest) {
  const absl::string_view range = TakeWord(&rest);
  const size_t dots = range.find("..");
  if (dots == absl::string_view::npos) {
    return reader_.Error("person needs a term FROM..TO, got \"", range, "\"");
  }
  Alias alias;
  alias.kind = AliasKind::kPerson;
  if (!ParseDay(range.substr(0, dots), &alias.from) ||
      !ParseDay(range.substr(dots + 2), &alias.to)) {
    return reader_.Error("bad date in term \"", range,
                         "\" (dates are YYYY-MM-DD)");
  }
  if (alias.from && alias.to && *alias.to < *alias.from) {
    return reader_.Error("term \"", range, "\" ends before it starts");
  }
  const absl::string_view role = TakeWord(&rest);
  for (const RoleWord& r : kRoles) {
    if (r.word == role) alias.role = r.role;
  }
  if (alias.role == Role::kNone) {
    return reader_.Error("unknown role \"", role,
                         "\" (head_of_state, head_of_government, "
                         "foreign_minister or official)");
  }
  absl::StatusOr<std::vector<absl::string_view>> items = Items(rest);
  if (!items.ok()) return items.status();
  if (items->empty()) return reader_.Error("person has no names");
  for (absl::string_view item : *items) {
    if (absl::Status s = AddAlias(item, alias); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status GazetteerParser::ParseVetoes(absl::string_view rest) {
  absl::StatusOr<std::vector<absl::string_view>> items = Items(rest);
  if (!items.ok()) return items.status();
  if (items->empty()) return reader_.Error("no veto phrases given");
  for (absl::string_view item : *items) {
    Veto veto;
    veto.actor = static_cast<int>(data_.actors.size()) - 1;
    veto.line = reader_.line_number();
    // "<Name>" is tokenized as "<", "name", ">": fold it back into one.
    for (const std::string& t : TokenizePhrase(item)) {
      const size_t n = veto.tokens.size();
      if (t == ">" && n >= 2 && veto.tokens[n - 1] == "name" &&
          veto.tokens[n - 2] == "<") {
        veto.tokens.resize(n - 2);
        veto.tokens.emplace_back(kNameToken);
      } else {
        veto.tokens.push_back(t);
      }
    }
    if (veto.tokens.size() < 2) {
      return reader_.Error("veto \"", item,
                           "\" must have at least two tokens");
    }
    data_.vetoes.push_back(std::move(veto));
  }
  return absl::OkStatus();
}

absl::Status GazetteerParser::ParseTitles(absl::string_view rest) {
  absl::StatusOr<std::vector<absl::string_view>> items = Items(rest);
  if (!items.ok()) return items.status();
  for (absl::string_view item : *items) {
    const std::vector<std::string> tokens = TokenizePhrase(item);
    data_.titles.insert(data_.titles.end(), tokens.begin(), tokens.end());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<GazetteerData> ParseGazetteer(absl::string_view content,
                                             absl::string_view file_name) {
  absl::StatusOr<GazetteerData> data =
      GazetteerParser(content, file_name).Parse();
  if (data.ok()) data->fingerprint = ContentFingerprint(content);
  return data;
}

absl::string_view AliasKindName(AliasKind kind) {
  for (const KindWord& k : kKinds) {
    if (k.kind == kind) return k.word;
  }
  return "?";
}

absl::string_view RoleName(Role role) {
  for (const RoleWord& r : kRoles) {
    if (r.role == role) return r.word;
  }
  return "none";
}

}  // namespace dyadtone
