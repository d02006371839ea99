// A vector that keeps its first N elements inside the object: the per-node lists of the
// autograd graph (edges, saved tensors, input shapes and dtypes) have one to three entries,
// so a node is built without a heap allocation per list. Past N it moves to the heap like
// std::vector. The interface is the part of std::vector those lists use.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <new>
#include <type_traits>
#include <utility>

namespace gradlab {

template <typename T, size_t N>
class SmallVector {
  static_assert(N > 0, "SmallVector needs inline room for at least one element");

 public:
  SmallVector() = default;
  SmallVector(std::initializer_list<T> items) { assign(items.begin(), items.end()); }
  SmallVector(const SmallVector&) = delete;
  SmallVector& operator=(const SmallVector&) = delete;
  ~SmallVector() {
    clear();
    if (data_ != inline_data()) std::free(data_);
  }
  SmallVector& operator=(std::initializer_list<T> items) {
    assign(items.begin(), items.end());
    return *this;
  }
  template <typename It>
  void assign(It first, It last) {
    clear();
    reserve(size_t(last - first));
    for (; first != last; ++first) new (data_ + size_++) T(*first);
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& back() { return data_[size_ - 1]; }
  const T& back() const { return data_[size_ - 1]; }

  void push_back(const T& v) { emplace_back(v); }
  void push_back(T&& v) { emplace_back(std::move(v)); }
  template <typename... A>
  T& emplace_back(A&&... args) {
    if (size_ == cap_) {
      T tmp(std::forward<A>(args)...);  // args may refer to an element that grow() moves
      grow(size_t(cap_) * 2);
      return *new (data_ + size_++) T(std::move(tmp));
    }
    return *new (data_ + size_++) T(std::forward<A>(args)...);
  }
  void reserve(size_t n) {
    if (n > cap_) grow(n);
  }
  void resize(size_t n) {
    reserve(n);
    while (size_ > n) data_[--size_].~T();
    while (size_ < n) new (data_ + size_++) T();
  }
  void clear() {
    while (size_ > 0) data_[--size_].~T();
  }

 private:
  T* inline_data() { return reinterpret_cast<T*>(inline_); }
  void grow(size_t n) {
    T* fresh = static_cast<T*>(std::malloc(n * sizeof(T)));
    if (!fresh) throw std::bad_alloc();
    for (uint32_t i = 0; i < size_; ++i) {
      new (fresh + i) T(std::move(data_[i]));
      data_[i].~T();
    }
    if (data_ != inline_data()) std::free(data_);
    data_ = fresh;
    cap_ = uint32_t(n);
  }

  T* data_ = inline_data();
  uint32_t size_ = 0;
  uint32_t cap_ = N;
  alignas(T) unsigned char inline_[N * sizeof(T)];
};

}  // namespace gradlab
