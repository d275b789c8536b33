// One op written as a short string, for the command line (`--op "matmul m=512 n=768 k=768"`)
// and for the `op:` key of mapping files (docs/mappings.md).
//
// Grammar: `KIND key=value ...`, tokens separated by spaces, each key at most once:
//
//   kind       dims (required, optional=default)  tensors (role)                      reduced dim
//   matmul     m n k                              A[m,k] input, B[k,n] weight, Z[m,n]  -
//   bmm        m n k, b=1 h=1                     A[b,h,m,k], B[b,h,k,n], Z[b,h,m,n]   -
//   matvec     n k (m is 1)                       A[m,k], B[k,n], Z[m,n]               -
//   softmax    m n, b h (absent = no such dim)    A[..,m,n] input, Z[..,m,n]           n
//   layernorm  m n                                A[m,n] input, Z[m,n]                 n
//   rmsnorm    m n                                A[m,n] input, Z[m,n]                 n
//   gelu silu  m n                                A[m,n] input, Z[m,n]                 -
//   add mul    m n                                A[m,n], B[m,n] inputs, Z[m,n]        -
//   conv       c m p q r s, n=1                   A[n,c,W,H], B[m,c,r,s], Z[n,m,p,q]   -
//   dwconv     g p q r s, n=1                     A[n,g,W,H], B[g,r,s], Z[n,g,p,q]     -
//
// Convolutions (workload/op.h, MakeConvolution) also take `stride=` (both axes) or
// `stride_w=`/`stride_h=`, and `dilation=` or `dilation_w=`/`dilation_h=` (default 1); the input's
// W = r·dilation_w + p·stride_w and H = s·dilation_h + q·stride_h are affine indices. Their dims
// are Timeloop's names in lowercase (n images, c/m input/output channels, p/q output width/height,
// r/s filter width/height, g depthwise channels), not the matmul names below.
//
// Common keys: `bits=N` (word size of every tensor, default 8 as in the survey's Sec. 2.2),
// `name=NAME` (default: the kind).
//
// The dims follow the names of the ops the Transformer builder makes (workload/op.h, "Dim names";
// src/workload/transformer.cpp): m = token rows, n = output columns, k = reduction; b, h =
// sequences and heads. Roles follow it too: the weight is the operand without m (what a
// weight-stationary array holds still). Vector ops get their passes and operations per element
// from DefaultVectorProfile. Tensor names A, B, Z are those of the Timeloop reference cases
// (shared/validation/README.md), so a mapping written for one reads on the other.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "loopfront/workload/op.h"

namespace loopfront::workload {

// Parses a spec. Throws util::ConfigError (path `label`, no file position) naming the token at
// fault, with "did you mean" for unknown kinds and keys; every problem of the string is reported.
Op ParseOpSpec(std::string_view text, std::string_view label = "--op");

// The kinds accepted as the first token, for help texts and suggestions.
std::vector<std::string> OpSpecKinds();

}  // namespace loopfront::workload
