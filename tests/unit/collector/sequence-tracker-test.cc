// Sequence-number loss accounting: order, loss, reordering, wrap, restarts, softflowd quirk.
#include "vantage/collector/sequence-tracker.h"

#include <gtest/gtest.h>

namespace vantage::collector {
namespace {

TEST(SequenceTracker, InOrderHasNoLoss) {
  SequenceTracker t;
  t.OnMessage(0, 10);
  t.OnMessage(10, 5);
  t.OnMessage(15, 7);
  EXPECT_EQ(t.Expected(), 22u);
  EXPECT_EQ(t.Received(), 22u);
  EXPECT_EQ(t.Lost(), 0u);
  EXPECT_FALSE(t.InclusiveSequence());
}

TEST(SequenceTracker, GapIsLoss) {
  SequenceTracker t;
  t.OnMessage(100, 10);
  t.OnMessage(110, 10);
  t.OnMessage(130, 10);  // 120..129 missing
  EXPECT_EQ(t.Expected(), 40u);
  EXPECT_EQ(t.Lost(), 10u);
}

TEST(SequenceTracker, ReorderingFillsHoles) {
  SequenceTracker t;
  t.OnMessage(0, 10);
  t.OnMessage(20, 10);
  EXPECT_EQ(t.Lost(), 10u);
  t.OnMessage(10, 10);  // late
  EXPECT_EQ(t.Lost(), 0u);
  t.OnMessage(40, 5);
  t.OnMessage(30, 10);
  EXPECT_EQ(t.Lost(), 0u);
  EXPECT_EQ(t.Expected(), 45u);
}

TEST(SequenceTracker, EarlierThanFirstMessage) {
  SequenceTracker t;
  t.OnMessage(10, 10);
  t.OnMessage(0, 10);
  EXPECT_EQ(t.Expected(), 20u);
  EXPECT_EQ(t.Lost(), 0u);
}

TEST(SequenceTracker, WrapsAround32Bits) {
  SequenceTracker t;
  t.OnMessage(0xfffffff0u, 16);
  t.OnMessage(0, 16);
  t.OnMessage(32, 8);  // 16..31 lost
  EXPECT_EQ(t.Expected(), 56u);
  EXPECT_EQ(t.Lost(), 16u);
}

TEST(SequenceTracker, RestartStartsNewEpoch) {
  SequenceTracker t;
  t.OnMessage(5000000, 10);
  t.OnMessage(5000010, 10);
  t.OnMessage(0, 10);  // exporter restarted
  t.OnMessage(10, 10);
  EXPECT_EQ(t.Resets(), 1u);
  EXPECT_EQ(t.Expected(), 40u);
  EXPECT_EQ(t.Lost(), 0u);
}

TEST(SequenceTracker, InclusiveSequenceOfSoftflowd) {
  // Sequence = records including this message's.
  SequenceTracker t;
  t.OnMessage(10, 10);
  t.OnMessage(15, 5);
  t.OnMessage(22, 7);
  EXPECT_TRUE(t.InclusiveSequence());
  EXPECT_EQ(t.Expected(), 22u);
  EXPECT_EQ(t.Lost(), 0u);
  t.OnMessage(40, 8);  // 23..32 (10 records) missing
  EXPECT_EQ(t.Lost(), 10u);
}

TEST(SequenceTracker, TemplateOnlyMessagesIgnored) {
  SequenceTracker t;
  t.OnMessage(0, 0);
  t.OnMessage(0, 10);
  t.OnMessage(10, 0);
  t.OnMessage(10, 4);
  EXPECT_EQ(t.Expected(), 14u);
  EXPECT_EQ(t.Lost(), 0u);
}

TEST(SequenceTracker, DuplicatesCounted) {
  SequenceTracker t;
  t.OnMessage(0, 10);
  t.OnMessage(10, 10);
  t.OnMessage(10, 10);
  EXPECT_EQ(t.Lost(), 0u);
  EXPECT_EQ(t.Duplicates(), 10u);
}

}  // namespace
}  // namespace vantage::collector
