#include "service/engine/gazetteer.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseGazetteer, ReadsEveryLineKind) {
  const absl::StatusOr<GazetteerData> g = ParseGazetteer(
      "@version 7\n"
      "title Foreign Minister\n"
      "country PAK Pakistan  # comment\n"
      "name Pakistan; =Pak\n"
      "adj Pakistani\n"
      "people Pakistanis\n"
      "capital Islamabad\n"
      "seat Foreign Office of Pakistan\n"
      "person 2022-04-27..2023-08-10 foreign_minister Bilawal Bhutto "
      "Zardari; Bilawal\n"
      "person 2024-03-04.. head_of_government Shehbaz Sharif\n"
      "veto Pakistan Super League; <Name> Pakistan\n",
      "g.txt");
  ASSERT_THAT(g, IsOk());
  EXPECT_EQ(g->version, "7");
  EXPECT_EQ(g->fingerprint.size(), 16u);
  ASSERT_EQ(g->actors.size(), 1u);
  EXPECT_EQ(g->actors[0].code, "PAK");
  EXPECT_EQ(g->actors[0].name, "Pakistan");
  EXPECT_EQ(g->aliases.size(), 9u);
  EXPECT_EQ(g->aliases[1].case_rule, CaseRule::kAcronym);
  EXPECT_EQ(g->aliases[1].text, "Pak");
  EXPECT_EQ(g->aliases[5].kind, AliasKind::kSeat);
  EXPECT_THAT(g->aliases[5].tokens,
              ElementsAre("foreign", "office", "of", "pakistan"));
  const Alias& bilawal = g->aliases[6];
  EXPECT_EQ(bilawal.kind, AliasKind::kPerson);
  EXPECT_EQ(bilawal.role, Role::kForeignMinister);
  EXPECT_EQ(*bilawal.from, absl::CivilDay(2022, 4, 27));
  EXPECT_EQ(*bilawal.to, absl::CivilDay(2023, 8, 10));
  EXPECT_FALSE(g->aliases[8].to.has_value());
  ASSERT_EQ(g->vetoes.size(), 2u);
  EXPECT_THAT(g->vetoes[1].tokens, ElementsAre(kNameToken, "pakistan"));
  EXPECT_THAT(g->titles, ElementsAre("foreign", "minister"));
}

TEST(ParseGazetteer, ReadsOrganizationBlocks) {
  const absl::StatusOr<GazetteerData> g = ParseGazetteer(
      "@version 7\n"
      "country SRB Serbia\n"
      "name Serbia\n"
      "organization EU European Union\n"
      "name European Union; =EU\n"
      "seat Brussels\n"
      "person 2019-12-01..2024-11-30 official Josep Borrell\n"
      "organization G20 Group of Twenty\n"
      "name G20\n",
      "g.txt");
  ASSERT_THAT(g, IsOk());
  ASSERT_EQ(g->actors.size(), 3u);
  EXPECT_FALSE(g->actors[0].organization);
  EXPECT_EQ(g->actors[1].code, "EU");
  EXPECT_EQ(g->actors[1].name, "European Union");
  EXPECT_TRUE(g->actors[1].organization);
  EXPECT_EQ(g->actors[2].code, "G20");
  EXPECT_TRUE(g->actors[2].organization);
  ASSERT_EQ(g->aliases.size(), 6u);
  EXPECT_EQ(g->aliases[2].actor, 1);
  EXPECT_EQ(g->aliases[2].case_rule, CaseRule::kAcronym);
  EXPECT_EQ(g->aliases[4].kind, AliasKind::kPerson);
  EXPECT_EQ(g->aliases[4].actor, 1);
  EXPECT_EQ(g->aliases[5].actor, 2);
}

struct BadFile {
  std::string content;
  std::string error;  // expected in the message
};

TEST(ParseGazetteer, RejectsMalformedFilesWithFileLineAndReason) {
  const std::string head = "@version 1\ncountry PAK Pakistan\n";
  const BadFile cases[] = {
      {"", "g.txt: file is empty"},
      {"country PAK Pakistan\n", "g.txt:1: expected \"@version V\""},
      {"@version 1\nname Pakistan\n",
       "g.txt:2: \"name\" before the first \"country\" or \"organization\" "
       "line"},
      {"@version 1\ncountry PK Pakistan\n",
       "g.txt:2: country code \"PK\" is not three capital letters"},
      {"@version 1\ncountry PAK\n", "g.txt:2: country PAK has no name"},
      {head + "country PAK Again\n", "g.txt:3: country PAK is already defined "
                                     "on line 2"},
      {head + "nmae Pakistan\n", "g.txt:3: unknown line type \"nmae\""},
      {head + "name Pakistan;; Pak\n", "g.txt:3: empty item"},
      {head + "name Pakistan\ncountry IND India\nname Pakistan\n",
       "g.txt:5: alias \"Pakistan\" is already listed on line 3"},
      {head + "person 2022-01-01 head_of_state X Y\n",
       "g.txt:3: person needs a term FROM..TO"},
      {head + "person 2022-13-01.. head_of_state X Y\n",
       "g.txt:3: bad date in term"},
      {head + "person 2022-02-01..2021-01-01 head_of_state X Y\n",
       "g.txt:3: term \"2022-02-01..2021-01-01\" ends before it starts"},
      {head + "person 2022-02-01.. king X Y\n", "g.txt:3: unknown role \"king\""},
      {head + "veto Pakistan\n", "g.txt:3: veto \"Pakistan\" must have at least "
                                 "two tokens"},
      {head + "name ^\n", "g.txt:3: alias \"\" has no words"},
      {"@version 1\ncountry PAK Pak\xFFistan\n", "g.txt: invalid UTF-8 at byte"},
      {"@version 1\n", "g.txt:1: no \"country\" block"},
      {"@version 1\norganization EU European Union\nname EU\n",
       "g.txt:3: no \"country\" block"},
      {"@version 1\norganization E European Union\n",
       "g.txt:2: organization code \"E\" is not 2 to 8 capital letters"},
      {"@version 1\norganization Eu European Union\n",
       "g.txt:2: organization code \"Eu\""},
      {"@version 1\norganization EU\n", "g.txt:2: organization EU has no name"},
      {head + "organization PAK Pakistan Union\n",
       "g.txt:3: organization PAK is already defined on line 2"},
  };
  for (const BadFile& c : cases) {
    EXPECT_THAT(ParseGazetteer(c.content, "g.txt"),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(c.error)))
        << c.content;
  }
}

TEST(ParseGazetteer, TheShippedFileLoads) {
  const std::string path = DYADTONE_TESTDATA_DIR "/../../data/gazetteer.txt";
  const absl::StatusOr<GazetteerData> g =
      ParseGazetteer(ReadTestFile(path), path);
  ASSERT_THAT(g, IsOk());
  // Every UN member and observer state, and the territories.
  int countries = 0, organizations = 0;
  for (const Actor& a : g->actors) {
    ++(a.organization ? organizations : countries);
  }
  EXPECT_GE(countries, 195);
  // The organisations that news names most: the EU, the UN, NATO, ...
  EXPECT_GE(organizations, 20);
}

}  // namespace
}  // namespace dyadtone
