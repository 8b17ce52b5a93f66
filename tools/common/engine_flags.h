// The engine's data-file flags, shared by the command-line tools:
// --gazetteer, --lexicon, --general_lexicon, --vader_compatible.

#ifndef DYADTONE_TOOLS_COMMON_ENGINE_FLAGS_H_
#define DYADTONE_TOOLS_COMMON_ENGINE_FLAGS_H_

#include "service/engine/engine.h"

namespace dyadtone {

// The engine options the flags name. REQUIRES: flags were parsed.
EngineOptions EngineOptionsFromFlags();

}  // namespace dyadtone

#endif  // DYADTONE_TOOLS_COMMON_ENGINE_FLAGS_H_
