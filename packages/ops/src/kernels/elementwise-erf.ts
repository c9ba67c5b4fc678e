/**
 * The error function and its complement in float64, from W. J. Cody's rational Chebyshev
 * approximations ("Rational Chebyshev approximations for the error function", Math. Comp.
 * 23, 1969, pp. 631-638). Three ranges of |x|: a rational function of x² for erf below
 * 0.46875, one of |x| for erfc up to 4, and one of 1/x² for erfc beyond. Accurate to a few
 * ulp over the whole line; erfc keeps its relative accuracy deep in the tail.
 */

const A0 = 3.1611237438705656;
const A1 = 113.864154151050156;
const A2 = 377.485237685302021;
const A3 = 3209.37758913846947;
const A4 = 0.185777706184603153;
const B0 = 23.6012909523441209;
const B1 = 244.024637934444173;
const B2 = 1282.61652607737228;
const B3 = 2844.23683343917062;

const C0 = 0.564188496988670089;
const C1 = 8.88314979438837594;
const C2 = 66.1191906371416295;
const C3 = 298.635138197400131;
const C4 = 881.95222124176909;
const C5 = 1712.04761263407058;
const C6 = 2051.07837782607147;
const C7 = 1230.33935479799725;
const C8 = 2.15311535474403846e-8;
const D0 = 15.7449261107098347;
const D1 = 117.693950891312499;
const D2 = 537.181101862009858;
const D3 = 1621.38957456669019;
const D4 = 3290.79923573345963;
const D5 = 4362.61909014324716;
const D6 = 3439.36767414372164;
const D7 = 1230.33935480374942;

const P0 = 0.305326634961232344;
const P1 = 0.360344899949804439;
const P2 = 0.125781726111229246;
const P3 = 0.0160837851487422766;
const P4 = 6.58749161529837803e-4;
const P5 = 0.0163153871373020978;
const Q0 = 2.56852019228982242;
const Q1 = 1.87295284992346047;
const Q2 = 0.527905102951428412;
const Q3 = 0.0605183413124413191;
const Q4 = 0.00233520497626869185;

/** 1/√π. */
const INV_SQRT_PI = 0.56418958354775628695;
/** Beyond this |x|, erfc(x) underflows to 0 in float64. */
const ERFC_ZERO = 26.543;

/** Below this |x| erf is a rational function of x² (no exponential). */
export const ERF_SMALL = 0.46875;

/** erf(x) = x·R(x²) for |x| ≤ {@link ERF_SMALL}. */
export function erfSmall(x: number): number {
  const t = x * x;
  const num = (((A4 * t + A0) * t + A1) * t + A2) * t + A3;
  const den = (((t + B0) * t + B1) * t + B2) * t + B3;
  return (x * num) / den;
}

/**
 * The scaled complement erfc(y)·e^(y²) for y > {@link ERF_SMALL} (finite or +Infinity): a
 * rational function, so callers that already hold e^(−y²) (GELU) skip a second exponential.
 */
export function erfcxLarge(y: number): number {
  if (y <= 4) {
    const num = (((((((C8 * y + C0) * y + C1) * y + C2) * y + C3) * y + C4) * y + C5) * y + C6) * y + C7;
    const den = (((((((y + D0) * y + D1) * y + D2) * y + D3) * y + D4) * y + D5) * y + D6) * y + D7;
    return num / den;
  }
  const t = 1 / (y * y);
  const num = ((((P5 * t + P0) * t + P1) * t + P2) * t + P3) * t + P4;
  const den = ((((t + Q0) * t + Q1) * t + Q2) * t + Q3) * t + Q4;
  return (INV_SQRT_PI - (t * num) / den) / y;
}

/**
 * exp(-y²) without the error the rounding of y² would bring: y is split into a part with 4
 * fractional bits (whose square is exact) and the rest.
 */
function expMinusSquare(y: number): number {
  const head = Math.trunc(y * 16) / 16;
  const rest = (y - head) * (y + head);
  return Math.exp(-head * head) * Math.exp(-rest);
}

/** erfc(y) for y > 0.46875 (y finite or +Infinity). */
function erfcPositive(y: number): number {
  if (y >= ERFC_ZERO) return 0;
  return expMinusSquare(y) * erfcxLarge(y);
}

/** The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt; odd, NaN for NaN. */
export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= ERF_SMALL) return erfSmall(x);
  if (!(y === y)) return x;
  const r = 0.5 - erfcPositive(y) + 0.5;
  return x < 0 ? -r : r;
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate in the tail (x up to ~26.5). */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= ERF_SMALL) return 1 - erfSmall(x);
  if (!(y === y)) return x;
  const r = erfcPositive(y);
  return x < 0 ? 2 - r : r;
}
