// WorkerPool: every scheduled task runs, in arrival order on one thread,
// at once on several, and the destructor runs what is still queued.

#include "service/server/worker_pool.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dyadtone {
namespace {

using ::testing::ElementsAreArray;

TEST(WorkerPool, ZeroThreadsMeansOneACpu) {
  WorkerPool pool(0);
  EXPECT_EQ(pool.size(),
            std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
  WorkerPool three(3);
  EXPECT_EQ(three.size(), 3);
}

TEST(WorkerPool, OneThreadRunsTasksInTheOrderTheyArrive) {
  absl::Mutex mu;
  std::vector<int> order;
  {
    WorkerPool pool(1);
    for (int i = 0; i < 200; ++i) {
      pool.Schedule([&mu, &order, i] {
        absl::MutexLock lock(&mu);
        order.push_back(i);
      });
    }
  }  // the destructor runs whatever is still queued
  std::vector<int> expected(200);
  for (int i = 0; i < 200; ++i) expected[i] = i;
  EXPECT_THAT(order, ElementsAreArray(expected));
}

TEST(WorkerPool, DestructionRunsEveryQueuedTask) {
  std::atomic<int> ran{0};
  absl::Notification release;
  {
    WorkerPool pool(2);
    // Both threads wait, so the rest is still queued when the pool goes.
    for (int i = 0; i < 2; ++i) {
      pool.Schedule([&] {
        release.WaitForNotification();
        ++ran;
      });
    }
    for (int i = 0; i < 1000; ++i) pool.Schedule([&] { ++ran; });
    release.Notify();
  }
  EXPECT_EQ(ran.load(), 1002);
}

TEST(WorkerPool, ThreadsRunTasksAtOnce) {
  // Each task waits for the other: with fewer than two threads at work
  // they would wait forever, so each wait is bounded and must succeed.
  absl::Notification first_started, second_started;
  std::atomic<int> met{0};
  {
    WorkerPool pool(2);
    pool.Schedule([&] {
      first_started.Notify();
      if (second_started.WaitForNotificationWithTimeout(absl::Seconds(60))) {
        ++met;
      }
    });
    pool.Schedule([&] {
      second_started.Notify();
      if (first_started.WaitForNotificationWithTimeout(absl::Seconds(60))) {
        ++met;
      }
    });
  }
  EXPECT_EQ(met.load(), 2);
}

TEST(WorkerPool, TasksScheduledFromTasksRun) {
  std::atomic<int> ran{0};
  absl::Notification done;
  {
    WorkerPool pool(2);
    pool.Schedule([&] {
      ++ran;
      pool.Schedule([&] {
        ++ran;
        done.Notify();
      });
    });
    done.WaitForNotification();
  }
  EXPECT_EQ(ran.load(), 2);
}

}  // namespace
}  // namespace dyadtone
