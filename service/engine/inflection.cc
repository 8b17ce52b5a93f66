#include "service/engine/inflection.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace dyadtone {
namespace {

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

bool IsConsonant(char c) { return c >= 'a' && c <= 'z' && !IsVowel(c); }

}  // namespace

std::vector<std::string> Inflect(absl::string_view lemma) {
  const std::string w(lemma);
  std::vector<std::string> forms = {w};
  const size_t n = w.size();
  const char last = w.back();
  const char before = n >= 2 ? w[n - 2] : '\0';

  // Third person / plural.
  if (absl::EndsWith(w, "s") || absl::EndsWith(w, "x") ||
      absl::EndsWith(w, "z") || absl::EndsWith(w, "ch") ||
      absl::EndsWith(w, "sh") || (last == 'o' && IsConsonant(before))) {
    forms.push_back(w + "es");
  } else if (last == 'y' && IsConsonant(before)) {
    forms.push_back(w.substr(0, n - 1) + "ies");
  } else {
    forms.push_back(w + "s");
  }

  // Past and present participle.
  if (last == 'e') {
    forms.push_back(w + "d");
    forms.push_back(w.substr(0, n - 1) + "ing");
    if (absl::EndsWith(w, "ee") || absl::EndsWith(w, "ye") ||
        absl::EndsWith(w, "oe")) {
      forms.push_back(w + "ing");  // agreeing, eyeing
    }
  } else if (last == 'y' && IsConsonant(before)) {
    forms.push_back(w.substr(0, n - 1) + "ied");
    forms.push_back(w + "ing");
  } else {
    forms.push_back(w + "ed");
    forms.push_back(w + "ing");
    // Consonant doubling after a single short vowel: regret -> regretted,
    // commit -> committed, ban -> banned. Also the British "travelled".
    const char third = n >= 3 ? w[n - 3] : '\0';
    if (IsConsonant(last) && last != 'w' && last != 'x' && last != 'y' &&
        IsVowel(before) && !IsVowel(third)) {
      forms.push_back(absl::StrCat(w, std::string(1, last), "ed"));
      forms.push_back(absl::StrCat(w, std::string(1, last), "ing"));
    }
  }
  // -ise / -ize spelling is left to the lexicon ("criticise+|criticize+").
  std::sort(forms.begin(), forms.end());
  forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
  return forms;
}

}  // namespace dyadtone
