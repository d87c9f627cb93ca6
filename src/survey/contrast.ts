import jsep from "jsep";
import { InputError } from "../core/errors.ts";

/**
 * An expression over named estimates: numbers, names, unary minus, + − * / ^ and the functions
 * of {@link FUNCTIONS} (one argument each).
 */
export type Expr =
  | { kind: "num"; value: number }
  | { kind: "var"; name: string }
  | { kind: "neg"; arg: Expr }
  | { kind: "bin"; op: "+" | "-" | "*" | "/" | "^"; left: Expr; right: Expr }
  | { kind: "call"; fn: Fn; arg: Expr };

/** Functions a nonlinear contrast may use (R's deriv() knows them all). */
export const FUNCTIONS = [
  "exp",
  "log",
  "sqrt",
  "sin",
  "cos",
  "tan",
  "asin",
  "acos",
  "atan",
] as const;
type Fn = (typeof FUNCTIONS)[number];

/** A contrast of estimates with its delta-method standard error, as R's `svycontrast`. */
export interface ContrastResult {
  kind: "linear" | "nonlinear";
  estimate: number;
  se: number;
  variance: number;
  /** ∂contrast/∂estimate_j at the estimates (the weights, for a linear contrast). */
  gradient: Float64Array;
  /** Nonlinear: each estimate's derivative as an expression ("1 / api99"), for those it uses. */
  derivatives?: Record<string, string>;
}

/** Estimates by name: an object (in the covariance's order) or a list of {name, estimate}. */
export type NamedEstimates = Record<string, number> | readonly { name: string; estimate: number }[];

/**
 * A contrast of estimates that have a joint covariance (R `svycontrast(stat, contrasts)`):
 * - linear, weights by name (`{ E: 1, H: -1 }`; unnamed estimates weigh 0): a·θ̂ with variance
 *   a V aᵀ;
 * - nonlinear, an expression over the names (`"api00 / api99"`, R's `quote(api00/api99)`;
 *   names that are not identifiers, like `E:api00`, in backticks as in R): g(θ̂) with the
 *   delta-method variance ∇g V ∇gᵀ, ∇g from the exact symbolic derivative of the expression
 *   (differentiated on its syntax tree and simplified, as R's `deriv`; no eval). Operators
 *   + − * / ^ (right-associative, binding tighter than unary minus as in R: -a^2 = −(a²)),
 *   unary minus, and exp, log, sqrt, sin, cos, tan, asin, acos, atan.
 * Cost O(k²) for k estimates (plus the expression's size times k for the gradient).
 *
 * @param vcov k × k covariance of the estimates, row-major
 * @example svyContrast({ E: 648.9, H: 618.6, M: 631.4 }, V, { E: 1, H: -1 }) // E − H, its SE
 * @throws InputError for a name that is not an estimate (listing those that are), or a bad expression
 */
export function svyContrast(
  estimates: NamedEstimates,
  vcov: ArrayLike<number>,
  contrast: Record<string, number> | string,
): ContrastResult {
  const { names, values } = normalise(estimates);
  const k = names.length;
  if (vcov.length !== k * k)
    throw new Error(`svyContrast: vcov has ${vcov.length} entries for ${k} estimates (need k²)`);
  let gradient: Float64Array;
  let estimate: number;
  let derivatives: Record<string, string> | undefined;
  if (typeof contrast === "string") {
    const expr = parseContrast(contrast, names);
    const env = new Map(names.map((n, j) => [n, values[j]!]));
    estimate = evaluate(expr, env);
    gradient = new Float64Array(k);
    derivatives = {};
    const used = variables(expr);
    for (const [j, name] of names.entries()) {
      if (!used.has(name)) continue;
      const d = differentiate(expr, name);
      derivatives[name] = format(d);
      gradient[j] = evaluate(d, env);
    }
  } else {
    gradient = new Float64Array(k);
    for (const [name, a] of Object.entries(contrast)) {
      const j = names.indexOf(name);
      if (j < 0) throw unknownName(name, names);
      if (typeof a !== "number" || !Number.isFinite(a))
        throw new InputError(
          `contrast: the weight of "${name}" must be a number, got ${String(a)}`,
        );
      gradient[j] = a;
    }
    estimate = 0;
    for (let j = 0; j < k; j++) if (gradient[j] !== 0) estimate += gradient[j]! * values[j]!;
  }
  let variance = 0;
  for (let a = 0; a < k; a++) {
    if (gradient[a] === 0) continue;
    for (let b = 0; b < k; b++)
      if (gradient[b] !== 0) variance += gradient[a]! * vcov[a * k + b]! * gradient[b]!;
  }
  return {
    kind: typeof contrast === "string" ? "nonlinear" : "linear",
    estimate,
    se: Math.sqrt(variance),
    variance,
    gradient,
    ...(derivatives ? { derivatives } : {}),
  };
}

function normalise(e: NamedEstimates): { names: string[]; values: number[] } {
  if (Array.isArray(e)) {
    const list = e as readonly { name: string; estimate: number }[];
    return { names: list.map((x) => x.name), values: list.map((x) => x.estimate) };
  }
  const rec = e as Record<string, number>;
  return { names: Object.keys(rec), values: Object.values(rec) };
}

function unknownName(name: string, names: string[]): InputError {
  return new InputError(
    `contrast: "${name}" is not one of the estimates; they are ${names.slice(0, 30).join(", ")}${names.length > 30 ? ", ..." : ""}`,
  );
}

// R's ^ (right-associative, above * and /); jsep's default ^ is bitwise xor.
jsep.addBinaryOp("^", 11, true);

/**
 * Parses a contrast expression (jsep) into an {@link Expr}, checking every name against the
 * estimates. Backticked names (`E:api00`) and dotted ones (E.No) are names, as in R.
 *
 * @throws InputError naming the unknown name or unsupported syntax
 */
export function parseContrast(text: string, names: string[]): Expr {
  const quoted: string[] = [];
  const src = text.replace(/`([^`]*)`/g, (_, n: string) => {
    quoted.push(n);
    return ` __q${quoted.length - 1}__ `;
  });
  let ast: jsep.Expression;
  try {
    ast = jsep(src);
  } catch (e) {
    throw new InputError(`contrast "${text}": ${(e as Error).message}`);
  }
  const known = new Set(names);
  const name = (raw: string) => {
    const m = raw.match(/^__q(\d+)__$/);
    const n = m ? quoted[Number(m[1])]! : raw;
    if (!known.has(n)) throw unknownName(n, names);
    return n;
  };
  const bad = (what: string) =>
    new InputError(
      `contrast "${text}": ${what} is not supported (use numbers, estimate names, + - * / ^, and ${FUNCTIONS.join(", ")})`,
    );
  const dotted = (node: jsep.Expression): string | null => {
    if (node.type === "Identifier") return (node as jsep.Identifier).name;
    if (node.type === "MemberExpression") {
      const m = node as jsep.MemberExpression;
      if (m.computed) return null;
      const left = dotted(m.object);
      const right = m.property.type === "Identifier" ? (m.property as jsep.Identifier).name : null;
      return left !== null && right !== null ? `${left}.${right}` : null;
    }
    return null;
  };
  const convert = (node: jsep.Expression): Expr => {
    switch (node.type) {
      case "Literal": {
        const v = (node as jsep.Literal).value;
        if (typeof v !== "number") throw bad(`the literal ${(node as jsep.Literal).raw}`);
        return { kind: "num", value: v };
      }
      case "Identifier":
      case "MemberExpression": {
        const n = dotted(node);
        if (n === null) throw bad("an indexed name");
        return { kind: "var", name: name(n) };
      }
      case "UnaryExpression": {
        const u = node as jsep.UnaryExpression;
        if (u.operator === "+") return convert(u.argument);
        if (u.operator === "-") return { kind: "neg", arg: convert(u.argument) };
        throw bad(`the operator ${u.operator}`);
      }
      case "BinaryExpression": {
        const b = node as jsep.BinaryExpression;
        const op = b.operator === "**" ? "^" : b.operator;
        if (op !== "+" && op !== "-" && op !== "*" && op !== "/" && op !== "^")
          throw bad(`the operator ${b.operator}`);
        // R: unary minus binds looser than ^ (-a^2 = −(a²)); jsep reads (−a)^2.
        if (op === "^" && b.left.type === "UnaryExpression") {
          const u = b.left as jsep.UnaryExpression;
          const inner = convert({ ...b, left: u.argument } as jsep.Expression);
          if (u.operator === "-") return { kind: "neg", arg: inner };
          if (u.operator === "+") return inner;
        }
        return { kind: "bin", op, left: convert(b.left), right: convert(b.right) };
      }
      case "CallExpression": {
        const c = node as jsep.CallExpression;
        const fn = c.callee.type === "Identifier" ? (c.callee as jsep.Identifier).name : "";
        if (!(FUNCTIONS as readonly string[]).includes(fn))
          throw bad(`the function ${fn || "call"}`);
        if (c.arguments.length !== 1) throw bad(`${fn} with ${c.arguments.length} arguments`);
        return { kind: "call", fn: fn as Fn, arg: convert(c.arguments[0]!) };
      }
      default:
        throw bad(`a ${node.type}`);
    }
  };
  return convert(ast);
}

/** The value of an expression with the names bound to numbers. */
export function evaluate(e: Expr, env: Map<string, number>): number {
  switch (e.kind) {
    case "num":
      return e.value;
    case "var":
      return env.get(e.name)!;
    case "neg":
      return -evaluate(e.arg, env);
    case "bin": {
      const a = evaluate(e.left, env);
      const b = evaluate(e.right, env);
      switch (e.op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          return a / b;
        case "^":
          return a ** b;
      }
      break;
    }
    case "call":
      return Math[e.fn](evaluate(e.arg, env));
  }
  throw new Error("unreachable");
}

/** The names an expression uses. */
function variables(e: Expr, out = new Set<string>()): Set<string> {
  if (e.kind === "var") out.add(e.name);
  else if (e.kind === "neg" || e.kind === "call") variables(e.arg, out);
  else if (e.kind === "bin") {
    variables(e.left, out);
    variables(e.right, out);
  }
  return out;
}

const num = (value: number): Expr => ({ kind: "num", value });
const isNum = (e: Expr, v?: number) => e.kind === "num" && (v === undefined || e.value === v);

/** Simplifying constructors: constants folded, 0 and 1 absorbed. */
function add(a: Expr, b: Expr): Expr {
  if (isNum(a, 0)) return b;
  if (isNum(b, 0)) return a;
  if (a.kind === "num" && b.kind === "num") return num(a.value + b.value);
  if (b.kind === "neg") return sub(a, b.arg);
  return { kind: "bin", op: "+", left: a, right: b };
}
function sub(a: Expr, b: Expr): Expr {
  if (isNum(b, 0)) return a;
  if (isNum(a, 0)) return neg(b);
  if (a.kind === "num" && b.kind === "num") return num(a.value - b.value);
  if (b.kind === "neg") return add(a, b.arg);
  return { kind: "bin", op: "-", left: a, right: b };
}
function neg(a: Expr): Expr {
  if (a.kind === "num") return num(-a.value);
  if (a.kind === "neg") return a.arg;
  return { kind: "neg", arg: a };
}
function mul(a: Expr, b: Expr): Expr {
  if (isNum(a, 0) || isNum(b, 0)) return num(0);
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  if (isNum(a, -1)) return neg(b);
  if (isNum(b, -1)) return neg(a);
  if (a.kind === "num" && b.kind === "num") return num(a.value * b.value);
  if (a.kind === "neg") return neg(mul(a.arg, b));
  if (b.kind === "neg") return neg(mul(a, b.arg));
  return { kind: "bin", op: "*", left: a, right: b };
}
function div(a: Expr, b: Expr): Expr {
  if (isNum(a, 0)) return num(0);
  if (isNum(b, 1)) return a;
  if (a.kind === "neg") return neg(div(a.arg, b));
  if (b.kind === "neg") return neg(div(a, b.arg));
  return { kind: "bin", op: "/", left: a, right: b };
}
function pow(a: Expr, b: Expr): Expr {
  if (isNum(b, 1)) return a;
  if (isNum(b, 0)) return num(1);
  return { kind: "bin", op: "^", left: a, right: b };
}
const call = (fn: Fn, arg: Expr): Expr => ({ kind: "call", fn, arg });

/**
 * The symbolic derivative ∂e/∂name (simplified): sum, product, quotient and power rules
 * (a^c with c constant: c·a^(c−1)·a′; otherwise a^b (b′ log a + b a′/a)), and the chain rule
 * for the functions.
 */
export function differentiate(e: Expr, name: string): Expr {
  switch (e.kind) {
    case "num":
      return num(0);
    case "var":
      return num(e.name === name ? 1 : 0);
    case "neg":
      return neg(differentiate(e.arg, name));
    case "bin": {
      const { left: a, right: b } = e;
      const da = differentiate(a, name);
      const db = differentiate(b, name);
      switch (e.op) {
        case "+":
          return add(da, db);
        case "-":
          return sub(da, db);
        case "*":
          return add(mul(da, b), mul(a, db));
        case "/":
          return sub(div(da, b), div(mul(a, db), pow(b, num(2))));
        case "^":
          if (!variables(b).has(name)) {
            // c · a^(c − 1) · a′
            const c1 = b.kind === "num" ? num(b.value - 1) : sub(b, num(1));
            return mul(mul(b, pow(a, c1)), da);
          }
          return mul(pow(a, b), add(mul(db, call("log", a)), div(mul(b, da), a)));
      }
      break;
    }
    case "call": {
      const a = e.arg;
      const da = differentiate(a, name);
      if (isNum(da, 0)) return num(0);
      switch (e.fn) {
        case "exp":
          return mul(call("exp", a), da);
        case "log":
          return div(da, a);
        case "sqrt":
          return div(da, mul(num(2), call("sqrt", a)));
        case "sin":
          return mul(call("cos", a), da);
        case "cos":
          return neg(mul(call("sin", a), da));
        case "tan":
          return div(da, pow(call("cos", a), num(2)));
        case "asin":
          return div(da, call("sqrt", sub(num(1), pow(a, num(2)))));
        case "acos":
          return neg(div(da, call("sqrt", sub(num(1), pow(a, num(2))))));
        case "atan":
          return div(da, add(num(1), pow(a, num(2))));
      }
    }
  }
  throw new Error("unreachable");
}

const PREC: Record<string, number> = { "+": 1, "-": 1, "*": 2, "/": 2, "^": 4 };

/** An expression as text, parenthesised where needed; names that are not identifiers in backticks. */
export function format(e: Expr, parent = 0): string {
  switch (e.kind) {
    case "num":
      return e.value < 0 ? `(${e.value})` : String(e.value);
    case "var":
      return /^[A-Za-z_][\w.]*$/.test(e.name) ? e.name : `\`${e.name}\``;
    case "neg": {
      const s = `-${format(e.arg, 3)}`;
      return parent >= 3 ? `(${s})` : s;
    }
    case "bin": {
      const p = PREC[e.op]!;
      const right = e.op === "^" ? p : p + 1;
      const left = e.op === "^" ? p + 1 : p;
      const s = `${format(e.left, left)} ${e.op} ${format(e.right, right)}`;
      return p < parent ? `(${s})` : s;
    }
    case "call":
      return `${e.fn}(${format(e.arg)})`;
  }
}
