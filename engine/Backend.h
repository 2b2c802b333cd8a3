#pragma once
// The backend: the few dozen primitives every layer, loss and optimizer is built from.
//
// Layers never call Eigen, BLAS or CUDA directly; they call the functions in Ops.h,
// which check shapes and forward to the Backend of the tensors' device. A backend
// works on raw device pointers with explicit sizes; all arrays are contiguous and
// row-major. Unless stated, outputs are overwritten, and "accumulate" means `+=`.
//
// Thread safety: a backend object is shared; its methods are safe to call from one
// thread at a time per output buffer (they keep no state across calls).

#include "engine/kernels/KernelMath.h"
#include "engine/Tensor.h"

#include <array>
#include <cstddef>
#include <cstdint>

namespace dlab {

// Every primitive, listed once. Adding one means: a name in kOpNames, a CPU
// implementation, a parity-test row. The static_assert below keeps the table honest.
enum class Op : int {
    Gemm,
    Im2col,
    Col2im,
    Fill,
    Copy,
    Axpy,
    AxpySign,
    Scale,
    Add,
    Mul,
    ActivationForward,
    ActivationBackward,
    AddChannelBias,
    ChannelSum,
    SumSquares,
    SumAbs,
    SoftmaxCrossEntropy,
    MulticlassHinge,
    BceWithLogits,
    OneHot,
    MaxPoolForward,
    MaxPoolBackward,
    AvgPoolForward,
    AvgPoolBackward,
    BatchNormForward,
    BatchNormBackward,
    LayerNormForward,
    LayerNormBackward,
    MaxoutForward,
    MaxoutBackward,
    OptimizerStep,
    Count
};

inline constexpr std::array<const char*, static_cast<size_t>(Op::Count)> kOpNames = {
    "gemm", "im2col", "col2im", "fill", "copy", "axpy", "axpy_sign", "scale", "add", "mul",
    "activation_forward", "activation_backward", "add_channel_bias", "channel_sum",
    "sum_squares", "sum_abs", "softmax_cross_entropy", "multiclass_hinge",
    "bce_with_logits", "one_hot", "maxpool_forward",
    "maxpool_backward", "avgpool_forward", "avgpool_backward", "batchnorm_forward",
    "batchnorm_backward", "layernorm_forward", "layernorm_backward", "maxout_forward",
    "maxout_backward", "optimizer_step"};
static_assert(kOpNames.size() == static_cast<size_t>(Op::Count), "every Op needs a name");

// Geometry of a 2-D convolution or pooling window on one (C, H, W) image.
struct ConvGeometry {
    int channels = 0, height = 0, width = 0;
    int kernelH = 0, kernelW = 0;
    int strideH = 1, strideW = 1;
    int padH = 0, padW = 0;
    int outHeight() const { return (height + 2 * padH - kernelH) / strideH + 1; }
    int outWidth() const { return (width + 2 * padW - kernelW) / strideW + 1; }
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual Device device() const = 0;
    virtual bool supports(Op op) const = 0;

    virtual float* allocate(size_t count) = 0;
    virtual void release(float* ptr) = 0;
    // Copies between this device and the host.
    virtual void toHost(float* host, const float* src, size_t count) = 0;
    virtual void fromHost(float* dst, const float* host, size_t count) = 0;

    // C(M,N) = alpha * op(A) * op(B) + beta * C, op = transpose when the flag is set.
    // A is (M,K) or (K,M) when transposed; B is (K,N) or (N,K).
    virtual void gemm(bool transA, bool transB, int M, int N, int K, float alpha, const float* A,
                      const float* B, float beta, float* C) = 0;
    // One image (C,H,W) -> columns (C*kh*kw, outH*outW), zero padding.
    virtual void im2col(const ConvGeometry& g, const float* image, float* columns) = 0;
    // Accumulates columns back into one image (C,H,W): image += col2im(columns).
    virtual void col2im(const ConvGeometry& g, const float* columns, float* image) = 0;

    virtual void fill(float* y, size_t n, float value) = 0;
    virtual void copy(float* y, const float* x, size_t n) = 0;
    // y += a * x
    virtual void axpy(float* y, const float* x, size_t n, float a) = 0;
    // y += a * sign(x), sign(0) = 0: the L1 penalty's (sub)gradient.
    virtual void axpySign(float* y, const float* x, size_t n, float a) = 0;
    // y *= a
    virtual void scale(float* y, size_t n, float a) = 0;
    // y = a + b
    virtual void add(float* y, const float* a, const float* b, size_t n) = 0;
    // y = a * b (elementwise)
    virtual void mul(float* y, const float* a, const float* b, size_t n) = 0;

    virtual void activationForward(kernels::Act act, float alpha, const float* x, float* y,
                                   size_t n) = 0;
    // dx = dy * f'(x); `accumulate` adds to dx instead of overwriting.
    virtual void activationBackward(kernels::Act act, float alpha, const float* x, const float* y,
                                    const float* dy, float* dx, size_t n, bool accumulate) = 0;

    // y viewed as (outer, C, inner): y[o, c, i] += bias[c].
    virtual void addChannelBias(float* y, const float* bias, int64_t outer, int64_t channels,
                                int64_t inner) = 0;
    // dbias[c] += sum over o, i of dy[o, c, i].
    virtual void channelSum(const float* dy, float* dbias, int64_t outer, int64_t channels,
                            int64_t inner) = 0;
    // Reductions in double so large tensors keep their precision.
    virtual double sumSquares(const float* x, size_t n) = 0;
    virtual double sumAbs(const float* x, size_t n) = 0;

    // Fused, numerically stable softmax + cross-entropy over rows of logits (N, C).
    // labels hold class indices as floats. Writes probs (N, C) and, when dlogits is not
    // null, dlogits = (probs - onehot) * gradScale. Returns the summed loss over rows and
    // counts rows whose argmax equals the label in *correct. A label outside [0, C) or
    // not a whole number stops the pass and returns -(r + 1) for the first bad row r
    // (the caller reports it).
    virtual double softmaxCrossEntropy(const float* logits, const float* labels, int64_t rows,
                                       int64_t classes, float* probs, float* dlogits,
                                       float gradScale, int64_t* correct) = 0;
    // Multiclass SVM loss over rows of scores (N, C): Σ_{j≠y} max(0, s_j - s_y + margin).
    // Returns the summed loss; labels, *correct and bad rows as softmaxCrossEntropy.
    // When dscores is not null it is overwritten with the (sub)gradient times gradScale
    // (a margin of exactly 0 counts as inactive).
    virtual double multiclassHinge(const float* scores, const float* labels, int64_t rows,
                                   int64_t classes, float margin, float* dscores,
                                   float gradScale, int64_t* correct) = 0;
    // Σ max(z,0) - z·t + log(1 + e^-|z|) over n logits z and targets t, the stable form
    // of binary cross-entropy on sigmoid(z). When dlogits is not null it is overwritten
    // with (sigmoid(z) - t) * gradScale.
    virtual double bceWithLogits(const float* logits, const float* targets, size_t n,
                                 float* dlogits, float gradScale) = 0;
    // Class indices (N,) -> one-hot rows (N, C). Returns the first row whose label is not
    // a class index in [0, C), or -1 when all are valid.
    virtual int64_t oneHot(const float* labels, int64_t rows, int64_t classes, float* out) = 0;

    // Pooling over (N*C) planes of size (H, W). Max pooling records the flat argmax index
    // within each input plane (as float, exact below 2^24) for the backward pass.
    virtual void maxPoolForward(const ConvGeometry& g, int64_t planes, const float* x, float* y,
                                float* argmax) = 0;
    // dx (zeroed by the caller) += scatter of dy through argmax.
    virtual void maxPoolBackward(const ConvGeometry& g, int64_t planes, const float* dy,
                                 const float* argmax, float* dx) = 0;
    // Average pooling counts padded cells (PyTorch's count_include_pad=True).
    virtual void avgPoolForward(const ConvGeometry& g, int64_t planes, const float* x,
                                float* y) = 0;
    virtual void avgPoolBackward(const ConvGeometry& g, int64_t planes, const float* dy,
                                 float* dx) = 0;

    // Batch normalization over x viewed as (outer, C, inner), statistics per channel.
    // Training: uses batch mean / biased variance, writes them to mean/invStd, writes
    // xhat, and updates running stats with `momentum` (PyTorch convention, unbiased
    // variance in the running estimate). Evaluation: uses runningMean/runningVar.
    virtual void batchNormForward(const float* x, float* y, float* xhat, const float* gamma,
                                  const float* beta, float* mean, float* invStd,
                                  float* runningMean, float* runningVar, int64_t outer,
                                  int64_t channels, int64_t inner, float eps, float momentum,
                                  bool training) = 0;
    // Training-mode backward: writes dx, accumulates dgamma and dbeta.
    virtual void batchNormBackward(const float* dy, const float* xhat, const float* gamma,
                                   const float* invStd, float* dx, float* dgamma, float* dbeta,
                                   int64_t outer, int64_t channels, int64_t inner) = 0;
    // Layer normalization over the last `features` values of each of `rows` rows.
    virtual void layerNormForward(const float* x, float* y, float* xhat, float* invStd,
                                  const float* gamma, const float* beta, int64_t rows,
                                  int64_t features, float eps) = 0;
    virtual void layerNormBackward(const float* dy, const float* xhat, const float* invStd,
                                   const float* gamma, float* dx, float* dgamma, float* dbeta,
                                   int64_t rows, int64_t features) = 0;

    // Maxout over x viewed as (outer, C*k, inner): y[o, c, i] = max_j x[o, c*k + j, i].
    // argmax records j (as float).
    virtual void maxoutForward(const float* x, float* y, float* argmax, int64_t outer,
                               int64_t channels, int64_t pieces, int64_t inner) = 0;
    // dx (overwritten) from dy through argmax.
    virtual void maxoutBackward(const float* dy, const float* argmax, float* dx, int64_t outer,
                                int64_t channels, int64_t pieces, int64_t inner) = 0;

    // One optimizer step on n elements. m, v: state slots of n elements (may be null
    // when the kind does not use them).
    virtual void optimizerStep(kernels::OptKind kind, const kernels::OptHyper& hyper, float* w,
                               const float* g, float* m, float* v, size_t n, bool first) = 0;
};

// The backend for a device. Throws std::runtime_error for CUDA when no GPU is usable.
Backend& backendFor(Device device);
// True when a CUDA backend is compiled in and a GPU answered at run time.
bool cudaAvailable();
// One line on how the CPU backend multiplies matrices ("OpenBLAS (SkylakeX kernels, ...)").
std::string cpuStatus();
// One line on why CUDA is or is not usable ("no CUDA toolkit at build time", ...).
std::string cudaStatus();

}  // namespace dlab
