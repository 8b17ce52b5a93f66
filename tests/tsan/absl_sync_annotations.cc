// Teaches ThreadSanitizer the locks of Debian's Abseil.
//
// Debian's libabsl_synchronization is not built with TSan, so TSan cannot
// see absl::Mutex, absl::CondVar or absl::Notification order anything: it
// reports a race on every pair of accesses they protect, in our code and in
// gRPC's headers alike (grpc::internal::Mutex is absl::Mutex when
// GPR_ABSEIL_SYNC is set, as it is on Linux). In the TSan build only
// (DYADTONE_TSAN=ON) every executable links this file, and the linker's
// --wrap (tests/tsan/CMakeLists.txt) routes our calls to those functions
// through the wrappers below, which tell TSan what each call does through
// its public annotation interface, as Abseil does itself when it is built
// with TSan. Locking inside the uninstrumented libraries stays invisible;
// tests/tsan_suppressions.txt lists what that leaves, with the evidence.
//
// Not wrapped, because neither our code nor gRPC's headers call them:
// Mutex::Await and LockWhen (their condition runs inside the library) and
// Notification::HasBeenNotified (inline).

#include <sanitizer/tsan_interface.h>

#include <type_traits>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

// The mangled names below are those of Debian 12's Abseil.
static_assert(std::is_same_v<absl::Mutex, absl::debian3::Mutex>,
              "Abseil's inline namespace changed: update the symbol names");

using absl::CondVar;
using absl::Duration;
using absl::Mutex;
using absl::Notification;
using absl::Time;

namespace {

void Locked(Mutex* mu, unsigned flags) {
  __tsan_mutex_post_lock(mu, flags, 0);
}
void Unlocking(Mutex* mu, unsigned flags) {
  __tsan_mutex_pre_unlock(mu, flags);
}

}  // namespace

// The symbol of each wrapped function X is _ZN...; the linker sends our
// calls of X to __wrap_X, and __real_X is X itself.
#define DYADTONE_WRAP(ret, sym, ...)   \
  extern "C" ret __real_##sym(__VA_ARGS__); \
  extern "C" ret __wrap_##sym(__VA_ARGS__)

// absl::Mutex::Lock()
DYADTONE_WRAP(void, _ZN4absl7debian35Mutex4LockEv, Mutex* mu) {
  __tsan_mutex_pre_lock(mu, 0);
  __real__ZN4absl7debian35Mutex4LockEv(mu);
  Locked(mu, 0);
}

// absl::Mutex::Unlock()
DYADTONE_WRAP(void, _ZN4absl7debian35Mutex6UnlockEv, Mutex* mu) {
  Unlocking(mu, 0);
  __real__ZN4absl7debian35Mutex6UnlockEv(mu);
  __tsan_mutex_post_unlock(mu, 0);
}

// absl::Mutex::TryLock()
DYADTONE_WRAP(bool, _ZN4absl7debian35Mutex7TryLockEv, Mutex* mu) {
  __tsan_mutex_pre_lock(mu, __tsan_mutex_try_lock);
  const bool locked = __real__ZN4absl7debian35Mutex7TryLockEv(mu);
  Locked(mu, __tsan_mutex_try_lock |
                 (locked ? 0 : __tsan_mutex_try_lock_failed));
  return locked;
}

// absl::Mutex::ReaderLock()
DYADTONE_WRAP(void, _ZN4absl7debian35Mutex10ReaderLockEv, Mutex* mu) {
  __tsan_mutex_pre_lock(mu, __tsan_mutex_read_lock);
  __real__ZN4absl7debian35Mutex10ReaderLockEv(mu);
  Locked(mu, __tsan_mutex_read_lock);
}

// absl::Mutex::ReaderUnlock()
DYADTONE_WRAP(void, _ZN4absl7debian35Mutex12ReaderUnlockEv, Mutex* mu) {
  Unlocking(mu, __tsan_mutex_read_lock);
  __real__ZN4absl7debian35Mutex12ReaderUnlockEv(mu);
  __tsan_mutex_post_unlock(mu, __tsan_mutex_read_lock);
}

// absl::Mutex::ReaderTryLock()
DYADTONE_WRAP(bool, _ZN4absl7debian35Mutex13ReaderTryLockEv, Mutex* mu) {
  const unsigned flags = __tsan_mutex_read_lock | __tsan_mutex_try_lock;
  __tsan_mutex_pre_lock(mu, flags);
  const bool locked = __real__ZN4absl7debian35Mutex13ReaderTryLockEv(mu);
  Locked(mu, flags | (locked ? 0 : __tsan_mutex_try_lock_failed));
  return locked;
}

// absl::Mutex::~Mutex(), complete and base object destructors.
DYADTONE_WRAP(void, _ZN4absl7debian35MutexD1Ev, Mutex* mu) {
  __tsan_mutex_destroy(mu, 0);
  __real__ZN4absl7debian35MutexD1Ev(mu);
}
DYADTONE_WRAP(void, _ZN4absl7debian35MutexD2Ev, Mutex* mu) {
  __tsan_mutex_destroy(mu, 0);
  __real__ZN4absl7debian35MutexD2Ev(mu);
}

// absl::ReleasableMutexLock::Release(): unlocks its mutex, the class's one
// member, and forgets it.
DYADTONE_WRAP(void, _ZN4absl7debian319ReleasableMutexLock7ReleaseEv,
              absl::ReleasableMutexLock* lock) {
  static_assert(sizeof(absl::ReleasableMutexLock) == sizeof(Mutex*));
  Mutex* const mu = *reinterpret_cast<Mutex* const*>(lock);
  Unlocking(mu, 0);
  __real__ZN4absl7debian319ReleasableMutexLock7ReleaseEv(lock);
  __tsan_mutex_post_unlock(mu, 0);
}

// CondVar waits release the mutex and hold it again when they return.
namespace {
void ReleaseForWait(Mutex* mu) {
  Unlocking(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
}
void HoldAfterWait(Mutex* mu) {
  __tsan_mutex_pre_lock(mu, 0);
  Locked(mu, 0);
}
}  // namespace

// absl::CondVar::Wait(Mutex*)
DYADTONE_WRAP(void, _ZN4absl7debian37CondVar4WaitEPNS0_5MutexE, CondVar* cv,
              Mutex* mu) {
  ReleaseForWait(mu);
  __real__ZN4absl7debian37CondVar4WaitEPNS0_5MutexE(cv, mu);
  HoldAfterWait(mu);
}

// absl::CondVar::WaitWithTimeout(Mutex*, Duration)
DYADTONE_WRAP(bool, _ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE,
              CondVar* cv, Mutex* mu, Duration timeout) {
  ReleaseForWait(mu);
  const bool timed_out =
      __real__ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE(
          cv, mu, timeout);
  HoldAfterWait(mu);
  return timed_out;
}

// absl::CondVar::WaitWithDeadline(Mutex*, Time)
DYADTONE_WRAP(bool, _ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE,
              CondVar* cv, Mutex* mu, Time deadline) {
  ReleaseForWait(mu);
  const bool timed_out =
      __real__ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE(
          cv, mu, deadline);
  HoldAfterWait(mu);
  return timed_out;
}

// absl::Notification::Notify(): what came before it happens before what
// follows a wait that sees it.
DYADTONE_WRAP(void, _ZN4absl7debian312Notification6NotifyEv,
              Notification* n) {
  __tsan_release(n);
  __real__ZN4absl7debian312Notification6NotifyEv(n);
}

// absl::Notification::WaitForNotification() const
DYADTONE_WRAP(void, _ZNK4absl7debian312Notification19WaitForNotificationEv,
              const Notification* n) {
  __real__ZNK4absl7debian312Notification19WaitForNotificationEv(n);
  __tsan_acquire(const_cast<Notification*>(n));
}

// absl::Notification::WaitForNotificationWithTimeout(Duration) const
DYADTONE_WRAP(bool, _ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE,
              const Notification* n, Duration timeout) {
  const bool notified =
      __real__ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE(
          n, timeout);
  if (notified) __tsan_acquire(const_cast<Notification*>(n));
  return notified;
}
