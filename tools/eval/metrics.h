// Correlation measures for the evaluation command and tests.

#ifndef DYADTONE_TOOLS_EVAL_METRICS_H_
#define DYADTONE_TOOLS_EVAL_METRICS_H_

#include <vector>

namespace dyadtone {

// Pearson's r of two equally long series; 0 if either is constant.
double Pearson(const std::vector<double>& x, const std::vector<double>& y);

// Spearman's rho: Pearson's r of the ranks, ties given their mean rank.
double Spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace dyadtone

#endif  // DYADTONE_TOOLS_EVAL_METRICS_H_
