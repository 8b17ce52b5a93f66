// Transparent huge pages for the per-article buffers of a long text.
//
// A text of megabytes has tens of megabytes of tokens and per-token
// tables. On 4 KiB pages each buffer costs a page fault per page and a TLB
// entry per page for every pass over it; on 2 MiB pages, 512 times fewer.
// Linux offers such pages to memory that asks for them (its "madvise" mode,
// Debian's default), so the engine asks for its largest buffers.

#ifndef DYADTONE_SERVICE_ENGINE_HUGE_PAGES_H_
#define DYADTONE_SERVICE_ENGINE_HUGE_PAGES_H_

#include <cstddef>

namespace dyadtone {

// Buffers of at least this many bytes ask for huge pages.
inline constexpr size_t kHugePageMinBytes = size_t{4} << 20;

// Asks the kernel to back the whole 2 MiB pages inside [p, p + bytes) with
// huge pages when they are first touched. Pages touched before stay as
// they are. A no-op below kHugePageMinBytes and where the kernel cannot.
void AdviseHugePages(const void* p, size_t bytes);

// c->reserve(n), asking for huge pages when the buffer is new and large.
// `Container` is a std::vector or std::string.
template <typename Container>
void ReserveLarge(Container* c, size_t n) {
  if (c->capacity() >= n) return;
  c->reserve(n);
  AdviseHugePages(c->data(), c->capacity() * sizeof(*c->data()));
}

}  // namespace dyadtone

#endif  // DYADTONE_SERVICE_ENGINE_HUGE_PAGES_H_
