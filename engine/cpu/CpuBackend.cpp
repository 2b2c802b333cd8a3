#include "engine/cpu/CpuBackend.h"

#include "engine/cpu/Blas.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>
#include <vector>


namespace dlab {
namespace {

using kernels::Act;
using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MapMat = Eigen::Map<RowMat>;
using ConstMapMat = Eigen::Map<const RowMat>;

// Σ term(i) for i in [0, n), in double. Eight independent lanes make the fixed-width inner
// loop vectorize without reassociating any lane's additions (no -ffast-math needed); a
// single running sum is a chain of dependent adds, one every few cycles.
template <typename Term>
double laneSum(int64_t n, Term&& term) {
    constexpr int kLanes = 8;
    double lanes[kLanes] = {};
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        for (int l = 0; l < kLanes; ++l) {
            lanes[l] += static_cast<double>(term(i + l));
        }
    }
    double total = 0.0;
    for (; i < n; ++i) {
        total += static_cast<double>(term(i));
    }
    for (double lane : lanes) {
        total += lane;
    }
    return total;
}

// Output columns [lo, hi) whose input column ox·stride - pad + k lies inside [0, width):
// im2col and col2im handle those without a bounds check per element.
struct ValidRange {
    int lo, hi;
};

ValidRange validColumns(int outW, int stride, int pad, int k, int width) {
    int lo = 0;
    while (lo < outW && lo * stride - pad + k < 0) {
        ++lo;
    }
    int hi = outW;
    while (hi > lo && (hi - 1) * stride - pad + k >= width) {
        --hi;
    }
    return {lo, hi};
}

// Calls fn(std::integral_constant<Act, A>) so the per-element switch folds away.
template <typename Fn>
void dispatchAct(Act act, Fn&& fn) {
    switch (act) {
#define DLAB_ACT_CASE(name) \
    case Act::name: fn(std::integral_constant<Act, Act::name>{}); break;
        DLAB_ACT_CASE(Identity)
        DLAB_ACT_CASE(Sigmoid)
        DLAB_ACT_CASE(Tanh)
        DLAB_ACT_CASE(ReLU)
        DLAB_ACT_CASE(LeakyReLU)
        DLAB_ACT_CASE(ELU)
        DLAB_ACT_CASE(GELU)
        DLAB_ACT_CASE(SELU)
        DLAB_ACT_CASE(SiLU)
        DLAB_ACT_CASE(Softplus)
#undef DLAB_ACT_CASE
    default: break;
    }
}

class CpuBackend final : public Backend {
public:
    Device device() const override { return Device::CPU; }
    bool supports(Op) const override { return true; }

    float* allocate(size_t count) override {
        // 64-byte alignment for vector loads; size rounded up as aligned_alloc requires.
        size_t bytes = ((count * sizeof(float) + 63) / 64) * 64;
        void* p = std::aligned_alloc(64, bytes);
        if (!p) {
            throw std::bad_alloc();
        }
        return static_cast<float*>(p);
    }
    void release(float* ptr) override { std::free(ptr); }
    void toHost(float* host, const float* src, size_t count) override {
        std::memcpy(host, src, count * sizeof(float));
    }
    void fromHost(float* dst, const float* host, size_t count) override {
        std::memcpy(dst, host, count * sizeof(float));
    }

    void gemm(bool transA, bool transB, int M, int N, int K, float alpha, const float* A,
              const float* B, float beta, float* C) override {
        if (M == 0 || N == 0) {
            return;
        }
        if (static const blas::SgemmFn sgemm = blas::sgemm(); sgemm) {
            sgemm(blas::kRowMajor, transA ? blas::kTrans : blas::kNoTrans,
                  transB ? blas::kTrans : blas::kNoTrans, M, N, K, alpha, A, transA ? M : K, B,
                  transB ? K : N, beta, C, N);
            return;
        }
        MapMat c(C, M, N);
        ConstMapMat a(A, transA ? K : M, transA ? M : K);
        ConstMapMat b(B, transB ? N : K, transB ? K : N);
        if (beta == 0.0f) {
            c.setZero();
        } else if (beta != 1.0f) {
            c *= beta;
        }
        if (!transA && !transB) {
            c.noalias() += alpha * a * b;
        } else if (transA && !transB) {
            c.noalias() += alpha * a.transpose() * b;
        } else if (!transA && transB) {
            c.noalias() += alpha * a * b.transpose();
        } else {
            c.noalias() += alpha * a.transpose() * b.transpose();
        }
    }

    void im2col(const ConvGeometry& g, const float* image, float* columns) override {
        const int outH = g.outHeight(), outW = g.outWidth();
        for (int c = 0; c < g.channels; ++c) {
            const float* plane = image + static_cast<int64_t>(c) * g.height * g.width;
            for (int ki = 0; ki < g.kernelH; ++ki) {
                for (int kj = 0; kj < g.kernelW; ++kj) {
                    float* row = columns;
                    columns += static_cast<int64_t>(outH) * outW;
                    const auto [lo, hi] = validColumns(outW, g.strideW, g.padW, kj, g.width);
                    for (int oy = 0; oy < outH; ++oy) {
                        const int iy = oy * g.strideH - g.padH + ki;
                        float* out = row + static_cast<int64_t>(oy) * outW;
                        if (iy < 0 || iy >= g.height) {
                            std::fill(out, out + outW, 0.0f);
                            continue;
                        }
                        const float* in = plane + static_cast<int64_t>(iy) * g.width - g.padW + kj;
                        std::fill(out, out + lo, 0.0f);
                        if (g.strideW == 1) {
                            std::copy(in + lo, in + hi, out + lo);
                        } else {
                            for (int ox = lo; ox < hi; ++ox) {
                                out[ox] = in[ox * g.strideW];
                            }
                        }
                        std::fill(out + hi, out + outW, 0.0f);
                    }
                }
            }
        }
    }

    void col2im(const ConvGeometry& g, const float* columns, float* image) override {
        const int outH = g.outHeight(), outW = g.outWidth();
        for (int c = 0; c < g.channels; ++c) {
            float* plane = image + static_cast<int64_t>(c) * g.height * g.width;
            for (int ki = 0; ki < g.kernelH; ++ki) {
                for (int kj = 0; kj < g.kernelW; ++kj) {
                    const float* row = columns;
                    columns += static_cast<int64_t>(outH) * outW;
                    const auto [lo, hi] = validColumns(outW, g.strideW, g.padW, kj, g.width);
                    for (int oy = 0; oy < outH; ++oy) {
                        const int iy = oy * g.strideH - g.padH + ki;
                        if (iy < 0 || iy >= g.height) {
                            continue;
                        }
                        const float* in = row + static_cast<int64_t>(oy) * outW;
                        float* out = plane + static_cast<int64_t>(iy) * g.width - g.padW + kj;
                        if (g.strideW == 1) {
                            for (int ox = lo; ox < hi; ++ox) {
                                out[ox] += in[ox];
                            }
                        } else {
                            for (int ox = lo; ox < hi; ++ox) {
                                out[ox * g.strideW] += in[ox];
                            }
                        }
                    }
                }
            }
        }
    }

    void fill(float* y, size_t n, float value) override { std::fill(y, y + n, value); }
    void copy(float* y, const float* x, size_t n) override {
        if (y != x) {
            std::memmove(y, x, n * sizeof(float));
        }
    }
    void axpy(float* y, const float* x, size_t n, float a) override {
        for (size_t i = 0; i < n; ++i) {
            y[i] += a * x[i];
        }
    }
    void axpySign(float* y, const float* x, size_t n, float a) override {
        for (size_t i = 0; i < n; ++i) {
            y[i] += a * static_cast<float>((x[i] > 0.0f) - (x[i] < 0.0f));
        }
    }
    void scale(float* y, size_t n, float a) override {
        for (size_t i = 0; i < n; ++i) {
            y[i] *= a;
        }
    }
    void add(float* y, const float* a, const float* b, size_t n) override {
        for (size_t i = 0; i < n; ++i) {
            y[i] = a[i] + b[i];
        }
    }
    void mul(float* y, const float* a, const float* b, size_t n) override {
        for (size_t i = 0; i < n; ++i) {
            y[i] = a[i] * b[i];
        }
    }

    void activationForward(Act act, float alpha, const float* x, float* y, size_t n) override {
        dispatchAct(act, [&](auto a) {
            for (size_t i = 0; i < n; ++i) {
                y[i] = kernels::activationForward(a.value, x[i], alpha);
            }
        });
    }
    void activationBackward(Act act, float alpha, const float* x, const float* y, const float* dy,
                            float* dx, size_t n, bool accumulate) override {
        dispatchAct(act, [&](auto a) {
            if (accumulate) {
                for (size_t i = 0; i < n; ++i) {
                    dx[i] += dy[i] * kernels::activationDerivative(a.value, x[i], y[i], alpha);
                }
            } else {
                for (size_t i = 0; i < n; ++i) {
                    dx[i] = dy[i] * kernels::activationDerivative(a.value, x[i], y[i], alpha);
                }
            }
        });
    }

    void addChannelBias(float* y, const float* bias, int64_t outer, int64_t channels,
                        int64_t inner) override {
        if (inner == 1) {
            // Dense layers, (N, F): a contiguous pass per row instead of one per element.
            for (int64_t o = 0; o < outer; ++o) {
                float* row = y + o * channels;
                for (int64_t c = 0; c < channels; ++c) {
                    row[c] += bias[c];
                }
            }
            return;
        }
        for (int64_t o = 0; o < outer; ++o) {
            for (int64_t c = 0; c < channels; ++c) {
                float* p = y + (o * channels + c) * inner;
                const float b = bias[c];
                for (int64_t i = 0; i < inner; ++i) {
                    p[i] += b;
                }
            }
        }
    }
    void channelSum(const float* dy, float* dbias, int64_t outer, int64_t channels,
                    int64_t inner) override {
        if (inner == 1) {
            // Dense layers, (N, F): rows added in order, contiguous and vectorized over F.
            for (int64_t o = 0; o < outer; ++o) {
                const float* row = dy + o * channels;
                for (int64_t c = 0; c < channels; ++c) {
                    dbias[c] += row[c];
                }
            }
            return;
        }
        for (int64_t o = 0; o < outer; ++o) {
            for (int64_t c = 0; c < channels; ++c) {
                const float* p = dy + (o * channels + c) * inner;
                dbias[c] += static_cast<float>(laneSum(inner, [p](int64_t i) { return p[i]; }));
            }
        }
    }
    double sumSquares(const float* x, size_t n) override {
        return laneSum(static_cast<int64_t>(n), [x](int64_t i) {
            const double v = x[i];
            return v * v;
        });
    }
    double sumAbs(const float* x, size_t n) override {
        return laneSum(static_cast<int64_t>(n),
                       [x](int64_t i) { return std::fabs(static_cast<double>(x[i])); });
    }

    double softmaxCrossEntropy(const float* logits, const float* labels, int64_t rows,
                               int64_t classes, float* probs, float* dlogits, float gradScale,
                               int64_t* correct) override {
        double total = 0.0;
        int64_t right = 0;
        for (int64_t r = 0; r < rows; ++r) {
            const float* z = logits + r * classes;
            float* p = probs + r * classes;
            const int64_t y = kernels::labelIndex(labels[r], classes);
            if (y < 0) {
                return -static_cast<double>(r + 1);
            }
            int64_t best = 0;
            float maxZ = z[0];
            for (int64_t c = 1; c < classes; ++c) {
                if (z[c] > maxZ) {
                    maxZ = z[c];
                    best = c;
                }
            }
            // log-sum-exp with the max subtracted: no overflow, and log(p_y) is computed
            // as z_y - max - log(sum) so it never takes log of zero.
            double sum = 0.0;
            for (int64_t c = 0; c < classes; ++c) {
                p[c] = std::exp(z[c] - maxZ);
                sum += p[c];
            }
            const float inv = static_cast<float>(1.0 / sum);
            for (int64_t c = 0; c < classes; ++c) {
                p[c] *= inv;
            }
            total += std::log(sum) - (static_cast<double>(z[y]) - maxZ);
            right += (best == y);
            if (dlogits) {
                float* d = dlogits + r * classes;
                for (int64_t c = 0; c < classes; ++c) {
                    d[c] = (p[c] - (c == y ? 1.0f : 0.0f)) * gradScale;
                }
            }
        }
        if (correct) {
            *correct = right;
        }
        return total;
    }

    double multiclassHinge(const float* scores, const float* labels, int64_t rows,
                           int64_t classes, float margin, float* dscores, float gradScale,
                           int64_t* correct) override {
        double total = 0.0;
        int64_t right = 0;
        for (int64_t r = 0; r < rows; ++r) {
            const float* s = scores + r * classes;
            const int64_t y = kernels::labelIndex(labels[r], classes);
            if (y < 0) {
                return -static_cast<double>(r + 1);
            }
            float* d = dscores ? dscores + r * classes : nullptr;
            int64_t best = 0;
            int64_t active = 0;
            for (int64_t c = 0; c < classes; ++c) {
                if (s[c] > s[best]) {
                    best = c;
                }
                const float m = s[c] - s[y] + margin;
                const bool on = c != y && m > 0.0f;
                total += on ? m : 0.0f;
                active += on;
                if (d) {
                    d[c] = on ? gradScale : 0.0f;
                }
            }
            // The correct score is pushed down once for every class that beats the margin.
            if (d) {
                d[y] = -gradScale * static_cast<float>(active);
            }
            right += (best == y);
        }
        if (correct) {
            *correct = right;
        }
        return total;
    }

    double bceWithLogits(const float* logits, const float* targets, size_t n, float* dlogits,
                         float gradScale) override {
        double total = 0.0;
        for (size_t i = 0; i < n; ++i) {
            total += kernels::bceWithLogits(logits[i], targets[i]);
        }
        if (dlogits) {
            for (size_t i = 0; i < n; ++i) {
                dlogits[i] = (kernels::sigmoidf(logits[i]) - targets[i]) * gradScale;
            }
        }
        return total;
    }

    int64_t oneHot(const float* labels, int64_t rows, int64_t classes, float* out) override {
        std::fill(out, out + rows * classes, 0.0f);
        for (int64_t r = 0; r < rows; ++r) {
            const int64_t y = kernels::labelIndex(labels[r], classes);
            if (y < 0) {
                return r;
            }
            out[r * classes + y] = 1.0f;
        }
        return -1;
    }

    void maxPoolForward(const ConvGeometry& g, int64_t planes, const float* x, float* y,
                        float* argmax) override {
        const int outH = g.outHeight(), outW = g.outWidth();
        const int64_t inPlane = static_cast<int64_t>(g.height) * g.width;
        const int64_t outPlane = static_cast<int64_t>(outH) * outW;
        if (g.kernelH == 2 && g.kernelW == 2 && g.strideH == 2 && g.strideW == 2 &&
            g.padH == 0 && g.padW == 0) {
            maxPool2x2(g, planes, x, y, argmax);
            return;
        }
        for (int64_t p = 0; p < planes; ++p) {
            const float* in = x + p * inPlane;
            float* out = y + p * outPlane;
            float* arg = argmax + p * outPlane;
            for (int oy = 0; oy < outH; ++oy) {
                for (int ox = 0; ox < outW; ++ox) {
                    float best = -std::numeric_limits<float>::infinity();
                    int bestIdx = -1;
                    for (int ki = 0; ki < g.kernelH; ++ki) {
                        const int iy = oy * g.strideH - g.padH + ki;
                        if (iy < 0 || iy >= g.height) {
                            continue;
                        }
                        for (int kj = 0; kj < g.kernelW; ++kj) {
                            const int ix = ox * g.strideW - g.padW + kj;
                            if (ix < 0 || ix >= g.width) {
                                continue;
                            }
                            const int idx = iy * g.width + ix;
                            // NaN propagates like PyTorch: a NaN input wins the window.
                            if (in[idx] > best || bestIdx < 0 || std::isnan(in[idx])) {
                                best = in[idx];
                                bestIdx = idx;
                            }
                        }
                    }
                    out[oy * outW + ox] = best;
                    arg[oy * outW + ox] = static_cast<float>(bestIdx);
                }
            }
        }
    }
    // The common 2×2, stride 2 window. Rows without NaN take a branch-free path (selects,
    // which vectorize; on real activations each comparison is a coin flip that a branch
    // would mispredict half the time). Rows with a NaN keep the general loop's rule:
    // candidates in row order, a later one wins when larger or NaN.
    static void maxPool2x2(const ConvGeometry& g, int64_t planes, const float* x, float* y,
                           float* argmax) {
        const int outH = g.outHeight(), outW = g.outWidth();
        const int w = g.width;
        const int64_t inPlane = static_cast<int64_t>(g.height) * w;
        const int64_t outPlane = static_cast<int64_t>(outH) * outW;
        for (int64_t p = 0; p < planes; ++p) {
            for (int oy = 0; oy < outH; ++oy) {
                const int top = 2 * oy * w;
                const float* r0 = x + p * inPlane + top;
                const float* r1 = r0 + w;
                float* out = y + p * outPlane + static_cast<int64_t>(oy) * outW;
                float* arg = argmax + p * outPlane + static_cast<int64_t>(oy) * outW;
                bool hasNan = false;
                for (int j = 0; j < 2 * outW; ++j) {
                    // Integer `|` keeps the loop branch-free (a logical `||` would not).
                    hasNan |= (static_cast<int>(std::isnan(r0[j])) |
                               static_cast<int>(std::isnan(r1[j]))) != 0;
                }
                for (int ox = 0; ox < outW; ++ox) {
                    const int j = 2 * ox;
                    float best = r0[j];
                    int at = top + j;
                    const auto take = [&](float v, int idx) {
                        const bool wins = hasNan ? v > best || std::isnan(v) : v > best;
                        best = wins ? v : best;
                        at = wins ? idx : at;
                    };
                    take(r0[j + 1], top + j + 1);
                    take(r1[j], top + w + j);
                    take(r1[j + 1], top + w + j + 1);
                    out[ox] = best;
                    arg[ox] = static_cast<float>(at);
                }
            }
        }
    }

    void maxPoolBackward(const ConvGeometry& g, int64_t planes, const float* dy,
                         const float* argmax, float* dx) override {
        const int64_t inPlane = static_cast<int64_t>(g.height) * g.width;
        const int64_t outPlane = static_cast<int64_t>(g.outHeight()) * g.outWidth();
        for (int64_t p = 0; p < planes; ++p) {
            for (int64_t i = 0; i < outPlane; ++i) {
                const auto idx = static_cast<int64_t>(argmax[p * outPlane + i]);
                if (idx >= 0) {
                    dx[p * inPlane + idx] += dy[p * outPlane + i];
                }
            }
        }
    }
    void avgPoolForward(const ConvGeometry& g, int64_t planes, const float* x,
                        float* y) override {
        const int outH = g.outHeight(), outW = g.outWidth();
        const int64_t inPlane = static_cast<int64_t>(g.height) * g.width;
        const float inv = 1.0f / static_cast<float>(g.kernelH * g.kernelW);
        for (int64_t p = 0; p < planes; ++p) {
            const float* in = x + p * inPlane;
            float* out = y + p * outH * outW;
            for (int oy = 0; oy < outH; ++oy) {
                for (int ox = 0; ox < outW; ++ox) {
                    float s = 0.0f;
                    for (int ki = 0; ki < g.kernelH; ++ki) {
                        const int iy = oy * g.strideH - g.padH + ki;
                        if (iy < 0 || iy >= g.height) {
                            continue;
                        }
                        for (int kj = 0; kj < g.kernelW; ++kj) {
                            const int ix = ox * g.strideW - g.padW + kj;
                            if (ix >= 0 && ix < g.width) {
                                s += in[iy * g.width + ix];
                            }
                        }
                    }
                    out[oy * outW + ox] = s * inv;
                }
            }
        }
    }
    void avgPoolBackward(const ConvGeometry& g, int64_t planes, const float* dy,
                         float* dx) override {
        const int outH = g.outHeight(), outW = g.outWidth();
        const int64_t inPlane = static_cast<int64_t>(g.height) * g.width;
        const float inv = 1.0f / static_cast<float>(g.kernelH * g.kernelW);
        for (int64_t p = 0; p < planes; ++p) {
            float* in = dx + p * inPlane;
            const float* out = dy + p * outH * outW;
            for (int oy = 0; oy < outH; ++oy) {
                for (int ox = 0; ox < outW; ++ox) {
                    const float d = out[oy * outW + ox] * inv;
                    for (int ki = 0; ki < g.kernelH; ++ki) {
                        const int iy = oy * g.strideH - g.padH + ki;
                        if (iy < 0 || iy >= g.height) {
                            continue;
                        }
                        for (int kj = 0; kj < g.kernelW; ++kj) {
                            const int ix = ox * g.strideW - g.padW + kj;
                            if (ix >= 0 && ix < g.width) {
                                in[iy * g.width + ix] += d;
                            }
                        }
                    }
                }
            }
        }
    }

    void batchNormForward(const float* x, float* y, float* xhat, const float* gamma,
                          const float* beta, float* mean, float* invStd, float* runningMean,
                          float* runningVar, int64_t outer, int64_t channels, int64_t inner,
                          float eps, float momentum, bool training) override {
        const int64_t count = outer * inner;
        for (int64_t c = 0; c < channels; ++c) {
            float mu, istd;
            if (training) {
                double s = 0.0, ss = 0.0;
                for (int64_t o = 0; o < outer; ++o) {
                    const float* p = x + (o * channels + c) * inner;
                    s += laneSum(inner, [p](int64_t i) { return p[i]; });
                }
                const double m = s / static_cast<double>(count);
                for (int64_t o = 0; o < outer; ++o) {
                    const float* p = x + (o * channels + c) * inner;
                    ss += laneSum(inner, [p, m](int64_t i) {
                        const double d = p[i] - m;
                        return d * d;
                    });
                }
                const double var = ss / static_cast<double>(count);
                mu = static_cast<float>(m);
                istd = static_cast<float>(1.0 / std::sqrt(var + eps));
                mean[c] = mu;
                invStd[c] = istd;
                const double unbiased = count > 1 ? ss / static_cast<double>(count - 1) : var;
                runningMean[c] = (1.0f - momentum) * runningMean[c] + momentum * mu;
                runningVar[c] =
                    (1.0f - momentum) * runningVar[c] + momentum * static_cast<float>(unbiased);
            } else {
                mu = runningMean[c];
                istd = 1.0f / std::sqrt(runningVar[c] + eps);
            }
            const float g = gamma[c], b = beta[c];
            for (int64_t o = 0; o < outer; ++o) {
                const int64_t base = (o * channels + c) * inner;
                for (int64_t i = 0; i < inner; ++i) {
                    const float h = (x[base + i] - mu) * istd;
                    if (xhat) {
                        xhat[base + i] = h;
                    }
                    y[base + i] = g * h + b;
                }
            }
        }
    }
    void batchNormBackward(const float* dy, const float* xhat, const float* gamma,
                           const float* invStd, float* dx, float* dgamma, float* dbeta,
                           int64_t outer, int64_t channels, int64_t inner) override {
        const double count = static_cast<double>(outer * inner);
        for (int64_t c = 0; c < channels; ++c) {
            double sdy = 0.0, sdyh = 0.0;
            for (int64_t o = 0; o < outer; ++o) {
                const float* d = dy + (o * channels + c) * inner;
                const float* h = xhat + (o * channels + c) * inner;
                sdy += laneSum(inner, [d](int64_t i) { return d[i]; });
                sdyh += laneSum(inner, [d, h](int64_t i) {
                    return static_cast<double>(d[i]) * h[i];
                });
            }
            dgamma[c] += static_cast<float>(sdyh);
            dbeta[c] += static_cast<float>(sdy);
            // dx = gamma * invStd / m * (m * dy - sum(dy) - xhat * sum(dy * xhat))
            const float k = gamma[c] * invStd[c];
            const auto meanDy = static_cast<float>(sdy / count);
            const auto meanDyh = static_cast<float>(sdyh / count);
            for (int64_t o = 0; o < outer; ++o) {
                const int64_t base = (o * channels + c) * inner;
                for (int64_t i = 0; i < inner; ++i) {
                    dx[base + i] = k * (dy[base + i] - meanDy - xhat[base + i] * meanDyh);
                }
            }
        }
    }

    void layerNormForward(const float* x, float* y, float* xhat, float* invStd,
                          const float* gamma, const float* beta, int64_t rows, int64_t features,
                          float eps) override {
        for (int64_t r = 0; r < rows; ++r) {
            const float* p = x + r * features;
            double s = 0.0, ss = 0.0;
            for (int64_t f = 0; f < features; ++f) {
                s += p[f];
            }
            const double m = s / static_cast<double>(features);
            for (int64_t f = 0; f < features; ++f) {
                const double d = p[f] - m;
                ss += d * d;
            }
            const auto istd =
                static_cast<float>(1.0 / std::sqrt(ss / static_cast<double>(features) + eps));
            invStd[r] = istd;
            for (int64_t f = 0; f < features; ++f) {
                const float h = (p[f] - static_cast<float>(m)) * istd;
                xhat[r * features + f] = h;
                y[r * features + f] = gamma[f] * h + beta[f];
            }
        }
    }
    void layerNormBackward(const float* dy, const float* xhat, const float* invStd,
                           const float* gamma, float* dx, float* dgamma, float* dbeta,
                           int64_t rows, int64_t features) override {
        const double n = static_cast<double>(features);
        for (int64_t r = 0; r < rows; ++r) {
            const float* d = dy + r * features;
            const float* h = xhat + r * features;
            double sg = 0.0, sgh = 0.0;
            for (int64_t f = 0; f < features; ++f) {
                const double gdy = static_cast<double>(d[f]) * gamma[f];
                sg += gdy;
                sgh += gdy * h[f];
                dgamma[f] += d[f] * h[f];
                dbeta[f] += d[f];
            }
            const auto mg = static_cast<float>(sg / n);
            const auto mgh = static_cast<float>(sgh / n);
            for (int64_t f = 0; f < features; ++f) {
                dx[r * features + f] = invStd[r] * (d[f] * gamma[f] - mg - h[f] * mgh);
            }
        }
    }

    void maxoutForward(const float* x, float* y, float* argmax, int64_t outer, int64_t channels,
                       int64_t pieces, int64_t inner) override {
        for (int64_t o = 0; o < outer; ++o) {
            for (int64_t c = 0; c < channels; ++c) {
                float* out = y + (o * channels + c) * inner;
                float* arg = argmax + (o * channels + c) * inner;
                for (int64_t i = 0; i < inner; ++i) {
                    float best = -std::numeric_limits<float>::infinity();
                    int64_t bestJ = 0;
                    for (int64_t j = 0; j < pieces; ++j) {
                        const float v = x[((o * channels + c) * pieces + j) * inner + i];
                        if (v > best) {
                            best = v;
                            bestJ = j;
                        }
                    }
                    out[i] = best;
                    arg[i] = static_cast<float>(bestJ);
                }
            }
        }
    }
    void maxoutBackward(const float* dy, const float* argmax, float* dx, int64_t outer,
                        int64_t channels, int64_t pieces, int64_t inner) override {
        std::fill(dx, dx + outer * channels * pieces * inner, 0.0f);
        for (int64_t o = 0; o < outer; ++o) {
            for (int64_t c = 0; c < channels; ++c) {
                const float* d = dy + (o * channels + c) * inner;
                const float* arg = argmax + (o * channels + c) * inner;
                for (int64_t i = 0; i < inner; ++i) {
                    const auto j = static_cast<int64_t>(arg[i]);
                    dx[((o * channels + c) * pieces + j) * inner + i] = d[i];
                }
            }
        }
    }

    void optimizerStep(kernels::OptKind kind, const kernels::OptHyper& hyper, float* w,
                       const float* g, float* m, float* v, size_t n, bool first) override {
        // The kind is fixed per call: hoisting the switch out of the loop lets the
        // compiler vectorize the update, which is a visible share of a small net's step.
        // A local copy of the hyperparameters and restrict pointers: otherwise the writes to
        // w could alias them and the compiler reloads every field per element.
        const kernels::OptHyper h = hyper;
        float dummyM = 0.0f, dummyV = 0.0f;
        auto run = [&](auto k) {
            float* __restrict wp = w;
            const float* __restrict gp = g;
            if (m && v) {
                float* __restrict mp = m;
                float* __restrict vp = v;
                for (size_t i = 0; i < n; ++i) {
                    kernels::optimizerUpdate(k.value, h, wp[i], gp[i], mp[i], vp[i], first);
                }
            } else if (m) {
                float* __restrict mp = m;
                for (size_t i = 0; i < n; ++i) {
                    kernels::optimizerUpdate(k.value, h, wp[i], gp[i], mp[i], dummyV, first);
                }
            } else if (v) {
                float* __restrict vp = v;
                for (size_t i = 0; i < n; ++i) {
                    kernels::optimizerUpdate(k.value, h, wp[i], gp[i], dummyM, vp[i], first);
                }
            } else {
                for (size_t i = 0; i < n; ++i) {
                    kernels::optimizerUpdate(k.value, h, wp[i], gp[i], dummyM, dummyV, first);
                }
            }
        };
        using K = kernels::OptKind;
        switch (kind) {
        case K::SGD: run(std::integral_constant<K, K::SGD>{}); break;
        case K::Momentum: run(std::integral_constant<K, K::Momentum>{}); break;
        case K::Nesterov: run(std::integral_constant<K, K::Nesterov>{}); break;
        case K::AdaGrad: run(std::integral_constant<K, K::AdaGrad>{}); break;
        case K::RMSProp: run(std::integral_constant<K, K::RMSProp>{}); break;
        case K::Adam: run(std::integral_constant<K, K::Adam>{}); break;
        case K::AdamW: run(std::integral_constant<K, K::AdamW>{}); break;
        default: break;
        }
    }
};

}  // namespace

Backend& cpuBackend() {
    static CpuBackend backend;
    return backend;
}

}  // namespace dlab
