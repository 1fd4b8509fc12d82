#include <gtest/gtest.h>

#include <vector>

#include "cipms/graph/csr.h"

namespace cipms::graph {
namespace {

std::vector<std::int32_t> v(std::span<const std::int32_t> s) { return {s.begin(), s.end()}; }

TEST(GraphCsr, ViewsListSuppliersConsumedAndSuppliedDependenciesInOrder) {
  GraphBuilder b(4);
  b.add_dependency(3, std::vector<std::int32_t>{0, 1}, 1, 72);  // d0
  b.add_dependency(2, std::vector<std::int32_t>{0}, 1, 0);      // d1
  b.add_dependency(3, std::vector<std::int32_t>{2}, 1, 4);      // d2
  auto g = b.finish();
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  EXPECT_EQ(g->num_nodes(), 4);
  EXPECT_EQ(g->num_deps(), 3);
  EXPECT_EQ(g->num_supplier_edges(), 4);
  EXPECT_EQ(v(g->suppliers(0)), (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(v(g->consumed(3)), (std::vector<std::int32_t>{0, 2}));
  EXPECT_EQ(v(g->consumed(0)), (std::vector<std::int32_t>{}));
  EXPECT_EQ(v(g->supplied(0)), (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(v(g->supplied(2)), (std::vector<std::int32_t>{2}));
  EXPECT_EQ(g->consumer(2), 3);
  EXPECT_EQ(g->backup_hours(0), 72);
  EXPECT_FALSE(g->on_cycle(0));
  EXPECT_FALSE(g->on_cycle(3));
}

TEST(GraphCsr, StronglyConnectedComponentsMarkLoopsAndSelfLoops) {
  // 0 -> 1 -> 2 -> 0 is a loop; 3 supplies itself; 4 hangs below the loop.
  GraphBuilder b(5);
  b.add_dependency(1, std::vector<std::int32_t>{0}, 1, 0);
  b.add_dependency(2, std::vector<std::int32_t>{1}, 1, 0);
  b.add_dependency(0, std::vector<std::int32_t>{2}, 1, 0);
  b.add_dependency(3, std::vector<std::int32_t>{3}, 1, 0);
  b.add_dependency(4, std::vector<std::int32_t>{0, 3}, 2, 0);
  auto g = b.finish();
  ASSERT_TRUE(g.is_ok());
  EXPECT_TRUE(g->on_cycle(0) && g->on_cycle(1) && g->on_cycle(2) && g->on_cycle(3));
  EXPECT_FALSE(g->on_cycle(4));
  EXPECT_EQ(g->scc(0), g->scc(1));
  EXPECT_EQ(g->scc(1), g->scc(2));
  EXPECT_NE(g->scc(0), g->scc(3));
  EXPECT_NE(g->scc(0), g->scc(4));
}

TEST(GraphCsr, LongChainDoesNotOverflowTheStack) {
  const std::int32_t n = 300000;
  GraphBuilder b(n);
  for (std::int32_t i = 1; i < n; ++i) b.add_dependency(i, std::vector<std::int32_t>{i - 1}, 1, 0);
  b.add_dependency(0, std::vector<std::int32_t>{n - 1}, 1, 0);  // closes one huge loop
  auto g = b.finish();
  ASSERT_TRUE(g.is_ok());
  EXPECT_EQ(g->scc(0), g->scc(n / 2));
  EXPECT_TRUE(g->on_cycle(n - 1));
}

TEST(GraphCsr, BuilderRejectsBadDependencies) {
  auto fails = [](std::int32_t consumer, std::vector<std::int32_t> sup, std::int32_t k, double b) {
    GraphBuilder gb(3);
    gb.add_dependency(consumer, sup, k, b);
    return !gb.finish().is_ok();
  };
  EXPECT_TRUE(fails(0, {1, 1}, 1, 0));  // duplicate supplier
  EXPECT_TRUE(fails(0, {1, 2}, 3, 0));  // min_up > suppliers
  EXPECT_TRUE(fails(0, {1}, 0, 0));     // min_up < 1
  EXPECT_TRUE(fails(0, {}, 1, 0));      // no suppliers
  EXPECT_TRUE(fails(0, {5}, 1, 0));     // out of range
  EXPECT_TRUE(fails(3, {1}, 1, 0));
  EXPECT_TRUE(fails(0, {1}, 1, -1));    // negative backup
  EXPECT_TRUE(fails(0, {1}, 1, 1.0 / 0.0));
  EXPECT_FALSE(fails(0, {1, 2}, 2, 3));
}

}  // namespace
}  // namespace cipms::graph
