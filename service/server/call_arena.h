// Protobuf arenas for the calls of gRPC's callback API.
//
// A response such as ScoreArticle's evidence or GetTrend's ten years of
// days is thousands of small messages and strings; on the heap each costs
// an allocation to build and a free to destroy. On an arena that starts in
// a block on the handler's stack they cost neither (ToneServiceImpl's
// ServeOnPool, and the stored score of an ingested article).

#ifndef DYADTONE_SERVICE_SERVER_CALL_ARENA_H_
#define DYADTONE_SERVICE_SERVER_CALL_ARENA_H_

#include <cstddef>

#include "google/protobuf/arena.h"

namespace dyadtone {

// Options for an arena whose first block is `first_block` (`size` bytes,
// 8-aligned, outliving the arena), growing in blocks of `size` up to 256 KiB.
inline google::protobuf::ArenaOptions ArenaStartingIn(char* first_block,
                                                      size_t size) {
  google::protobuf::ArenaOptions options;
  options.initial_block = first_block;
  options.initial_block_size = size;
  options.start_block_size = size;
  options.max_block_size = 256 << 10;
  return options;
}

// Enough for a ~3 KB article's score with its evidence in one or two blocks.
inline constexpr size_t kFirstArenaBlockBytes = 16 << 10;

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_SERVER_CALL_ARENA_H_
