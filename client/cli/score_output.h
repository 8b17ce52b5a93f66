// How `score` and `article` print an ArticleScore as a table or CSV (JSON is
// the message itself).

#ifndef DYADTONE_CLIENT_CLI_SCORE_OUTPUT_H_
#define DYADTONE_CLIENT_CLI_SCORE_OUTPUT_H_

#include <string>
#include <vector>

#include "dyadtone/v1/tone_service.pb.h"

namespace dyadtone::cli {

// "PAK-USA".
std::string DyadLabel(const v1::Dyad& dyad);

// A summary line, then a table of the dyads with tone bars; with `evidence`
// a second table of the signals behind them.
std::string ScoreTable(const v1::ArticleScore& score, bool evidence,
                       bool color);

// The CSV header: one row per dyad, or with `evidence` one per signal.
std::string ScoreCsvHeader(bool evidence);
std::string ScoreCsvRows(const v1::ArticleScore& score, bool evidence);

}  // namespace dyadtone::cli

#endif  // DYADTONE_CLIENT_CLI_SCORE_OUTPUT_H_
