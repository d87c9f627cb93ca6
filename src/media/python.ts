/**
 * The Python 3 built-ins whose exact behaviour the reference VADER (vaderSentiment 3.3.2)
 * depends on, for a scorer that agrees with it digit for digit: `round(x, n)` on floats, and
 * `str.split()` / `str.strip()` with no argument (Python's whitespace set, which is not
 * JavaScript's `\s`). Pure, no Node built-ins.
 */

/**
 * Python's whitespace for str.split() and str.strip(): the characters whose str.isspace() is
 * true. Unlike JavaScript's `\s` it includes U+001C..U+001F and U+0085 and excludes U+FEFF.
 */
const PY_SPACE_CLASS =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_SPACES = new RegExp(`[${PY_SPACE_CLASS}]+`);
const PY_TRIM = new RegExp(`^[${PY_SPACE_CLASS}]+|[${PY_SPACE_CLASS}]+$`, "g");

/** 1 at the code units that are Python whitespace (all of them are single code units), else 0. */
export const PY_SPACE_CODE: Uint8Array = (() => {
  const t = new Uint8Array(65536);
  const ranges = [
    [9, 13],
    [0x1c, 0x20],
    [0x85, 0x85],
    [0xa0, 0xa0],
    [0x1680, 0x1680],
    [0x2000, 0x200a],
    [0x2028, 0x2029],
    [0x202f, 0x202f],
    [0x205f, 0x205f],
    [0x3000, 0x3000],
  ];
  for (const [lo, hi] of ranges) for (let c = lo!; c <= hi!; c++) t[c] = 1;
  return t;
})();

/** True when the code unit c is Python whitespace. */
export function isPySpace(c: number): boolean {
  return PY_SPACE_CODE[c] === 1;
}

/** Python's `s.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(PY_TRIM, "");
}

/** Python's `s.split()`: runs of whitespace separate, no empty strings. */
export function pySplit(s: string): string[] {
  const t = pyStrip(s);
  return t === "" ? [] : t.split(PY_SPACES);
}

const BIG_10 = 10n;

/**
 * The exact decimal expansion of a finite double |x| as an integer of digits and a scale:
 * |x| = digits / 10^scale, scale ≥ 0 (a double is m·2^e, and m·2^e = m·5^−e / 10^−e for e < 0).
 */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const a = Math.abs(x);
  if (a === 0) return { digits: 0n, scale: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = hi >>> 20;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0)
    e = -1074; // subnormal
  else {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  if (e >= 0) return { digits: mant << BigInt(e), scale: 0 };
  return { digits: mant * 5n ** BigInt(-e), scale: -e };
}

/**
 * Python 3's `round(x, ndigits)` for a float: the exact binary value of x rounded to `ndigits`
 * decimals, exact ties (values whose exact expansion ends in a 5 at decimal ndigits + 1: the odd
 * multiples of 2^−(ndigits+1)) going to the even digit, then read back as the nearest double (CPython's double_round: _Py_dg_dtoa mode 3, then strtod).
 * So round(0.0625, 3) = 0.062 (an exact tie, to even), round(0.1875, 3) = 0.188, and
 * round(2.675, 2) = 2.67 (the double 2.675 is 2.67499999999999982236431605997495353221893310546875).
 * JavaScript's toFixed rounds the exact value too but sends ties up, hence this function.
 * Non-finite x is returned as is; negative zero results keep their sign, as Python's.
 * Cost: O(1) for ndigits ≤ 20 except on exact ties (checked with one multiplication by a power
 * of two), where the exact expansion (BigInt, up to ~1100 digits) decides.
 *
 * @example pyRound(0.0625, 3) // 0.062
 * @example pyRound(-0.0625, 3) // -0.062
 * @example pyRound(0.8315584, 4) // 0.8316
 */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isFinite(x)) return x;
  if (!Number.isInteger(ndigits) || ndigits < 0 || ndigits > 20)
    throw new RangeError(`pyRound: ndigits must be an integer in [0, 20], got ${ndigits}`);
  // |x|·10^n is a half-integer exactly when |x| = j/2^(n+1) with j odd (a double is dyadic, so
  // the 5^n of the denominator must cancel): when |x|·2^(n+1), computed exactly, is odd.
  const scaled = Math.abs(x) * 2 ** (ndigits + 1);
  const tie = Number.isInteger(scaled) && scaled % 2 === 1 && Math.abs(x) < 1e21;
  if (!tie && Math.abs(x) < 1e21) {
    // Not a tie: toFixed is the exact value correctly rounded (ECMA-262 Number.prototype.toFixed).
    return Number(x.toFixed(ndigits));
  }
  return pyRoundExact(x, ndigits);
}

/**
 * {@link pyRound} from the exact decimal expansion, round half to even; the reference
 * implementation that pyRound's fast path must agree with (tested on random values).
 */
export function pyRoundExact(x: number, ndigits: number): number {
  if (!Number.isFinite(x)) return x;
  const { digits, scale } = exactDecimal(x);
  let q: bigint;
  if (scale <= ndigits) q = digits * BIG_10 ** BigInt(ndigits - scale);
  else {
    const div = BIG_10 ** BigInt(scale - ndigits);
    q = digits / div;
    const r = (digits % div) * 2n;
    if (r > div || (r === div && q % 2n === 1n)) q += 1n;
  }
  const s = q.toString().padStart(ndigits + 1, "0");
  const text = ndigits === 0 ? s : `${s.slice(0, s.length - ndigits)}.${s.slice(-ndigits)}`;
  const v = Number(text);
  return x < 0 || Object.is(x, -0) ? -v : v;
}
