"""Fits the constants of the float32 SIMD GELU kernel (assembly/simd-erf.ts) and checks the
kernel's accuracy by replaying its exact float32 operation order in NumPy.

Two fits, both near-minimax in relative error (weighted least squares, Lawson reweighting):
  * the Mills ratio M(t) = Phi(-t) / phi(t) on [0, 6] as P3(t) / Q4(t), then rescaled so Q is
    monic and P/Q times e^(-t^2/2) is Phi(-t) itself;
  * e^r = 1 + r + r^2 (a + b r^2), a and b linear in r, on the range-reduced |r| <= ln(2)/2.
Prints the float32 constants to paste into simd-erf.ts, then the replayed kernel's worst
errors against float64 references: relative for gelu(x) = x Phi(x), absolute for gelu'(x).
Keep kernel() below in step with the AssemblyScript when either changes.
Run: python3 packages/ops/scripts/fit-gelu.py (NumPy only; a few seconds).
"""
import math

import numpy as np

F = np.float32
INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
HI = 6.0
EXP_DEGREE = 3  # degree of P in e^r = 1 + r + r^2 P(r)


def mills(t):
    """Phi(-t) / phi(t) in float64 (math.erfc keeps relative accuracy in the tail)."""
    return np.array([0.5 * math.erfc(v / math.sqrt(2)) / (INV_SQRT_2PI * math.exp(-v * v / 2)) for v in t])


def cheb_nodes(a, b, n):
    return (a + b) / 2 + (b - a) / 2 * np.cos(np.pi * (np.arange(n) + 0.5) / n)


def fit_rational(t, f, m, k, iters=80):
    """p (degree m) and q (degree k, q[0] = 1) with max |P/Q - f| / f near minimal."""
    vander = np.vander(t, max(m, k) + 1, increasing=True)
    w = np.ones_like(t)
    q_prev = np.ones_like(t)
    best = (np.inf, None, None)
    for it in range(iters):
        a = np.hstack([vander[:, : m + 1], -f[:, None] * vander[:, 1 : k + 1]])
        s = w / (f * q_prev)
        c = np.linalg.lstsq(a * s[:, None], f * s, rcond=None)[0]
        p, q = c[: m + 1], np.concatenate([[1.0], c[m + 1 :]])
        qv = vander[:, : k + 1] @ q
        err = (vander[:, : m + 1] @ p / qv - f) / f
        worst = np.max(np.abs(err))
        if worst < best[0]:
            best = (worst, p, q)
        q_prev = qv
        if it > 10:
            w = w * np.sqrt(np.abs(err))
            w /= w.max()
    return best


def fit_exp_poly(degree, half_width, iters=60):
    """c[0..degree] with max |1 + r + r^2 P(r) - e^r| / e^r near minimal on |r| <= half_width."""
    r = cheb_nodes(-half_width, half_width, 2000)
    h = (np.exp(r) - 1 - r) / r**2
    vander = np.vander(r, degree + 1, increasing=True)
    w = np.ones_like(r)
    best = (np.inf, None)
    for _ in range(iters):
        s = w * r**2 / np.exp(r)
        c = np.linalg.lstsq(vander * s[:, None], h * s, rcond=None)[0]
        err = r**2 * (vander @ c - h) / np.exp(r)
        worst = np.max(np.abs(err))
        if worst < best[0]:
            best = (worst, c)
        w = w * np.sqrt(np.abs(err))
        w /= w.max()
    return best


def horner(coefs, t):
    """Highest coefficient first, one float32 multiply then one add per step (no FMA)."""
    acc = np.full_like(t, F(coefs[-1]))
    for c in coefs[-2::-1]:
        acc = acc * t + F(c)
    return acc


def kernel(x, num, den, ex):
    """The SIMD kernel's float32 operations, in its order: (gelu(x), gelu'(x))."""
    x = x.astype(F)
    t = np.abs(x)
    # reduceNegHalfSquare4: e^(-t^2/2) = 2^k e^r
    s = t * t
    scaled = s * F(-0.7213475204444817)
    k = np.round(scaled)  # ties to even, like f32x4.nearest
    magic = F(12582912.0)
    exponent = ((scaled + magic).view(np.int32) - magic.view(np.int32)) << np.int32(23)
    r = s * F(-0.5) - k * F(0.693359375)
    r = r - k * F(-2.12194440e-4)
    # expReduced4 (Estrin), then 2^k by adding to the exponent field
    r2 = r * r
    a = r * ex[1] + ex[0]
    b = r * ex[3] + ex[2]
    e = (((b * r2 + a) * r2 + (r + F(1))).view(np.int32) + exponent).view(F)
    # normalTailRatio4 (Q monic)
    p = ((num[3] * t + num[2]) * t + num[1]) * t + num[0]
    q = (((t + den[3]) * t + den[2]) * t + den[1]) * t + den[0]
    ratio = p / q
    # outputs
    y = np.maximum(x, F(0)) - e * (t * ratio)
    u = e * (t * F(INV_SQRT_2PI) - ratio)  # |x| phi(x) - Phi(-|x|)
    sign = x.view(np.uint32) & np.uint32(0x80000000)
    g = ((u + F(0.5)).view(np.uint32) ^ sign).view(F) + F(0.5)
    return y, g


def exact(x):
    x = x.astype(np.float64)
    cdf = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x])
    return x * cdf, cdf + x * INV_SQRT_2PI * np.exp(-x * x / 2)


def main():
    t = cheb_nodes(0, HI, 4000)
    worst_m, p, q = fit_rational(t, mills(t), 3, 4)
    # Q monic (saves a multiply); the numerator also takes 1/sqrt(2 pi): P/Q = Phi(-t) e^(t^2/2).
    num = [F(c * INV_SQRT_2PI / q[-1]) for c in p]
    den = [F(c / q[-1]) for c in q]
    worst_e, ce = fit_exp_poly(EXP_DEGREE, math.log(2) / 2 + 0.01)
    ex = [F(c) for c in ce]
    show = lambda cs: ", ".join(repr(float(c)) for c in cs)
    print(f"normalTailRatio4, P3/Q4 on [0, {HI}] (fit relative error {worst_m:.1e}), highest degree first:")
    print("  P:", show(num[::-1]))
    print("  Q: 1,", show(den[-2::-1]))
    print(f"expReduced4, e^r = 1 + r + r^2 (a + b r^2) (fit relative error {worst_e:.1e}):")
    print("  a = madd(r,", repr(float(ex[1])), ",", repr(float(ex[0])), ")")
    print("  b = madd(r,", repr(float(ex[3])), ",", repr(float(ex[2])), ")")

    rng = np.random.default_rng(1)
    grid = np.linspace(-HI, HI, 1200001, endpoint=False)
    x = np.concatenate([grid, rng.uniform(-HI, HI, 1000000), rng.uniform(-1e-3, 1e-3, 20000)]).astype(F)
    x = x[np.abs(x) < HI]
    y, g = kernel(x, num, den, ex)
    ey, eg = exact(x)
    rel = np.abs(y - ey) / np.abs(ey)
    rel[ey == 0] = np.abs(y[ey == 0])
    ab = np.abs(g - eg)
    i, j = int(np.argmax(rel)), int(np.argmax(ab))
    print(f"replayed kernel on {x.size} float32 inputs with |x| < {HI}:")
    print(f"  gelu  max relative error {rel[i]:.2e} at x = {float(x[i])!r}")
    print(f"  gelu' max absolute error {ab[j]:.2e} at x = {float(x[j])!r}")
    for name, m in [("x <= -1", x <= -1), ("|x| < 1", np.abs(x) < 1), ("x >= 1", x >= 1)]:
        print(f"  gelu  max relative error for {name}: {np.max(rel[m]):.2e}")


if __name__ == "__main__":
    main()
