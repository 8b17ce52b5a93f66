#include "service/engine/inflection.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dyadtone {
namespace {

using ::testing::IsSupersetOf;
using ::testing::Not;
using ::testing::Contains;

TEST(Inflect, RegularVerbs) {
  EXPECT_THAT(Inflect("value"),
              IsSupersetOf({"value", "values", "valued", "valuing"}));
  EXPECT_THAT(Inflect("deepen"),
              IsSupersetOf({"deepen", "deepens", "deepened", "deepening"}));
  EXPECT_THAT(Inflect("criticise"),
              IsSupersetOf({"criticises", "criticised", "criticising"}));
}

TEST(Inflect, ConsonantDoubling) {
  EXPECT_THAT(Inflect("regret"),
              IsSupersetOf({"regrets", "regretted", "regretting"}));
  EXPECT_THAT(Inflect("commit"),
              IsSupersetOf({"commits", "committed", "committing"}));
  EXPECT_THAT(Inflect("ban"), IsSupersetOf({"bans", "banned", "banning"}));
}

TEST(Inflect, YAndEs) {
  EXPECT_THAT(Inflect("ally"), IsSupersetOf({"allies", "allied", "allying"}));
  EXPECT_THAT(Inflect("reach"), IsSupersetOf({"reaches", "reached"}));
  EXPECT_THAT(Inflect("agree"), IsSupersetOf({"agreed", "agreeing"}));
  EXPECT_THAT(Inflect("agree"), Not(Contains("agreeed")));
  EXPECT_THAT(Inflect("pray"), IsSupersetOf({"prays", "prayed"}));
}

}  // namespace
}  // namespace dyadtone
