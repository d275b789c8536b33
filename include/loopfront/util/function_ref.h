// A non-owning reference to a callable, as C++26's std::function_ref: calling it costs one
// indirect call, and making one never allocates (std::function may). For callbacks on a hot path
// whose callable outlives the call that receives the reference, e.g. search::ParallelFor's body.
//
// Thread-safety: as the referenced callable's operator().
#pragma once

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace loopfront::util {

template <typename Signature>
class FunctionRef;

template <typename Result, typename... Args>
class FunctionRef<Result(Args...)> {
 public:
  // Implicit, as std::function_ref: a lambda converts where a FunctionRef parameter is expected.
  template <typename Callable>
  requires(!std::is_same_v<std::remove_cvref_t<Callable>, FunctionRef> &&
           std::is_invocable_r_v<Result, Callable&, Args...>)
      FunctionRef(Callable&& callable)  // NOLINT(google-explicit-constructor)
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(callable)))),
        call_([](void* object, Args... args) -> Result {
          return std::invoke(*static_cast<std::remove_reference_t<Callable>*>(object), std::forward<Args>(args)...);
        }) {}

  Result operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  Result (*call_)(void* object, Args... args);
};

}  // namespace loopfront::util
