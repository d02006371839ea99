// Indexing (core/ops/indexing.cpp; advanced indexing and the gather/scatter ops are also run
// here from the PyTorch fixtures, with hand-written tests in indexing_advanced_test.cpp):
// a[...] reads views for basic subscripts, writes go through the same slicing, and every
// case of tests/fixtures/indexing.txt (gen_indexing.py) matches PyTorch 1.13.
#include <gtest/gtest.h>

#include "autograd/autograd.h"
#include "fixture_cases.h"
#include "ops/ops.h"

namespace gradlab {
namespace {

using V = std::vector<Tensor>;
using Items = std::vector<IndexItem>;
constexpr std::nullopt_t N = std::nullopt;

IndexItem I(int64_t i) { return IndexItem::integer(i); }
IndexItem S(std::optional<int64_t> a, std::optional<int64_t> b, std::optional<int64_t> s = N) {
  return IndexItem::slice(a, b, s);
}
const IndexItem NONE = IndexItem::none();
const IndexItem ELL = IndexItem::ellipsis();
Tensor longs(std::vector<int64_t> v) {
  return from_int64s(v, Shape{int64_t(v.size())}, DType::Int64);
}
Tensor longs2(std::vector<std::vector<int64_t>> rows) {
  std::vector<int64_t> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  return from_int64s(flat, Shape{int64_t(rows.size()), int64_t(rows.empty() ? 0 : rows[0].size())},
                     DType::Int64);
}
Tensor bools(std::vector<int64_t> v) {
  return from_int64s(v, Shape{int64_t(v.size())}, DType::Bool);
}
Tensor floats(std::vector<double> v, DType dt = DType::Float32) {
  return from_doubles(v, Shape{int64_t(v.size())}, dt);
}
IndexItem L(std::vector<int64_t> v) { return IndexItem::of(longs(v)); }
IndexItem L2(std::vector<std::vector<int64_t>> rows) { return IndexItem::of(longs2(rows)); }
IndexItem B(std::vector<int64_t> v) { return IndexItem::of(bools(v)); }
IndexItem TI(const Tensor& t) { return IndexItem::of(t); }
Tensor mask23() { return from_int64s({1, 0, 1, 0, 1, 1}, Shape{2, 3}, DType::Bool); }
Tensor i0(int64_t v) { return scalar_tensor(Scalar::from_int(v), DType::Int64); }
Tensor b0(bool v) { return scalar_tensor(Scalar::from_bool(v), DType::Bool); }
Tensor f0(double v) { return scalar_tensor(Scalar::from_double(v), DType::Float32); }
Tensor pyf(double v) { return wrapped_scalar(Scalar::from_double(v)); }  // a Python float
Tensor pyi(int64_t v) { return wrapped_scalar(Scalar::from_int(v)); }    // a Python int

// a[idx] = v; a[idx] += v and a[idx] *= v as Python runs them (get, in-place op, set).
Tensor si(Tensor a, const Items& idx, const Tensor& v) {
  index_put_(a, idx, v);
  return a;
}
Tensor iadd(Tensor a, const Items& idx, const Tensor& v) {
  Tensor tmp = index(a, idx);
  add_(tmp, v);
  index_put_(a, idx, tmp);
  return a;
}
Tensor imul(Tensor a, const Items& idx, const Tensor& v) {
  Tensor tmp = index(a, idx);
  mul_(tmp, v);
  index_put_(a, idx, tmp);
  return a;
}

TEST(IndexingFixtures, MatchPyTorch) {
  // clang-format off
  const std::map<std::string, fixtures::CaseFn> cases = {
      // basic indexing
      {"sl1_head", [](V& in) { return index(in[0], {S(N, 5)}); }},
      {"sl1_mid", [](V& in) { return index(in[0], {S(3, 6)}); }},
      {"sl1_tail_neg", [](V& in) { return index(in[0], {S(-3, N)}); }},
      {"sl1_step2", [](V& in) { return index(in[0], {S(N, N, 2)}); }},
      {"sl1_start_step", [](V& in) { return index(in[0], {S(1, N, 3)}); }},
      {"sl1_neg_range", [](V& in) { return index(in[0], {S(-4, -1)}); }},
      {"sl1_clamped", [](V& in) { return index(in[0], {S(7, 100)}); }},
      {"sl1_empty", [](V& in) { return index(in[0], {S(2, 2)}); }},
      {"sl1_reversed_bounds", [](V& in) { return index(in[0], {S(5, 2)}); }},
      {"sl1_far_negative", [](V& in) { return index(in[0], {S(-100, 3)}); }},
      {"sl1_last", [](V& in) { return index(in[0], {I(-1)}); }},
      {"sl1_first", [](V& in) { return index(in[0], {I(0)}); }},
      {"sl1_neg_first", [](V& in) { return index(in[0], {I(-10)}); }},
      {"sl1_step4", [](V& in) { return index(in[0], {S(N, N, 4)}); }},
      {"sl1_err_negative_step", [](V& in) { return index(in[0], {S(N, N, -1)}); }},
      {"sl1_err_zero_step", [](V& in) { return index(in[0], {S(N, N, 0)}); }},
      {"sl2_top_left", [](V& in) { return index(in[0], {S(N, 3), S(N, 2)}); }},
      {"sl2_middle", [](V& in) { return index(in[0], {S(1, 4), S(1, 4)}); }},
      {"sl2_bottom_right", [](V& in) { return index(in[0], {S(-3, N), S(-3, N)}); }},
      {"sl2_steps", [](V& in) { return index(in[0], {S(N, N, 2), S(1, N, 2)}); }},
      {"sl2_rows_step3", [](V& in) { return index(in[0], {S(1, N), S(N, N, 3)}); }},
      {"sl2_last_column", [](V& in) { return index(in[0], {S(N, N), I(-1)}); }},
      {"sl2_chained", [](V& in) { return index(index(in[0], {S(-2, N), S(N, N)}), {S(N, N), S(N, 2)}); }},
      {"int_row", [](V& in) { return index(in[0], {I(1)}); }},
      {"int_column", [](V& in) { return index(in[0], {S(N, N), I(1)}); }},
      {"int_row_full_slice", [](V& in) { return index(in[0], {I(1), S(N, N)}); }},
      {"int_element", [](V& in) { return index(in[0], {I(-1), I(-2)}); }},
      {"int_chained", [](V& in) { return index(index(in[0], {I(1)}), {I(2)}); }},
      {"int_row_slice", [](V& in) { return index(in[0], {S(0, 1)}); }},
      {"int_last_column_slice", [](V& in) { return index(in[0], {S(N, N), S(-1, N)}); }},
      {"int_row_then_slice", [](V& in) { return index(in[0], {I(2), S(1, 3)}); }},
      {"int_neg_row", [](V& in) { return index(in[0], {I(-3)}); }},
      {"int_float_last", [](V& in) { return index(in[0], {I(-1)}); }},
      {"int_float_inner", [](V& in) { return index(in[0], {S(1, -1)}); }},
      {"int3_first", [](V& in) { return index(in[0], {I(1)}); }},
      {"int3_dim1", [](V& in) { return index(in[0], {S(N, N), I(0)}); }},
      {"int3_mixed", [](V& in) { return index(in[0], {I(0), S(N, N), I(2)}); }},
      {"int3_element", [](V& in) { return index(in[0], {I(1), I(2), I(3)}); }},
      {"int3_slices", [](V& in) { return index(in[0], {S(N, N), S(1, N), S(N, N, 2)}); }},
      {"err_range_column", [](V& in) { return index(in[0], {S(N, N), I(3)}); }},
      {"err_range_row", [](V& in) { return index(in[0], {I(5)}); }},
      {"err_range_neg", [](V& in) { return index(in[0], {I(-3)}); }},
      {"err_range_after_none", [](V& in) { return index(in[0], {NONE, I(5)}); }},
      {"err_range_after_ellipsis", [](V& in) { return index(in[0], {ELL, I(5)}); }},
      {"err_range_two_ellipses", [](V& in) { return index(in[0], {ELL, ELL, I(5)}); }},
      {"err_range_after_empty_slice", [](V& in) { return index(in[0], {S(5, N), I(7)}); }},
      {"err_too_many", [](V& in) { return index(in[0], {I(0), I(0), I(0)}); }},
      {"err_too_many_lists", [](V& in) { return index(in[0], {L({0, 1}), L({0}), L({0})}); }},
      {"gf_row", [](V& in) { return index(in[0], {I(0)}); }},
      {"gf_element", [](V& in) { return index(in[0], {I(0), I(1)}); }},
      {"gf_slice", [](V& in) { return index(in[0], {S(0, 1)}); }},
      {"gf_full_slice", [](V& in) { return index(in[0], {S(N, N)}); }},
      {"gf_slice_dim1", [](V& in) { return index(in[0], {S(N, N), S(1, N)}); }},
      {"gf_column", [](V& in) { return index(in[0], {S(N, N), I(0)}); }},
      {"gf_none", [](V& in) { return index(in[0], {NONE}); }},
      {"gf_none_int", [](V& in) { return index(in[0], {NONE, I(0)}); }},
      {"gf_int_none", [](V& in) { return index(in[0], {I(0), NONE}); }},
      {"gf_ellipsis", [](V& in) { return index(in[0], {ELL}); }},
      {"gf_ellipsis_int", [](V& in) { return index(in[0], {ELL, I(0)}); }},
      {"gf_exact_slice_ellipsis", [](V& in) { return index(in[0], {S(0, 2), ELL}); }},
      {"gf_long_slice_ellipsis", [](V& in) { return index(in[0], {S(0, 3), ELL}); }},
      {"gf_exact_slice_int", [](V& in) { return index(in[0], {S(0, 2), I(0)}); }},
      {"gf_two_full_slices", [](V& in) { return index(in[0], {S(N, N), S(N, N)}); }},
      {"gf_ellipsis_none", [](V& in) { return index(in[0], {ELL, NONE}); }},
      {"gf_none_none", [](V& in) { return index(in[0], {NONE, NONE}); }},
      {"gf_none_ellipsis_none", [](V& in) { return index(in[0], {NONE, ELL, NONE}); }},
      {"gf_ellipsis_middle", [](V& in) { return index(in[0], {I(1), ELL, I(2)}); }},
      {"gf_slice_steps", [](V& in) { return index(in[0], {S(1, N, 2), S(N, N, 3)}); }},
      {"gf_transposed_rows", [](V& in) { return index(t(in[0]), {S(1, N)}); }},
      {"gf_chained_grad",
       [](V& in) { return add(mul(index(in[0], {I(1)}), pyi(10)), index(in[0], {I(-1)})); }},
      {"gf_slice_sum", [](V& in) { return sum(index(in[0], {S(1, 3)})); }},
      {"gf_columns_product",
       [](V& in) { return mul(index(in[0], {S(N, N), I(0)}), index(in[0], {S(N, N), I(1)})); }},
      {"d0_int", [](V& in) { return index(in[0], {I(0)}); }},
      {"d0_int_one", [](V& in) { return index(in[0], {I(1)}); }},
      {"d0_int_neg", [](V& in) { return index(in[0], {I(-1)}); }},
      {"d0_none", [](V& in) { return index(in[0], {NONE}); }},
      {"d0_ellipsis", [](V& in) { return index(in[0], {ELL}); }},
      {"d0_slice", [](V& in) { return index(in[0], {S(N, N)}); }},
      {"d0_none_int", [](V& in) { return index(in[0], {NONE, I(0)}); }},
      {"d0_two_ints", [](V& in) { return index(in[0], {I(0), I(0)}); }},
      {"d0_list", [](V& in) { return index(in[0], {L({0})}); }},
      {"d0_true", [](V& in) { return index(in[0], {TI(b0(true))}); }},
      {"d0_false", [](V& in) { return index(in[0], {TI(b0(false))}); }},
      // advanced indexing
      {"adv_list", [](V& in) { return index(in[0], {L({0, 2})}); }},
      {"adv_tensor", [](V& in) { return index(in[0], {L({4, 0, 1})}); }},
      {"adv_repeated", [](V& in) { return index(in[0], {L({1, 1, 3})}); }},
      {"adv_negative", [](V& in) { return index(in[0], {L({-1})}); }},
      {"adv_rows", [](V& in) { return index(in[0], {L({0, 2})}); }},
      {"adv_pairs", [](V& in) { return index(in[0], {L({0, 1}), L({1, 3})}); }},
      {"adv_columns", [](V& in) { return index(in[0], {S(N, N), L({0, 3})}); }},
      {"adv_rows_tensor", [](V& in) { return index(in[0], {L({2, 0})}); }},
      {"adv_mask_gt", [](V& in) { return index(in[0], {TI(in[1])}); }},
      {"adv_mask_literal", [](V& in) { return index(in[0], {B({1, 0, 1, 0, 1})}); }},
      {"adv_mask_2d", [](V& in) { return index(in[0], {TI(in[1])}); }},
      {"adv_mask_rows", [](V& in) { return index(in[0], {TI(in[1])}); }},
      {"adv3_adjacent_back", [](V& in) { return index(in[0], {S(N, N), L({0, 1}), L({0, 1})}); }},
      {"adv3_split", [](V& in) { return index(in[0], {L({0, 1}), S(N, N), L({0, 1})}); }},
      {"adv3_broadcast", [](V& in) { return index(in[0], {S(N, N), L2({{0}, {1}}), I(0)}); }},
      {"adv3_int_split", [](V& in) { return index(in[0], {I(0), S(N, N), L({0, 1})}); }},
      {"adv3_list_int", [](V& in) { return index(in[0], {L({0, 1}), I(0)}); }},
      {"adv3_ellipsis", [](V& in) { return index(in[0], {ELL, L({0, 1})}); }},
      {"adv3_none_front", [](V& in) { return index(in[0], {NONE, L({0, 1})}); }},
      {"adv3_none_after", [](V& in) { return index(in[0], {L({0, 1}), NONE}); }},
      {"adv3_none_between", [](V& in) { return index(in[0], {S(N, N), NONE, L({0, 1})}); }},
      {"adv3_split_values", [](V& in) { return index(in[0], {L({1, 0}), S(N, N), L({3, 2})}); }},
      {"adv3_split_broadcast", [](V& in) { return index(in[0], {L2({{1}, {0}}), S(1, N), L({3, 2})}); }},
      {"adv3_int_list_slice", [](V& in) { return index(in[0], {I(1), L({0, 2}), S(1, 3)}); }},
      {"adv3_mask2d", [](V& in) { return index(in[0], {TI(mask23())}); }},
      {"adv3_mask2d_then_int", [](V& in) { return index(in[0], {TI(mask23()), I(0)}); }},
      {"adv_bool_list", [](V& in) { return index(in[0], {B({1, 0})}); }},
      {"adv_two_bool_lists", [](V& in) { return index(in[0], {B({1, 0}), B({1, 0, 1})}); }},
      {"adv_ints_and_bools", [](V& in) { return index(in[0], {L({0, 1}), B({1, 0, 1})}); }},
      {"adv_0d_int_tensor", [](V& in) { return index(in[0], {TI(i0(1))}); }},
      {"adv_0d_int_then_list", [](V& in) { return index(in[0], {TI(i0(1)), L({0, 1})}); }},
      {"adv_0d_true", [](V& in) { return index(in[0], {TI(b0(true))}); }},
      {"adv_0d_false", [](V& in) { return index(in[0], {TI(b0(false))}); }},
      {"adv_0d_true_dim1", [](V& in) { return index(in[0], {S(N, N), TI(b0(true))}); }},
      {"adv_repeated_grad", [](V& in) { return index(in[0], {L({0, 0, 2})}); }},
      {"adv_mask_grad", [](V& in) { return index(in[0], {TI(in[1])}); }},
      {"adv_empty_list", [](V& in) { return index(in[0], {L({})}); }},
      {"adv_empty_2d_list",
       [](V& in) { return index(in[0], {TI(from_int64s({}, Shape{1, 0}, DType::Int64))}); }},
      {"adv_empty_dim_empty_index", [](V& in) { return index(in[0], {L({})}); }},
      {"adv_empty_rows_no_check", [](V& in) { return index(in[0], {S(N, N), L({5})}); }},
      {"adv_bool_tensor_values", [](V& in) { return index(in[0], {L({2, 0})}); }},
      {"adv_f64", [](V& in) { return index(in[0], {L({2, 0, 2})}); }},
      {"adv_transposed", [](V& in) { return index(t(in[0]), {L({2, 0})}); }},
      {"adv_err_float_index", [](V& in) { return index(in[0], {TI(f0(1.0))}); }},
      {"adv_err_float_list", [](V& in) { return index(in[0], {TI(floats({0.0}))}); }},
      {"adv_err_broadcast", [](V& in) { return index(in[0], {L({0, 1}), L({0, 1, 2})}); }},
      {"adv_err_range", [](V& in) { return index(in[0], {L({0, 2})}); }},
      {"adv_err_range_neg", [](V& in) { return index(in[0], {L({-3})}); }},
      {"adv_err_range_dim1", [](V& in) { return index(in[0], {S(N, N), L({5})}); }},
      {"adv_err_range_second", [](V& in) { return index(in[0], {L({0, 1}), L({1, 5})}); }},
      {"adv_err_range_split", [](V& in) { return index(in[0], {L({0, 1}), S(N, N), L({4, 9})}); }},
      {"adv_err_empty_dim", [](V& in) { return index(in[0], {L({0})}); }},
      {"adv_err_mask_shape", [](V& in) { return index(in[0], {B({1, 0, 1})}); }},
      {"adv_err_mask_shape_dim1", [](V& in) { return index(in[0], {S(N, N), B({1, 0})}); }},
      {"adv_err_mask_2d_shape", [](V& in) { return index(in[0], {TI(ones(Shape{3, 2}, DType::Bool))}); }},
      {"adv_err_mask_5", [](V& in) { return index(in[0], {B({1, 0, 1, 0})}); }},
      // select
      {"select_row", [](V& in) { return select(in[0], 0, 1); }},
      {"select_neg", [](V& in) { return select(in[0], -1, -1); }},
      {"select_err_range", [](V& in) { return select(in[0], -1, 3); }},
      {"select_err_range_neg", [](V& in) { return select(in[0], 0, -3); }},
      {"select_err_0d", [](V& in) { return select(in[0], 0, 0); }},
      // a[idx] = value
      {"set_block_scalar", [](V& in) { return si(in[0], {S(1, 4), S(1, 4)}, pyf(5.0)); }},
      {"set_block_tensor", [](V& in) { return si(in[0], {S(1, 4), S(1, 4)}, in[1]); }},
      {"set_row_tensor", [](V& in) { return si(in[0], {I(0)}, floats({1, 2, 3, 4})); }},
      {"set_column_scalar", [](V& in) { return si(in[0], {S(N, N), I(1)}, pyf(-1.0)); }},
      {"set_element", [](V& in) { return si(in[0], {I(2), I(3)}, pyf(9.5)); }},
      {"set_iadd_block", [](V& in) { return iadd(in[0], {S(1, N), S(2, N)}, pyf(0.25)); }},
      {"set_imul_row", [](V& in) { return imul(in[0], {I(-1)}, pyi(2)); }},
      {"set_column_tensor", [](V& in) { return si(in[0], {S(N, N), I(0)}, floats({7, 8})); }},
      {"set_row_slice_scalar", [](V& in) { return si(in[0], {I(0), S(1, N)}, pyf(0.5)); }},
      {"set_step_int", [](V& in) { return si(in[0], {S(N, N, 2)}, pyi(0)); }},
      {"set_all", [](V& in) { return si(in[0], {S(N, N)}, pyf(7.0)); }},
      {"set_mask_scalar", [](V& in) { return si(in[0], {TI(in[1])}, pyf(0.0)); }},
      {"set_list_tensor", [](V& in) { return si(in[0], {L({0, 2})}, floats({9, 8})); }},
      {"set_float_into_int", [](V& in) { return si(in[0], {S(1, 2), S(1, 3)}, pyf(5.7)); }},
      {"set_float_tensor_into_int", [](V& in) { return si(in[0], {S(0, 2)}, floats({1.9, -1.9})); }},
      {"set_long_into_float", [](V& in) { return si(in[0], {S(0, 2)}, longs({9, 8})); }},
      {"set_prefix_ones",
       [](V& in) { return si(in[0], {I(0)}, from_int64s({1, 2, 3}, Shape{1, 1, 3}, DType::Int64)); }},
      {"set_broadcast_column",
       [](V& in) { return si(in[0], {S(N, N), S(1, N)}, from_doubles({4, 5}, Shape{2, 1}, DType::Float32)); }},
      {"set_one_into_element", [](V& in) { return si(in[0], {I(0), I(0)}, ones(Shape{1})); }},
      {"set_list_one_by_one", [](V& in) { return si(in[0], {L({0}), L({0})}, ones(Shape{1, 1})); }},
      {"set_dup_last_wins", [](V& in) { return si(in[0], {L({0, 0})}, floats({1, 2})); }},
      {"set_int_list_scalar", [](V& in) { return si(in[0], {L({0, 1})}, pyi(5)); }},
      {"set_mask_long_scalar_tensor", [](V& in) { return si(in[0], {B({1, 0, 1})}, i0(5)); }},
      {"set_mask_slice_one", [](V& in) { return si(in[0], {B({1, 0}), S(1, N)}, floats({5})); }},
      {"set_mask_overlap_value",
       [](V& in) { return si(in[0], {B({0, 0, 0, 1, 1})}, index(in[0], {S(0, 1)})); }},
      {"set_split_advanced",
       [](V& in) { return si(in[0], {L({1, 0}), S(N, N), L({3, 2})}, floats({1, 2, 3})); }},
      {"set_0d_ellipsis", [](V& in) { return si(in[0], {ELL}, pyf(5.0)); }},
      {"set_0d_none", [](V& in) { return si(in[0], {NONE}, pyf(5.0)); }},
      {"set_0d_true", [](V& in) { return si(in[0], {TI(b0(true))}, pyf(5.0)); }},
      {"set_0d_false", [](V& in) { return si(in[0], {TI(b0(false))}, pyf(5.0)); }},
      {"set_overlapping_copy", [](V& in) { return si(in[0], {S(1, N)}, index(in[0], {S(N, -1)})); }},
      {"set_expanded_row", [](V& in) { return si(expand(in[0], {2, 3}), {I(0)}, pyf(1.0)); }},
      {"set_expanded_fill", [](V& in) { return si(expand(in[0], {2, 3}), {ELL}, pyf(2.0)); }},
      {"set_expanded_list", [](V& in) { return si(expand(in[0], {2, 3}), {L({0})}, pyf(1.0)); }},
      {"set_err_expanded_column",
       [](V& in) { return si(expand(in[0], {2, 3}), {S(N, N), I(0)}, ones(Shape{2})); }},
      {"set_bool_target", [](V& in) { return si(in[0], {I(1)}, pyf(2.5)); }},
      {"set_err_0d_int", [](V& in) { return si(in[0], {I(0)}, pyf(5.0)); }},
      {"set_err_range", [](V& in) { return si(in[0], {I(2)}, pyf(5.0)); }},
      {"set_err_adv_range", [](V& in) { return si(in[0], {L({2})}, pyf(5.0)); }},
      {"set_err_negative_step", [](V& in) { return si(in[0], {S(N, N, -1)}, pyf(5.0)); }},
      {"set_err_broadcast", [](V& in) { return si(in[0], {I(0)}, longs({1, 2})); }},
      {"set_err_more_dims", [](V& in) { return si(in[0], {I(0)}, longs2({{1, 2, 3}, {1, 2, 3}})); }},
      {"set_err_into_element", [](V& in) { return si(in[0], {I(0), I(0)}, ones(Shape{2})); }},
      {"set_err_adv_broadcast", [](V& in) { return si(in[0], {L({0, 1})}, longs({1, 2})); }},
      {"set_err_adv_broadcast_pairs", [](V& in) { return si(in[0], {L({0, 1}), L({0, 1})}, longs({1, 2, 3})); }},
      {"set_err_adv_value_shape", [](V& in) { return si(in[0], {L({0}), L({0})}, ones(Shape{2, 1})); }},
      {"set_err_adv_dtype", [](V& in) { return si(in[0], {L({0, 2})}, longs({9, 8})); }},
      {"set_err_adv_dtype_double",
       [](V& in) { return si(in[0], {L({0, 2})}, floats({9, 8}, DType::Float64)); }},
      {"set_err_adv_dtype_0d", [](V& in) { return si(in[0], {L({0, 2})}, i0(9)); }},
      {"set_err_mask_dtype", [](V& in) { return si(in[0], {B({1, 0, 1})}, longs({5, 6})); }},
      {"set_err_mask_list_dtype", [](V& in) { return si(in[0], {B({1, 0}), L({1})}, i0(5)); }},
      {"set_err_mask_shape", [](V& in) { return si(in[0], {B({1, 0})}, pyf(1.0)); }},
      {"set_err_overlap", [](V& in) { return si(in[0], {L({0, 1})}, index(in[0], {S(1, 3)})); }},
      {"set_err_overlap_disjoint", [](V& in) { return si(in[0], {L({0, 1})}, index(in[0], {S(3, 5)})); }},
      {"set_err_leaf_int", [](V& in) { return si(in[0], {I(0)}, pyf(5.0)); }},
      {"set_err_leaf_slice", [](V& in) { return si(in[0], {S(0, 1)}, pyf(5.0)); }},
      {"set_err_leaf_exact_slice", [](V& in) { return si(in[0], {S(0, 3)}, pyf(5.0)); }},
      {"set_err_leaf_ellipsis", [](V& in) { return si(in[0], {ELL}, pyf(5.0)); }},
      {"set_err_leaf_list", [](V& in) { return si(in[0], {L({0})}, pyf(5.0)); }},
      {"set_err_leaf_mask", [](V& in) { return si(in[0], {B({1, 0, 1})}, pyf(5.0)); }},
      {"set_err_leaf_none", [](V& in) { return si(in[0], {NONE}, pyf(5.0)); }},
      {"set_err_view_of_leaf_list", [](V& in) { return si(index(in[0], {S(0, 2)}), {L({0})}, pyf(5.0)); }},
      {"set_err_view_of_leaf_int", [](V& in) { return si(view(in[0], {3}), {I(0)}, pyf(5.0)); }},
      {"set_detached_leaf", [](V& in) { return si(detach(in[0]), {I(0)}, pyf(5.0)); }},
      {"set_grad_slice", [](V& in) { return si(clone(in[0]), {S(1, 3)}, in[1]); }},
      {"set_grad_dup_list", [](V& in) { return si(clone(in[0]), {L({0, 0})}, in[1]); }},
      {"set_grad_mask_0d_value", [](V& in) { return si(clone(in[0]), {B({0, 1, 0, 1})}, in[1]); }},
      {"set_grad_row_broadcast", [](V& in) { return si(clone(in[0]), {I(0)}, in[1]); }},
      {"set_grad_column_0d", [](V& in) { return si(clone(in[0]), {S(N, N), I(1)}, in[1]); }},
      {"set_grad_double_value", [](V& in) { return si(clone(in[0]), {S(0, 2)}, in[1]); }},
      {"set_grad_into_plain", [](V& in) { return si(in[0], {I(1)}, mul(index(in[1], {I(0)}), pyi(3))); }},
      {"set_grad_into_plain_list",
       [](V& in) { return si(in[0], {L({1})}, mul(index(in[1], {I(1)}), pyi(3))); }},
      {"set_grad_into_long", [](V& in) { return si(in[0], {I(0)}, mul(index(in[1], {I(0)}), pyi(3))); }},
      {"set_grad_constant", [](V& in) { return si(mul(in[0], pyi(2)), {I(0)}, pyf(1.0)); }},
      {"set_grad_split_advanced",
       [](V& in) { return si(clone(in[0]), {L({1, 0}), S(N, N), L({3, 2})}, in[1]); }},
      {"set_grad_iadd", [](V& in) { return iadd(clone(in[0]), {S(2, N)}, in[1]); }},
      {"set_grad_ellipsis_copy", [](V& in) { return si(clone(in[0]), {ELL}, in[1]); }},
      {"set_grad_exact_slice_copy", [](V& in) { return si(clone(in[0]), {S(0, 4)}, index(in[1], {S(0, 1)})); }},
      {"set_grad_full_slice", [](V& in) { return si(clone(in[0]), {S(N, N)}, in[1]); }},
      {"set_grad_ellipsis_fill", [](V& in) { return si(clone(in[0]), {ELL}, pyf(2.0)); }},
      {"set_grad_fill_0d_tensor", [](V& in) { return si(clone(in[0]), {S(0, 4)}, in[1]); }},
      {"set_grad_plain_ellipsis", [](V& in) { return si(in[0], {ELL}, in[1]); }},
      // (The view is its own statement: a C++ temporary base would live on through si().)
      {"set_grad_view_of_temporary",
       [](V& in) {
         Tensor z = view(mul(in[0], pyi(2)), {2, 2});
         return si(z, {I(0)}, in[1]);
       }},
      {"set_grad_view_adv_of_temporary",
       [](V& in) {
         Tensor z = view(clone(in[0]), {2, 2});
         return si(z, {S(0, 2), L({0})}, pyf(2.0));
       }},
      {"set_grad_adv_through_slice", [](V& in) { return si(clone(in[0]), {S(N, N), L({0, 2})}, in[1]); }},
      // index_select
      {"isel_rows", [](V& in) { return index_select(in[0], 0, longs({2, 0, 2})); }},
      {"isel_columns", [](V& in) { return index_select(in[0], 1, longs({1, 1})); }},
      {"isel_1d", [](V& in) { return index_select(in[0], 0, longs({4, 0})); }},
      {"isel_0d_index", [](V& in) { return index_select(in[0], 1, i0(2)); }},
      {"isel_0d_self", [](V& in) { return index_select(in[0], 0, longs({0})); }},
      {"isel_empty_index", [](V& in) { return index_select(in[0], 1, longs({})); }},
      {"isel_transposed", [](V& in) { return index_select(t(in[0]), 0, longs({2, 1})); }},
      {"isel_err_dim1", [](V& in) { return index_select(in[0], 1, longs({3})); }},
      {"isel_err_dim1_neg", [](V& in) { return index_select(in[0], 1, longs({0, -1})); }},
      {"isel_err_dim0", [](V& in) { return index_select(in[0], 0, longs({-1})); }},
      {"isel_err_dim2", [](V& in) { return index_select(in[0], 2, longs({4})); }},
      {"isel_err_1d", [](V& in) { return index_select(in[0], 0, longs({5})); }},
      {"isel_err_empty_self", [](V& in) { return index_select(in[0], 0, longs({0})); }},
      {"isel_err_float", [](V& in) { return index_select(in[0], 0, floats({0})); }},
      {"isel_err_2d_index", [](V& in) { return index_select(in[0], 0, longs2({{0}})); }},
      {"isel_err_dim", [](V& in) { return index_select(in[0], 2, longs({0})); }},
      // masked_fill
      {"mf_bool", [](V& in) { return masked_fill(in[0], in[1], Scalar::from_double(-9.0)); }},
      {"mf_broadcast_mask", [](V& in) { return masked_fill(in[0], in[1], Scalar::from_double(0.5)); }},
      {"mf_broadcast_up", [](V& in) { return masked_fill(in[0], in[1], Scalar::from_double(2.0)); }},
      {"mf_long_mask", [](V& in) { return masked_fill(in[0], in[1], Scalar::from_int(9)); }},
      {"mf_float_mask_bytes", [](V& in) { return masked_fill(in[0], in[1], Scalar::from_int(9)); }},
      {"mf_float_into_int", [](V& in) { return masked_fill(in[0], in[1], Scalar::from_double(2.7)); }},
      {"mf_bool_self", [](V& in) { return masked_fill(in[0], in[1], Scalar::from_double(0.0)); }},
      {"mf_0d", [](V& in) { return masked_fill(in[0], in[1], Scalar::from_double(4.0)); }},
      {"mf_err_long_mask", [](V& in) { return masked_fill(in[0], in[1], Scalar::from_int(9)); }},
      {"mf_err_negative_mask", [](V& in) { return masked_fill(in[0], in[1], Scalar::from_int(9)); }},
      {"mf_err_broadcast", [](V& in) { return masked_fill(in[0], in[1], Scalar::from_double(0.0)); }},
      // embedding
      {"emb_rows", [](V& in) { return embedding(in[0], in[1]); }},
      {"emb_0d", [](V& in) { return embedding(in[0], in[1]); }},
      {"emb_2d", [](V& in) { return embedding(in[0], in[1]); }},
      {"emb_empty", [](V& in) { return embedding(in[0], in[1]); }},
      {"emb_padding", [](V& in) { return embedding(in[0], in[1], 1); }},
      {"emb_padding_neg", [](V& in) { return embedding(in[0], in[1], -1); }},
      {"emb_int_weight", [](V& in) { return embedding(in[0], in[1]); }},
      {"emb_err_range", [](V& in) { return embedding(in[0], in[1]); }},
      {"emb_err_negative", [](V& in) { return embedding(in[0], in[1]); }},
      {"emb_err_float_index", [](V& in) { return embedding(in[0], in[1]); }},
      {"emb_err_1d_weight", [](V& in) { return embedding(in[0], in[1]); }},
      {"emb_err_padding", [](V& in) { return embedding(in[0], in[1], 2); }},
      {"emb_err_padding_neg", [](V& in) { return embedding(in[0], in[1], -3); }},
  };
  // clang-format on
  fixtures::run_fixture_cases("indexing.txt", cases);
}

}  // namespace
}  // namespace gradlab

namespace gradlab {
namespace {

template <typename F>
void expect_error(F&& f, const std::string& type, const std::string& message) {
  try {
    f();
    ADD_FAILURE() << "no error; expected " << type << ": " << message;
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), type);
    EXPECT_EQ(e.message(), message);
  }
}

Tensor zeros_f(Shape s) { return zeros(s, DType::Float32); }

// conformance case slice_view_alias.py, tensor by tensor.
TEST(Indexing, WritesThroughBasicIndexingReachTheBase) {
  Tensor a = zeros_f(Shape{2, 3});
  Tensor row = index(a, {I(0)});
  index_put_(row, {I(1)}, pyf(100.0));
  EXPECT_EQ(to_doubles(a), std::vector<double>({0, 100, 0, 0, 0, 0}));
  Tensor col = index(a, {S(N, N), I(2)});
  add_(col, pyi(5));
  EXPECT_EQ(to_doubles(a), std::vector<double>({0, 100, 5, 0, 0, 5}));
  Tensor b = a;  // b = a: the same tensor
  index_put_(b, {I(1), I(0)}, pyf(-1.0));
  EXPECT_EQ(to_doubles(a), std::vector<double>({0, 100, 5, -1, 0, 5}));
  Tensor c = clone(a);
  index_put_(c, {I(0), I(0)}, pyf(42.0));
  EXPECT_EQ(element_as_double(a, 0), 0.0);
  EXPECT_EQ(element_as_double(c, 0), 42.0);
  Tensor v = view(a, {6});
  index_put_(v, {I(5)}, pyf(7.0));
  EXPECT_EQ(element_as_double(a, 5), 7.0);
  Tensor t6 = reshape(from_int64s({0, 1, 2, 3, 4, 5}, Shape{6}, DType::Int64), {2, 3});
  Tensor tt = T(t6);
  index_put_(tt, {I(0), I(1)}, pyi(99));
  EXPECT_EQ(to_int64s(t6), std::vector<int64_t>({0, 1, 2, 99, 4, 5}));
  Tensor d = detach(a);
  index_put_(d, {I(0), I(0)}, pyf(3.0));
  EXPECT_EQ(to_doubles(a), std::vector<double>({3, 100, 5, -1, 0, 7}));
}

TEST(Indexing, BasicIndexingIsAViewAdvancedIndexingACopy) {
  Tensor a = reshape(from_doubles({0, 1, 2, 3, 4, 5}, Shape{6}, DType::Float32), {2, 3});
  const int64_t bytes = current_context().bytes_in_use;
  Tensor v = index(a, {S(N, N), S(1, N), NONE});
  EXPECT_EQ(current_context().bytes_in_use, bytes);
  EXPECT_EQ(v->storage, a->storage);
  Tensor c = index(a, {L({1, 0})});
  EXPECT_NE(c->storage, a->storage);
  index_put_(c, {I(0), I(0)}, pyf(50.0));
  EXPECT_EQ(element_as_double(a, 3), 3.0);
}

// The seed notebook's assignments.
TEST(Indexing, NotebookAssignments) {
  Tensor a = zeros_f(Shape{3, 4});
  index_put_(a, {S(N, N)}, pyf(7.0));  // a[:] = 7.0
  EXPECT_EQ(to_doubles(a), std::vector<double>(12, 7.0));

  Tensor x = floats({-1.5, 2.0, -0.5, 3.0});
  index_put_(x, {TI(compare(x, pyf(0.0), CmpOp::Lt))}, pyf(0.0));  // x[x < 0] = 0.0
  EXPECT_EQ(to_doubles(x), std::vector<double>({0, 2, 0, 3}));

  Tensor y = floats({1, 2, 3});
  index_put_(y, {L({0, 2})}, floats({9, 8}));  // y[[0, 2]] = tensor([9., 8.])
  EXPECT_EQ(to_doubles(y), std::vector<double>({9, 2, 8}));

  Tensor m =
      reshape(from_int64s({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, Shape{12}, DType::Int64), {3, 4});
  Tensor rows =
      index(m, {TI(compare(sum(m, {1}, false), pyi(10), CmpOp::Gt))});  // m[m.sum(dim=1) > 10]
  EXPECT_EQ(to_int64s(rows), std::vector<int64_t>({4, 5, 6, 7, 8, 9, 10, 11}));
}

// conformance case slice_assign.py, statement by statement.
TEST(Indexing, SliceAssignSequence) {
  Tensor a = reshape(from_int64s({0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
                                  13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24},
                                 Shape{25}, DType::Int64),
                     {5, 5});
  index_put_(a, {S(1, 4), S(1, 4)}, pyf(5.0));
  Tensor b = reshape(from_int64s({0, 0, 2, 6, 12, 20, 30, 42, 56}, Shape{9}, DType::Int64), {3, 3});
  index_put_(a, {S(1, 4), S(1, 4)}, b);
  EXPECT_EQ(to_int64s(a), std::vector<int64_t>({0,  1,  2,  3,  4,  5,  0,  0,  2,  9,  10, 6, 12,
                                                20, 14, 15, 30, 42, 56, 19, 20, 21, 22, 23, 24}));
  Tensor c = zeros_f(Shape{3, 4});
  index_put_(c, {I(0)}, floats({1, 2, 3, 4}));
  index_put_(c, {S(N, N), I(1)}, pyf(-1.0));
  index_put_(c, {I(2), I(3)}, pyf(9.5));
  iadd(c, {S(1, N), S(2, N)}, pyf(0.25));
  imul(c, {I(-1)}, pyi(2));
  EXPECT_EQ(to_doubles(c), std::vector<double>({1, -1, 3, 4, 0, -1, 0.25, 0.25, 0, -2, 0.5, 19.5}));
  Tensor d = zeros_f(Shape{2, 3});
  index_put_(d, {S(N, N), I(0)}, floats({7, 8}));
  index_put_(d, {I(1)}, floats({1, 2, 3}));
  index_put_(d, {I(0), S(1, N)}, pyf(0.5));
  EXPECT_EQ(to_doubles(d), std::vector<double>({7, 0.5, 0.5, 1, 2, 3}));
  Tensor e = from_int64s({0, 1, 2, 3, 4, 5}, Shape{6}, DType::Int64);
  index_put_(e, {S(N, N, 2)}, pyi(0));
  EXPECT_EQ(to_int64s(e), std::vector<int64_t>({0, 1, 0, 3, 0, 5}));
}

// lin.weight.data[0, 0] = 10.0: .data is an untracked alias, so the leaf's check and its
// version counter are both bypassed, as in PyTorch.
TEST(Indexing, AssignmentThroughDataBypassesAutograd) {
  Tensor w = from_doubles({1, 2, 3, 4}, Shape{2, 2}, DType::Float32);
  w.set_requires_grad(true);
  w->is_parameter = true;
  Tensor data = alias_detached(w);
  data->untracked_version = true;
  const uint32_t version = w->storage->version;
  index_put_(data, {I(0), I(0)}, pyf(10.0));
  EXPECT_EQ(to_doubles(w), std::vector<double>({10, 2, 3, 4}));
  EXPECT_EQ(w->storage->version, version);
  EXPECT_TRUE(w.is_leaf());
  expect_error(
      [&] {
        index_put_(w, {I(0), I(0)}, pyf(10.0));
      },
      "RuntimeError",
      "a view of a leaf Variable that requires grad is being used in an in-place operation.");
  NoGradGuard no_grad;  // under no_grad the leaf itself may be written
  index_put_(w, {I(1)}, pyf(0.5));
  EXPECT_EQ(to_doubles(w), std::vector<double>({10, 2, 0.5, 0.5}));
}

TEST(Indexing, EveryAssignmentBumpsTheVersionOnce) {
  Tensor a = zeros_f(Shape{3});
  const uint32_t v0 = a->storage->version;
  index_put_(a, {I(0)}, pyf(1.0));
  EXPECT_EQ(a->storage->version, v0 + 1);
  index_put_(a, {L({0})}, pyf(2.0));
  EXPECT_EQ(a->storage->version, v0 + 2);
  index_put_(a, {B({1, 0, 0})}, pyf(3.0));
  EXPECT_EQ(a->storage->version, v0 + 3);
  iadd(a, {S(1, N)}, pyi(1));  // a[1:] += 1: the add and the write back
  EXPECT_EQ(a->storage->version, v0 + 5);
  EXPECT_EQ(to_doubles(a), std::vector<double>({3, 1, 1}));
}

TEST(Indexing, IteratingSelectsRowsAsViews) {
  Tensor x = reshape(from_doubles({1, 2, 3, 4, 5, 6}, Shape{6}, DType::Float32), {3, 2});
  x.set_requires_grad(true);
  Tensor total;
  for (int64_t i = 0; i < x.size(0); ++i) {
    Tensor row = select(x, 0, i);
    EXPECT_EQ(row->storage, x->storage);
    EXPECT_STREQ(grad_fn_name(row.grad_fn()->op), "SelectBackward0");
    Tensor s = mul(sum(row), pyi(i + 1));
    total = total.defined() ? add(total, s) : s;
  }
  backward(total);
  EXPECT_EQ(to_doubles(x.grad()), std::vector<double>({1, 1, 2, 2, 3, 3}));
}

TEST(Indexing, AssignmentGradientsByHand) {
  // z = x * 2; z[1:3] = v; gradient of sum(z * w): x gets w * 2 outside the block, v gets w.
  Tensor x = floats({1, 2, 3, 4});
  x.set_requires_grad(true);
  Tensor v = floats({10, 20});
  v.set_requires_grad(true);
  Tensor z = mul(x, pyi(2));
  index_put_(z, {S(1, 3)}, v);
  EXPECT_STREQ(grad_fn_name(z.grad_fn()->op), "CopySlices");
  EXPECT_EQ(to_doubles(z), std::vector<double>({2, 10, 20, 8}));
  backward(z, floats({1, 2, 3, 4}));
  EXPECT_EQ(to_doubles(x.grad()), std::vector<double>({2, 0, 0, 8}));
  EXPECT_EQ(to_doubles(v.grad()), std::vector<double>({2, 3}));
}

TEST(Indexing, RefusesToRecordAWriteOtherTensorsCouldSee) {
  Tensor x = floats({1, 2, 3});
  x.set_requires_grad(true);
  Tensor z = mul(x, pyi(2));
  const std::string msg =
      "gradlab cannot record this indexed assignment for autograd: the tensor shares its memory "
      "with another tensor (a view of it, or its .data / detach()), whose gradient history would "
      "not see the change. Assign into a copy made with .clone() instead, or do the assignment "
      "under torch.no_grad().";
  {
    Tensor row = index(z, {S(0, 2)});  // a live view of z
    expect_error([&] { index_put_(z, {I(2)}, pyf(5.0)); }, "RuntimeError", msg);
    expect_error([&] { index_put_(row, {I(0)}, pyf(5.0)); }, "RuntimeError", msg);
  }
  index_put_(z, {I(2)}, pyf(5.0));  // the view is gone: fine
  EXPECT_EQ(to_doubles(z), std::vector<double>({2, 4, 5}));
  // Without autograd recording nothing is refused.
  Tensor plain = zeros_f(Shape{3});
  Tensor alias = index(plain, {S(N, 2)});
  index_put_(plain, {I(0)}, pyf(1.0));
  EXPECT_EQ(element_as_double(alias, 0), 1.0);
}

TEST(Indexing, ASavedInputOverwrittenLaterFailsBackward) {
  Tensor x = floats({1, 2, 3});
  x.set_requires_grad(true);
  Tensor z = mul(x, pyi(2));
  Tensor y = mul(z, z);
  index_put_(z, {I(0)}, pyf(1.0));
  try {
    backward(sum(y));
    ADD_FAILURE() << "backward through a modified saved tensor did not raise";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "RuntimeError");
    EXPECT_NE(e.message().find("one of the variables needed for gradient computation has been "
                               "modified by an inplace operation: [torch.FloatTensor [3]]"),
              std::string::npos);
    EXPECT_NE(e.message().find("is at version 1; expected version 0 instead."), std::string::npos);
  }
}

}  // namespace
}  // namespace gradlab
