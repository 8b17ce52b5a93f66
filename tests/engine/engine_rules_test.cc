// The engine's rules, one at a time, on a small hand-made gazetteer and
// lexicon (tests/testdata/mini_*.txt), so that each test shows one rule and
// does not move when the shipped data grows.

#include <deque>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/engine/engine.h"
#include "tests/test_util.h"

namespace dyadtone {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Ne;
using Pair = std::pair<std::string, std::string>;

class EngineRulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto engine = Engine::FromContents(
        ReadTestFile(DYADTONE_TESTDATA_DIR "/mini_gazetteer.txt"),
        "mini_gazetteer.txt",
        ReadTestFile(DYADTONE_TESTDATA_DIR "/mini_lexicon.txt"),
        "mini_lexicon.txt");
    ASSERT_THAT(engine, IsOk());
    engine_ = engine->release();
  }
  static void TearDownTestSuite() { delete engine_; }

  // The result's evidence points into the text it was given (result.h),
  // so each text is kept until the test ends.
  ArticleResult Score(const std::string& text,
                      std::optional<absl::CivilDay> date = {}) {
    ArticleInput in{texts_.emplace_back(text)};
    in.date = date;
    absl::StatusOr<ArticleResult> r = engine_->Score(in);
    EXPECT_THAT(r, IsOk()) << text;
    return r.ok() ? *std::move(r) : ArticleResult();
  }

  static const DyadScore* Dyad(const ArticleResult& r, const std::string& x,
                               const std::string& y) {
    const DyadKey key = MakeDyadKey(x, y);
    for (const DyadScore& d : r.dyads) {
      if (d.dyad == key) return &d;
    }
    return nullptr;
  }

  double Tone(const std::string& text, const std::string& x,
              const std::string& y) {
    const ArticleResult r = Score(text);
    const DyadScore* d = Dyad(r, x, y);
    return d == nullptr ? 0 : d->tone;
  }

  // The source and target of every signal of `text`, in text order.
  std::vector<std::pair<std::string, std::string>> Pairs(
      const std::string& text) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const Evidence& e : Score(text).evidence) {
      pairs.emplace_back(e.source, e.target);
    }
    return pairs;
  }

  // The source and target of the one signal of `text`.
  std::pair<std::string, std::string> OnePair(const std::string& text) {
    const ArticleResult r = Score(text);
    EXPECT_EQ(r.evidence.size(), 1u) << text;
    if (r.evidence.size() != 1) return {};
    return {r.evidence[0].source, r.evidence[0].target};
  }

  // The attribution of every signal of `text`, in text order.
  std::vector<Attribution> Attributions(const std::string& text) {
    std::vector<Attribution> out;
    for (const Evidence& e : Score(text).evidence) {
      out.push_back(e.attribution);
    }
    return out;
  }

  std::vector<std::string> ActorCodes(const std::string& text) {
    std::vector<std::string> codes;
    for (const ActorCount& a : Score(text).actors) codes.push_back(a.code);
    std::sort(codes.begin(), codes.end());
    return codes;
  }

  static const Engine* engine_;
  std::deque<std::string> texts_;  // stable addresses
};
const Engine* EngineRulesTest::engine_ = nullptr;

TEST_F(EngineRulesTest, WarmSignalIsAttributedWithDirectionAndEvidence) {
  const std::string text =
      "Pakistan values its long friendship with the United States.";
  const ArticleResult r = Score(text);
  ASSERT_EQ(r.evidence.size(), 1u);
  const Evidence& e = r.evidence[0];
  EXPECT_EQ(e.text, "values its long friendship");
  EXPECT_EQ(text.substr(e.span.begin, e.span.end - e.span.begin), e.text);
  EXPECT_EQ(e.pattern, "value+ ~3 friendship|relationship|ties");
  EXPECT_EQ(e.lexicon_line, 3);
  EXPECT_EQ(e.entry_class, QuadClass::kVerbalCooperation);
  EXPECT_EQ(e.source, "PAK");
  EXPECT_EQ(e.target, "USA");
  EXPECT_EQ(e.attribution, Attribution::kClause);
  ASSERT_TRUE(r.main_dyad.has_value());
  EXPECT_EQ(r.main_dyad->a, "PAK");
  EXPECT_EQ(r.main_dyad->b, "USA");
  const DyadScore* d = Dyad(r, "USA", "PAK");
  ASSERT_NE(d, nullptr);
  // One signal of weight 3: tone = 3 / (3 + kEvidencePrior).
  EXPECT_THAT(d->tone, DoubleNear(3.0 / 7.0, 1e-9));
  EXPECT_EQ(d->raw_sum, 3.0);
  EXPECT_EQ(d->class_counts[0], 1);
  EXPECT_EQ(d->directed_sum[0], 3.0);  // PAK -> USA
  EXPECT_EQ(d->goldstein_mean, 3.0);
}

TEST_F(EngineRulesTest, RegretTakesItsSignFromContext) {
  const ArticleResult over =
      Score("The United States expressed regret over Pakistan's decision.");
  ASSERT_EQ(over.evidence.size(), 1u);
  EXPECT_EQ(over.evidence[0].entry_class, QuadClass::kVerbalConflict);
  EXPECT_LT(Dyad(over, "PAK", "USA")->tone, 0);

  const ArticleResult for_incident = Score(
      "Pakistan expressed regret for the incident involving American "
      "diplomats.");
  ASSERT_EQ(for_incident.evidence.size(), 1u);
  EXPECT_EQ(for_incident.evidence[0].entry_class,
            QuadClass::kVerbalCooperation);
  EXPECT_GT(Dyad(for_incident, "PAK", "USA")->tone, 0);
}

TEST_F(EngineRulesTest, NegationFlipsAndScales) {
  const ArticleResult r =
      Score("Pakistan was not satisfied with the United States.");
  ASSERT_EQ(r.evidence.size(), 1u);
  const Evidence& e = r.evidence[0];
  ASSERT_EQ(e.modifiers.size(), 1u);
  EXPECT_EQ(e.modifiers[0].type, ModifierType::kNegation);
  EXPECT_EQ(e.modifiers[0].text, "not");
  EXPECT_EQ(e.contribution, 2.0 * -0.75);
  EXPECT_EQ(e.effective_class, QuadClass::kVerbalConflict);
  EXPECT_LT(Dyad(r, "PAK", "USA")->tone, 0);

  // Cold turns warm.
  EXPECT_GT(Tone("Pakistan is not abandoning its ties with the United States.",
                 "PAK", "USA"),
            0);
  EXPECT_LT(Tone("Pakistan is abandoning its ties with the United States.",
                 "PAK", "USA"),
            0);
  // Multi-word negators and clitics.
  EXPECT_LT(Tone("Pakistan failed to provide aid to the United States.", "PAK",
                 "USA"),
            0);
  EXPECT_LT(Tone("Pakistan isn't satisfied with the United States.", "PAK",
                 "USA"),
            0);
  // A negator of several words counts when its last word is in the four
  // tokens before the signal, though its first is not.
  EXPECT_LT(Tone("Pakistan refused to openly and publicly value its friendship "
                 "with the United States.",
                 "PAK", "USA"),
            0);
  EXPECT_GT(Tone("Pakistan refused to say it would openly and publicly value "
                 "its friendship with the United States.",
                 "PAK", "USA"),
            0);
}

TEST_F(EngineRulesTest, NonNegatorsAndClauseBoundariesStopNegation) {
  EXPECT_GT(Tone("Pakistan not only values its ties with the United States.",
                 "PAK", "USA"),
            0);
  // The negation is in another clause.
  EXPECT_GT(Tone("Pakistan did not hesitate; it deepened ties with the United "
                 "States.",
                 "PAK", "USA"),
            0);
}

TEST_F(EngineRulesTest, IntensifiersBeforeAndInsideTheMatch) {
  const ArticleResult before =
      Score("The United States deeply regrets Pakistan's move.");
  ASSERT_EQ(before.evidence.size(), 1u);
  EXPECT_EQ(before.evidence[0].contribution, -2.0 * 1.5);

  const ArticleResult inside =
      Score("The United States expressed deep regret over Pakistan's move.");
  ASSERT_EQ(inside.evidence.size(), 1u);
  EXPECT_EQ(inside.evidence[0].text, "expressed deep regret over");
  ASSERT_EQ(inside.evidence[0].modifiers.size(), 1u);
  EXPECT_EQ(inside.evidence[0].modifiers[0].text, "deep");
  EXPECT_EQ(inside.evidence[0].contribution, -2.0 * 1.5);

  const ArticleResult damp =
      Score("Pakistan slightly criticised the United States.");
  EXPECT_EQ(damp.evidence[0].contribution, -3.0 * 0.5);
}

TEST_F(EngineRulesTest, HedgesScaleDown) {
  const ArticleResult r = Score("Pakistan may criticise the United States.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_THAT(r.evidence[0].contribution, DoubleNear(-3.0 * 0.6, 1e-12));
  EXPECT_EQ(r.evidence[0].modifiers[0].type, ModifierType::kHedge);
}

TEST_F(EngineRulesTest, ContrastWeighsTheClauseAfterMore) {
  const ArticleResult r = Score(
      "Pakistan criticised the United States but values its friendship "
      "with America.");
  ASSERT_EQ(r.evidence.size(), 2u);
  EXPECT_EQ(r.evidence[0].contribution, -3.0 * 0.5);
  EXPECT_EQ(r.evidence[1].contribution, 3.0 * 1.5);
  EXPECT_GT(Dyad(r, "PAK", "USA")->tone, 0);

  // "although" dampens its own clause.
  const ArticleResult a = Score(
      "Although Pakistan criticised the United States, it deepened ties "
      "with America.");
  ASSERT_EQ(a.evidence.size(), 2u);
  EXPECT_EQ(a.evidence[0].contribution, -3.0 * 0.5);
  EXPECT_EQ(a.evidence[1].contribution, 3.0 * 1.2);
}

TEST_F(EngineRulesTest, LongestMatchHidesShorterPatterns) {
  const ArticleResult r =
      Score("China suspended cooperation with the United States.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].pattern, "suspend+ ~3 cooperation");
  EXPECT_LT(Dyad(r, "CHN", "USA")->tone, 0);
}

TEST_F(EngineRulesTest, ProceduralWordsScoreNothing) {
  const ArticleResult r =
      Score("Pakistani and American officials met in Islamabad.");
  EXPECT_TRUE(r.evidence.empty());
  const DyadScore* d = Dyad(r, "PAK", "USA");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->tone, 0);
  EXPECT_EQ(d->co_mentions, 1);
}

TEST_F(EngineRulesTest, AThirdCountryDoesNotSoakUpTheSignals) {
  const ArticleResult r = Score(
      "Pakistan values its friendship with the United States, while China "
      "criticised India.");
  const DyadScore* pak_usa = Dyad(r, "PAK", "USA");
  ASSERT_NE(pak_usa, nullptr);
  EXPECT_GT(pak_usa->tone, 0);
  EXPECT_EQ(pak_usa->signals, 1);
  const DyadScore* chn_ind = Dyad(r, "CHN", "IND");
  ASSERT_NE(chn_ind, nullptr);
  EXPECT_LT(chn_ind->tone, 0);
  for (const Evidence& e : r.evidence) {
    if (e.pattern.rfind("value", 0) == 0) {
      EXPECT_NE(e.source, "CHN");
      EXPECT_NE(e.target, "CHN");
    }
  }
}

TEST_F(EngineRulesTest, ASpeakerOfTheMainDyadNeedsNoSecondName) {
  const ArticleResult r = Score(
      "Pakistan and the United States held talks in Islamabad. \"We value "
      "our friendship with the United States,\" the statement said.");
  ASSERT_EQ(r.evidence.size(), 1u);
  const Evidence& e = r.evidence[0];
  EXPECT_EQ(e.attribution, Attribution::kMainDyadSpeaker);
  EXPECT_EQ(e.source, "PAK");
  EXPECT_EQ(e.target, "USA");
  EXPECT_GT(Dyad(r, "PAK", "USA")->tone, 0);
}

TEST_F(EngineRulesTest, DyadMarkersResolveToTheMainDyad) {
  const ArticleResult r = Score(
      "Pakistan and the United States met in Islamabad. Both sides "
      "expressed satisfaction.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].attribution, Attribution::kMainDyadMarker);
  ASSERT_TRUE(r.evidence[0].dyad.has_value());
  EXPECT_EQ(*r.evidence[0].dyad, MakeDyadKey("PAK", "USA"));
  EXPECT_TRUE(r.evidence[0].source.empty());
}

TEST_F(EngineRulesTest, ASignalWithoutAPairScoresNoDyad) {
  const ArticleResult r = Score(
      "Pakistan and the United States met in Islamabad. Militants attacked "
      "homes in Pakistan.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].attribution, Attribution::kNone);
  EXPECT_FALSE(r.evidence[0].dyad.has_value());
  EXPECT_EQ(Dyad(r, "PAK", "USA")->signals, 0);
}

TEST_F(EngineRulesTest, PassiveVoiceSwapsDirection) {
  EXPECT_EQ(OnePair("Pakistan's decision was criticised by the United States."),
            Pair("USA", "PAK"));
}

// Two countries joined by "and" on either side: the signal counts once for
// each dyad.
TEST_F(EngineRulesTest, CoordinatedCountriesEachGetTheSignal) {
  ArticleResult r = Score("China criticised the United States and India.");
  ASSERT_EQ(r.evidence.size(), 2u);
  std::set<std::pair<std::string, std::string>> pairs;
  for (const Evidence& e : r.evidence) pairs.insert({e.source, e.target});
  EXPECT_EQ(pairs, (std::set<std::pair<std::string, std::string>>{
                       {"CHN", "USA"}, {"CHN", "IND"}}));
  r = Score("Pakistan and India criticised the United States.");
  ASSERT_EQ(r.evidence.size(), 2u);
  pairs.clear();
  for (const Evidence& e : r.evidence) pairs.insert({e.source, e.target});
  EXPECT_EQ(pairs, (std::set<std::pair<std::string, std::string>>{
                       {"PAK", "USA"}, {"IND", "USA"}}));
  EXPECT_LT(Dyad(r, "PAK", "USA")->tone, 0);
  EXPECT_LT(Dyad(r, "IND", "USA")->tone, 0);
}

// Which "by" names the signal's agent, the source having been named before
// the signal: one right after it, or a passive participle's a few words on;
// and a "from" right after a noun.
TEST_F(EngineRulesTest, OnlyAPassiveByNamesTheAgent) {
  struct Case {
    std::string text, source, target;
  };
  const Case cases[] = {
      // A passive participle, "by" a few words on.
      {"Pakistan was strongly criticised on Monday by the United States.",
       "USA", "PAK"},
      // A noun whose agent follows it.
      {"Pakistan rejected the criticism by the United States.", "USA",
       "PAK"},
      // An active verb: "by" names the agent of its object.
      {"Pakistan criticised the remarks by the United States.", "PAK",
       "USA"},
      // A verb and its object in one match.
      {"Pakistan summoned the envoy over remarks by the United States.",
       "PAK", "USA"},
      // A noun's source after "from": "a sharp rebuke from Beijing".
      {"The United States faced criticism from Pakistan.", "PAK", "USA"},
  };
  for (const Case& c : cases) {
    const ArticleResult r = Score(c.text);
    ASSERT_EQ(r.evidence.size(), 1u) << c.text;
    EXPECT_EQ(r.evidence[0].source, c.source) << c.text;
    EXPECT_EQ(r.evidence[0].target, c.target) << c.text;
  }
}

// "hosted by" is part of the pattern "attend+ ~3 summit|talks ?hosted ?by":
// its "by" names the host, not the agent of the signal, which stays the
// country that did not attend.
TEST_F(EngineRulesTest, AByInsideTheMatchMarksNoPassiveAgent) {
  const ArticleResult r = Score(
      "Pakistan did not attend the summit hosted by the United States.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].text, "attend the summit hosted by");
  EXPECT_EQ(r.evidence[0].source, "PAK");
  EXPECT_EQ(r.evidence[0].target, "USA");
  EXPECT_LT(r.evidence[0].contribution, 0);  // negated
  const ArticleResult warm =
      Score("Pakistan attended the talks hosted by the United States.");
  ASSERT_EQ(warm.evidence.size(), 1u);
  EXPECT_EQ(warm.evidence[0].source, "PAK");
  EXPECT_GT(warm.evidence[0].contribution, 0);
}

// An event's agent is the country named right before it ("the Indian
// attack"), or right before the preposition that makes it the topic of
// another act ("criticised India over the attack"), not the sentence's
// subject.
TEST_F(EngineRulesTest, AnEventsAgentStandsRightBeforeIt) {
  ArticleResult r =
      Score("The United States criticised India over the attack on Pakistan.");
  ASSERT_EQ(r.evidence.size(), 2u);
  EXPECT_EQ(r.evidence[0].source, "USA");
  EXPECT_EQ(r.evidence[0].target, "IND");
  EXPECT_EQ(r.evidence[1].text, "attack");
  EXPECT_EQ(r.evidence[1].source, "IND");
  EXPECT_EQ(r.evidence[1].target, "PAK");
  const DyadScore* us_pak = Dyad(r, "PAK", "USA");  // named together only
  ASSERT_NE(us_pak, nullptr);
  EXPECT_EQ(us_pak->signals, 0);

  r = Score("Pakistan criticised the Indian attack on China.");
  ASSERT_EQ(r.evidence.size(), 2u);
  EXPECT_EQ(r.evidence[1].source, "IND");
  EXPECT_EQ(r.evidence[1].target, "CHN");

  // Without a country before the preposition, the subject still acts.
  r = Score("Pakistan criticised the United States over the attack.");
  ASSERT_EQ(r.evidence.size(), 2u);
  EXPECT_EQ(r.evidence[1].source, "USA");
}

// "<X>'s decision to <signal>": X acts, whoever welcomes or condemns it.
TEST_F(EngineRulesTest, AnActOfTheOwnerOfADecision) {
  EXPECT_THAT(Pairs("China criticised India's decision to attack Pakistan."),
              ElementsAre(Pair("CHN", "IND"), Pair("IND", "PAK")));
  EXPECT_THAT(Pairs("China criticised India's surprise move to join the "
                    "attack on Pakistan."),
              ElementsAre(Pair("CHN", "IND"), Pair("IND", "PAK")));
}

// The speaker named right after a quotation acts in it when the quotation
// names no country before the signal.
TEST_F(EngineRulesTest, TheSpeakerOfAQuotationActsInIt) {
  EXPECT_EQ(OnePair("\"We deeply regret this provocation,\" China's foreign "
                    "ministry said of the American move."),
            Pair("CHN", "USA"));
  EXPECT_EQ(OnePair("\"We criticise this decision,\" said Pakistan's "
                    "foreign minister of the Indian move."),
            Pair("PAK", "IND"));
  // A quotation with its own subject keeps it.
  EXPECT_EQ(OnePair("\"The United States values its friendship with "
                    "India,\" Pakistan's foreign minister said."),
            Pair("USA", "IND"));
  // Scare quotes name no speaker.
  EXPECT_EQ(OnePair("India said the \"regret\" of the Chinese side was "
                    "welcome.")
                .first,
            "IND");
}

// The one country of a signal's clause is its target when named after the
// signal, even if the sentence named it before.
TEST_F(EngineRulesTest, TheClausesCountryKeepsItsPlace) {
  const ArticleResult r = Score(
      "Pakistan, which has long criticised China, deepened ties with "
      "Beijing.");
  ASSERT_EQ(r.evidence.size(), 2u);
  EXPECT_EQ(r.evidence[1].text, "deepened ties");
  EXPECT_EQ(r.evidence[1].source, "PAK");
  EXPECT_EQ(r.evidence[1].target, "CHN");
}

// "X and Y ... over Z": Z is what the pair's joint act is about, not a
// party to it.
TEST_F(EngineRulesTest, ATopicIsNotAParty) {
  const ArticleResult r =
      Score("Pakistan and India have strained ties over China.");
  ASSERT_EQ(r.evidence.size(), 1u);
  ASSERT_TRUE(r.evidence[0].dyad.has_value());
  EXPECT_EQ(*r.evidence[0].dyad, MakeDyadKey("IND", "PAK"));
  EXPECT_TRUE(r.evidence[0].source.empty());  // joint: no direction
  EXPECT_LT(Tone("Pakistan and India have strained ties over China.", "IND",
                 "PAK"),
            0);
}

// "a statement criticising India": the document acts, for the country
// named right before it, never for the sentence's subject.
TEST_F(EngineRulesTest, ADocumentActsForItsAuthor) {
  ArticleResult r = Score("China blocked a statement criticising India.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].attribution, Attribution::kNone);
  EXPECT_FALSE(r.evidence[0].dyad.has_value());

  r = Score("China blocked a Pakistani statement criticising India.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].source, "PAK");
  EXPECT_EQ(r.evidence[0].target, "IND");
}

// "the attack in Pakistan" involves Pakistan.
TEST_F(EngineRulesTest, AnEventInvolvesTheCountryItIsIn) {
  ArticleResult r = Score("China criticised the Indian attack in Pakistan.");
  ASSERT_EQ(r.evidence.size(), 2u);
  EXPECT_EQ(r.evidence[1].text, "attack");
  EXPECT_EQ(r.evidence[1].source, "IND");
  EXPECT_EQ(r.evidence[1].target, "PAK");

  // The subject only speaks of it: no pair, not even the main dyad's.
  r = Score("Pakistan and China met in Beijing. Pakistan's minister spoke of "
            "the attack in India during a visit to China.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].attribution, Attribution::kNone);
  EXPECT_EQ(Dyad(r, "CHN", "PAK")->signals, 0);
}

// "accused India of attacking China": the accused acts in the gerund.
TEST_F(EngineRulesTest, TheAccusedActsInWhatItIsAccusedOf) {
  EXPECT_EQ(OnePair("Pakistan accused India of attacking China."),
            Pair("IND", "CHN"));
}

// What a country is urged to do has not happened: no pair.
TEST_F(EngineRulesTest, AnUrgedActScoresNoDyad) {
  ArticleResult r =
      Score("China urged India and Pakistan to deepen ties with Turkey.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].attribution, Attribution::kNone);
  EXPECT_EQ(Score("China called on India to deepen ties with Turkey.")
                .evidence[0]
                .attribution,
            Attribution::kNone);
  // A country's own plan is not urged.
  r = Score("India wants to deepen ties with Turkey.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].source, "IND");
}

// The same one step further: "urged China to use its influence on Russia
// to end the war".
TEST_F(EngineRulesTest, AnActUrgedThroughAnotherScoresNoDyad) {
  EXPECT_THAT(Attributions("Turkey urged China to use its influence on India "
                           "to end the war."),
              ElementsAre(Attribution::kNone));
  // Not across a clause: "..., and India agreed to end the war" is no
  // urged act.
  EXPECT_EQ(OnePair("Turkey urged China to use its influence, and India "
                    "agreed to end the war with Pakistan."),
            Pair("IND", "PAK"));
}

// Both agents of a passive "by X and Y" act, on the country named besides
// them.
TEST_F(EngineRulesTest, APassiveByNamesBothAgents) {
  EXPECT_THAT(Pairs("Pakistan was criticised by India and China."),
              ElementsAre(Pair("IND", "PAK"), Pair("CHN", "PAK")));
  EXPECT_THAT(Pairs("The criticism by India and the United States has hurt "
                    "Pakistan."),
              ElementsAre(Pair("IND", "PAK"), Pair("USA", "PAK")));
}

// A vote is a document: "abstained from the EU vote criticising" is the
// EU's criticism, not the abstainer's.
TEST_F(EngineRulesTest, AVoteActsForItsAuthor) {
  const ArticleResult r =
      Score("India abstained from the EU vote criticising China.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].attribution, Attribution::kOrganization);
  EXPECT_EQ(Pair(r.evidence[0].source, r.evidence[0].target),
            Pair("EU", "CHN"));
}

// An event named only as a time is no act of the sentence's countries;
// with its parties named it is theirs.
TEST_F(EngineRulesTest, AnEventNamedAsATimeScoresNoDyad) {
  const ArticleResult r = Score(
      "Turkey has been one of Pakistan's staunchest allies since the "
      "attack.");
  ASSERT_EQ(r.evidence.size(), 2u);
  EXPECT_EQ(r.evidence[1].attribution, Attribution::kNone);
  EXPECT_GT(Dyad(r, "PAK", "TUR")->tone, 0);
  EXPECT_THAT(Attributions("India has traded with China since the start of "
                           "the war."),
              ElementsAre(Attribution::kNone));
  EXPECT_EQ(OnePair("Relations have been frozen since the attack on India "
                    "by Pakistan."),
            Pair("PAK", "IND"));
}

// "after [two] years of <signal>" is a time too.
TEST_F(EngineRulesTest, ASpanOfTimeIsATime) {
  EXPECT_THAT(Attributions("Turkey and India agreed to deepen ties after "
                           "years of strained relations."),
              ElementsAre(Attribution::kClause, Attribution::kNone));
  EXPECT_THAT(Attributions("Turkey and India deepened ties after two decades "
                           "of strained relations."),
              ElementsAre(Attribution::kClause, Attribution::kNone));
  // Not a span of time: "years of" only.
  EXPECT_THAT(Attributions("Turkey and India deepened ties after a history "
                           "of strained relations."),
              ElementsAre(Attribution::kClause, Ne(Attribution::kNone)));
}

// "that <X> [would] <signal>": the reported clause's subject acts.
TEST_F(EngineRulesTest, AReportedClauseActsForItsSubject) {
  EXPECT_EQ(OnePair("Pakistan's minister said Islamabad was hopeful that "
                    "China would deepen ties."),
            Pair("CHN", "PAK"));
  EXPECT_EQ(OnePair("Pakistan said that it would deepen ties with China."),
            Pair("PAK", "CHN"));
}

// A pair joined by "and" acts jointly even when the sentence names one of
// them again after the signal.
TEST_F(EngineRulesTest, AJointActSurvivesARepeatedName) {
  const ArticleResult r = Score(
      "Turkey and India agreed to deepen ties, the first such step between "
      "India and a Gulf partner.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].source, "");
  EXPECT_EQ(r.evidence[0].attribution, Attribution::kClause);
}

// What a protest is about comes from the protest's target, unless the
// act names its own parties.
TEST_F(EngineRulesTest, AProtestedActIsTheTargets) {
  EXPECT_THAT(Pairs("India summoned the Pakistani envoy over attacks on its "
                    "soldiers."),
              ElementsAre(Pair("IND", "PAK"), Pair("PAK", "IND")));
  // Not swapped: Pakistan is the attacks' target, whoever made them.
  const auto pairs = Pairs("India criticised the attacks on Pakistan.");
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_NE(pairs[1], Pair("PAK", "IND"));
  EXPECT_THAT(Pairs("India criticised China's attacks."),
              ElementsAre(Pair("IND", "CHN"), Pair("CHN", "IND")));
}

// "the attack" names the event an earlier sentence attributed: it keeps
// that pair, and a condemnation of it is of its agent.
TEST_F(EngineRulesTest, TheEventAnEarlierSentenceNamed) {
  const ArticleResult r = Score(
      "Pakistan attacked India on Monday. China criticised the attack.");
  ASSERT_EQ(r.evidence.size(), 3u);
  EXPECT_EQ(r.evidence[1].attribution, Attribution::kAntecedent);
  EXPECT_EQ(Pair(r.evidence[1].source, r.evidence[1].target),
            Pair("CHN", "PAK"));
  EXPECT_EQ(r.evidence[2].attribution, Attribution::kAntecedent);
  EXPECT_EQ(Pair(r.evidence[2].source, r.evidence[2].target),
            Pair("PAK", "IND"));
  // An event with its own party named is another one.
  const ArticleResult other = Score(
      "Pakistan attacked India on Monday. China criticised the attack on "
      "Turkey.");
  ASSERT_EQ(other.evidence.size(), 3u);
  EXPECT_EQ(other.evidence[1].attribution, Attribution::kClause);
  EXPECT_EQ(other.evidence[2].attribution, Attribution::kClause);
  // Nor does an event four sentences back.
  EXPECT_NE(Score("Pakistan attacked India. Turkey met Georgia. Turkey met "
                  "Georgia. Turkey met Georgia. China criticised the attack.")
                .evidence[1]
                .attribution,
            Attribution::kAntecedent);
}

// "to X's anger": X reacts to what the sentence's subject did, not to
// the organisation it joined.
TEST_F(EngineRulesTest, AReactionIsToTheSubject) {
  EXPECT_EQ(OnePair("Turkey joined the EU in March, to India's anger."),
            Pair("IND", "TUR"));
}

// A question asks, it does not assert: hedged like "may", once.
TEST_F(EngineRulesTest, AQuestionIsHedged) {
  ArticleResult r = Score("Will Pakistan and India deepen ties?");
  ASSERT_EQ(r.evidence.size(), 1u);
  ASSERT_EQ(r.evidence[0].modifiers.size(), 1u);
  EXPECT_EQ(r.evidence[0].modifiers[0].type, ModifierType::kHedge);
  EXPECT_EQ(r.evidence[0].modifiers[0].text, "?");
  EXPECT_DOUBLE_EQ(r.evidence[0].contribution, 3.0 * 0.6);
  r = Score("Might Pakistan and India deepen ties?");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_DOUBLE_EQ(r.evidence[0].contribution, 3.0 * 0.6);
  r = Score("Pakistan and India deepened ties.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_DOUBLE_EQ(r.evidence[0].contribution, 3.0);
}

// A noun that names its own agent and target keeps them, and a
// disapproval of it is of its agent.
TEST_F(EngineRulesTest, ANounNamesItsOwnAgentAndTarget) {
  EXPECT_THAT(Pairs("Turkey did not criticise the attack on India by "
                    "Pakistan."),
              ElementsAre(Pair("TUR", "PAK"), Pair("PAK", "IND")));
  EXPECT_THAT(Pairs("Turkey criticised the attack by Pakistan on India."),
              ElementsAre(Pair("TUR", "PAK"), Pair("PAK", "IND")));
}

// What a country is asked to do has not happened either.
TEST_F(EngineRulesTest, ARequestedActScoresNoDyad) {
  EXPECT_THAT(Attributions("Turkey ignored Pakistan's requests to provide "
                           "aid to India."),
              ElementsAre(Attribution::kNone));
  EXPECT_THAT(Attributions("Turkey ignored calls from Pakistan to provide "
                           "aid to India."),
              ElementsAre(Attribution::kNone));
}

// "<X>, which <signal>": X acts, towards the sentence's subject.
TEST_F(EngineRulesTest, ARelativeClauseActsForItsSubject) {
  EXPECT_THAT(Pairs("Pakistan's decision angered China, which downgraded "
                    "ties."),
              ElementsAre(Pair("PAK", "CHN"), Pair("CHN", "PAK")));
}

// "with the help of X": X gives, to the sentence's subject if named.
TEST_F(EngineRulesTest, TheHelperGivesTheHelp) {
  EXPECT_THAT(Pairs("Pakistan said the drones were intercepted with the help "
                    "of the United States and Jordan."),
              ElementsAre(Pair("USA", "PAK"), Pair("JOR", "PAK")));
  EXPECT_EQ(OnePair("The bridge was rebuilt with the help of the United "
                    "States, Pakistani officials said."),
            Pair("USA", "PAK"));
}

// A subject that receives a signal is its target.
TEST_F(EngineRulesTest, TheSubjectReceivesWhatItReceived) {
  EXPECT_EQ(OnePair("India received a warm welcome in Washington."),
            Pair("USA", "IND"));
  EXPECT_EQ(OnePair("India gave a warm welcome to the American delegation."),
            Pair("IND", "USA"));
}

// A feeling's "by" names its cause, not its agent.
TEST_F(EngineRulesTest, AFeelingsByNamesItsCause) {
  EXPECT_EQ(Pairs("Turkey said it was deeply disappointed by Georgia's "
                  "veto.")[0],
            Pair("TUR", "GEO"));
  EXPECT_EQ(OnePair("Disappointed by the Indian decision, Turkey recalled "
                    "its envoy."),
            Pair("TUR", "IND"));
}

// "The two countries ..." at the head of a clause: the main dyad acts,
// each side towards a third country named after the signal.
TEST_F(EngineRulesTest, ADyadMarkerAsSubjectIsTheMainDyad) {
  ArticleResult r = Score(
      "Pakistan and the United States held talks in Islamabad. The two "
      "countries also pledged to deepen ties with India.");
  ASSERT_EQ(r.evidence.size(), 2u);
  std::set<std::pair<std::string, std::string>> pairs;
  for (const Evidence& e : r.evidence) {
    EXPECT_EQ(e.attribution, Attribution::kMainDyadMarker);
    pairs.insert({e.source, e.target});
  }
  EXPECT_EQ(pairs, (std::set<std::pair<std::string, std::string>>{
                       {"PAK", "IND"}, {"USA", "IND"}}));

  // No third country: the pair itself.
  r = Score("Pakistan and the United States held talks in Islamabad. Both "
            "sides also pledged to deepen ties.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(*r.evidence[0].dyad, MakeDyadKey("PAK", "USA"));

  // A pair named in the sentence is the one the marker stands for.
  r = Score("Pakistan and the United States held talks in Islamabad. The two "
            "leaders hailed deepening ties between India and China.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(*r.evidence[0].dyad, MakeDyadKey("CHN", "IND"));
}

// The place of a dateline is where the report was filed.
TEST_F(EngineRulesTest, ADatelinePlaceDoesNotAct) {
  for (const char* text :
       {"ISLAMABAD, March 12 - India said it would attack China.",
        "Islamabad [Pakistan], March 12 (ANI): India said it would attack "
        "China."}) {
    EXPECT_EQ(OnePair(text), Pair("IND", "CHN")) << text;
  }
  // Not a dateline: the capital speaks for the state.
  EXPECT_EQ(OnePair("Islamabad said it would attack India on March 12."),
            Pair("PAK", "IND"));
}

// "the leadership in Pakistan" is Pakistan, not a place in it.
TEST_F(EngineRulesTest, AStatesAgentsInItAreTheState) {
  EXPECT_EQ(
      OnePair("After the talks, the leadership in Pakistan criticised India, "
              "Washington said."),
      Pair("PAK", "IND"));
}

// A clause that names no country before its signal continues the
// sentence's subject.
TEST_F(EngineRulesTest, ACoordinatedClauseKeepsTheSubject) {
  EXPECT_EQ(
      OnePair(
          "China held talks in Islamabad, and criticised India over its ties "
          "with the United States."),
      Pair("CHN", "IND"));
}

// An organisation acts and is acted upon, so its signals go to no country
// pair around it; it forms no dyad and is not among the actors.
TEST_F(EngineRulesTest, OrganizationsActButFormNoDyad) {
  ArticleResult r =
      Score("The EU criticised Pakistan's decision to attack India.");
  ASSERT_EQ(r.evidence.size(), 2u);
  const Evidence& criticised = r.evidence[0];
  EXPECT_EQ(criticised.attribution, Attribution::kOrganization);
  EXPECT_EQ(criticised.source, "EU");
  EXPECT_EQ(criticised.target, "PAK");
  EXPECT_FALSE(criticised.dyad.has_value());
  EXPECT_EQ(r.evidence[1].source, "PAK");
  EXPECT_EQ(r.evidence[1].target, "IND");
  ASSERT_EQ(r.dyads.size(), 1u);
  EXPECT_EQ(r.dyads[0].dyad, MakeDyadKey("IND", "PAK"));
  EXPECT_EQ(r.dyads[0].signals, 1);
  EXPECT_THAT(ActorCodes("The EU criticised Pakistan's decision to attack "
                         "India."),
              ElementsAre("IND", "PAK"));

  // Without the EU as an actor, the speaker of the main dyad would take it.
  r = Score("Pakistan and the United States met in Islamabad. Pakistan "
            "criticised the European Union.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].attribution, Attribution::kOrganization);
  EXPECT_EQ(r.evidence[0].target, "EU");
  EXPECT_EQ(Dyad(r, "PAK", "USA")->signals, 0);

  // The organisation's coordinated partner keeps its pair, once.
  r = Score("The EU and China criticised India.");
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.evidence[0].source, "CHN");
  EXPECT_EQ(r.evidence[0].target, "IND");
  EXPECT_LT(Dyad(r, "CHN", "IND")->tone, 0);

  // Named as a place, an organisation neither acts nor is acted upon.
  EXPECT_EQ(OnePair("Pakistan criticised India at the EU summit."),
            Pair("PAK", "IND"));
  // Nor does the post of an envoy: the envoy's country acts.
  EXPECT_EQ(OnePair("The Pakistani ambassador to the EU criticised India."),
            Pair("PAK", "IND"));

  // A veto: "non-EU" names no actor.
  EXPECT_THAT(ActorCodes("Pakistan and other non-EU states criticised "
                         "China."),
              ElementsAre("CHN", "PAK"));
  EXPECT_LT(Tone("Pakistan and other non-EU states criticised China.", "CHN",
                 "PAK"),
            0);

  // Dyads of interest are countries only.
  EXPECT_TRUE(engine_->IsKnownCountry("PAK"));
  EXPECT_FALSE(engine_->IsKnownCountry("EU"));
  EXPECT_EQ(engine_->info().organizations, 2);
}

// A signal word inside an actor's name is part of the name.
TEST_F(EngineRulesTest, AWordOfAnActorsNameIsNoSignal) {
  EXPECT_TRUE(Score("China and India attended the Shanghai Cooperation "
                    "Organisation meeting.")
                  .evidence.empty());
  EXPECT_EQ(Score("China and India pledged cooperation.").evidence.size(), 1u);
}

TEST_F(EngineRulesTest, NamesAfterATitleAreLearntForTheArticle) {
  EXPECT_EQ(
      OnePair("US Deputy Secretary of State Wendy Sherman spoke to reporters. "
              "Sherman criticised Pakistan."),
      Pair("USA", "PAK"));
  // Without the introduction, "Sherman" is nobody.
  const ArticleResult unknown = Score("Sherman criticised Pakistan.");
  EXPECT_FALSE(unknown.evidence[0].dyad.has_value());
}

TEST_F(EngineRulesTest, PersonsSpeakForTheStateOnlyWhileInOffice) {
  const std::string text = "Blinken criticised Pakistan.";
  const ArticleResult in_office = Score(text, absl::CivilDay(2022, 5, 1));
  EXPECT_THAT(in_office.actors.size(), 2u);
  EXPECT_EQ(in_office.evidence[0].source, "USA");
  const ArticleResult after = Score(text, absl::CivilDay(2026, 5, 1));
  EXPECT_EQ(after.actors.size(), 1u);
  // Without a date every term counts.
  EXPECT_EQ(Score("Blinken met reporters.").actors.size(), 1u);
  // Middle initials.
  EXPECT_EQ(Score("antony J. blinken met Antony Blinken.").actors[0].mentions,
            2);
}

TEST_F(EngineRulesTest, CaseDecidesWhereItMatters) {
  EXPECT_THAT(ActorCodes("They told us about it."), ElementsAre());
  EXPECT_THAT(ActorCodes("The US said so."), ElementsAre("USA"));
  EXPECT_THAT(ActorCodes("He met the Us secretary of state."),
              ElementsAre("USA"));
  EXPECT_THAT(ActorCodes("Us and them."), ElementsAre());
  EXPECT_THAT(ActorCodes("They ate turkey and china plates."), ElementsAre());
  EXPECT_THAT(ActorCodes("Turkey and China met."), ElementsAre("CHN", "TUR"));
  EXPECT_THAT(ActorCodes("Officials in Türkiye spoke."), ElementsAre("TUR"));
}

TEST_F(EngineRulesTest, VetoesRemoveFalseReadings) {
  EXPECT_THAT(ActorCodes("Flooding hit Washington state."), ElementsAre());
  EXPECT_THAT(ActorCodes("A statue of George Washington."), ElementsAre());
  EXPECT_THAT(ActorCodes("Trade with Latin America grew."), ElementsAre());
  EXPECT_THAT(ActorCodes("Voters in Atlanta, Georgia queued."),
              ElementsAre());
  EXPECT_THAT(ActorCodes("The Georgia governor spoke."), ElementsAre());
  EXPECT_THAT(ActorCodes("Fans cheered Michael Jordan."), ElementsAre());
  EXPECT_THAT(ActorCodes("Ships crossed the Indian Ocean."), ElementsAre());
  EXPECT_THAT(ActorCodes("Jordan and Georgia signed a deal."),
              ElementsAre("GEO", "JOR"));
  EXPECT_THAT(ActorCodes("Washington and New Delhi spoke."),
              ElementsAre("IND", "USA"));
}

TEST_F(EngineRulesTest, LocativeMentionsYieldToAgents) {
  EXPECT_EQ(OnePair("In Beijing, Pakistan criticised the United States."),
            Pair("PAK", "USA"));
}

TEST_F(EngineRulesTest, DyadsOfInterestAreReportedEvenWhenSilent) {
  ArticleInput in{"Pakistan criticised the United States."};
  in.dyads_of_interest.push_back(MakeDyadKey("IND", "CHN"));
  absl::StatusOr<ArticleResult> r = engine_->Score(in);
  ASSERT_THAT(r, IsOk());
  const DyadScore* d = Dyad(*r, "CHN", "IND");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->signals, 0);
  EXPECT_EQ(d->tone, 0);
  EXPECT_EQ(r->dyads.front().dyad, MakeDyadKey("PAK", "USA"));
}

TEST_F(EngineRulesTest, TextWithNoCountriesScoresNoDyad) {
  const ArticleResult r = Score("The floods destroyed homes. Rain fell.");
  EXPECT_TRUE(r.dyads.empty());
  EXPECT_TRUE(r.actors.empty());
  EXPECT_FALSE(r.main_dyad.has_value());
  EXPECT_EQ(r.date.source, DateSource::kNone);
}

TEST_F(EngineRulesTest, CallerDateWinsOverTheHeader) {
  const std::string text = "date 2023-04-03 Pakistan met the US.";
  EXPECT_EQ(Score(text).date.source, DateSource::kHeader);
  EXPECT_EQ(*Score(text).date.day, absl::CivilDay(2023, 4, 3));
  const ArticleResult r = Score(text, absl::CivilDay(2020, 1, 2));
  EXPECT_EQ(r.date.source, DateSource::kCaller);
  EXPECT_EQ(*r.date.day, absl::CivilDay(2020, 1, 2));
}

TEST_F(EngineRulesTest, BadInputGetsAClearError) {
  using absl::StatusCode;
  EXPECT_THAT(engine_->Score({""}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(engine_->Score({"  \n\t "}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no words")));
  EXPECT_THAT(engine_->Score({"Pakistan \xFF the US"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("byte 9")));
  const std::string nul("Pakistan\0US", 11);
  EXPECT_THAT(engine_->Score({nul}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("NUL")));
  auto small = Engine::FromContents(
      ReadTestFile(DYADTONE_TESTDATA_DIR "/mini_gazetteer.txt"), "g",
      ReadTestFile(DYADTONE_TESTDATA_DIR "/mini_lexicon.txt"), "l", nullptr,
      "", /*max_text_bytes=*/100);
  ASSERT_THAT(small, IsOk());
  EXPECT_THAT((*small)->Score({std::string(101, 'a')}),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("100")));
}

TEST_F(EngineRulesTest, ATwentyMegabyteArticleIsScored) {
  const std::string paragraph =
      "Pakistan values its friendship with the United States. China "
      "criticised India over the border. The floods destroyed homes.\n\n";
  std::string text;
  while (text.size() < (20u << 20)) text += paragraph;
  absl::StatusOr<ArticleResult> r = engine_->Score({text});
  ASSERT_THAT(r, IsOk());
  const size_t copies = text.size() / paragraph.size();
  EXPECT_EQ(r->evidence.size(), 2 * copies);
  EXPECT_EQ(Dyad(*r, "PAK", "USA")->signals, static_cast<int>(copies));
}

TEST_F(EngineRulesTest, SharedAcrossThreadsGivesTheSameResults) {
  const std::string text =
      "Pakistan values its friendship with the United States, but China "
      "criticised India.";
  const ArticleResult expected = Score(text);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        absl::StatusOr<ArticleResult> r = engine_->Score({text});
        if (!r.ok() || r->evidence.size() != expected.evidence.size() ||
            r->dyads.size() != expected.dyads.size() ||
            r->dyads[0].tone != expected.dyads[0].tone) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_THAT(mismatches, ElementsAre(0, 0, 0, 0));
}

}  // namespace
}  // namespace dyadtone
