import { z } from "zod";

const STEP = z.enum(["denominate", "impute", "screen", "treat", "normalise", "aggregate"]);

/** A step parameter taking one of several values, e.g. treat.winmax in 1..5. */
const ParamFactor = z
  .object({
    name: z.string().min(1),
    step: STEP,
    param: z.string().min(1),
    values: z.array(z.unknown()).min(1),
  })
  .strict();

/** Whole alternative configurations of one step (null = the step is skipped). */
const AlternativesFactor = z
  .object({
    name: z.string().min(1),
    step: STEP,
    alternatives: z.array(z.record(z.string(), z.unknown()).nullable()).min(1),
  })
  .strict();

/**
 * Weight perturbation (COINr `get_noisy_weights`): `nrep` weight sets are drawn, each weight at
 * the given levels multiplied by 1 + factor·(2u − 1), u ~ U(0, 1); a replication uses one set.
 */
const NoiseFactor = z
  .object({
    name: z.string().min(1),
    noise: z
      .object({
        levels: z.array(z.number().int().min(1)).min(1),
        factor: z.number().min(0).max(1),
        nrep: z.number().int().min(1).default(100),
      })
      .strict(),
  })
  .strict();

/** Excluding one indicator at a time (or none): alternatives are none, then each listed code. */
const ExcludeFactor = z
  .object({ name: z.string().min(1), exclude: z.array(z.string().min(1)).min(1) })
  .strict();

export const FactorSchema = z.union([ParamFactor, AlternativesFactor, NoiseFactor, ExcludeFactor]);

/**
 * The uncertainty spec of `softpower index --uncertainty` (see examples/asem/uncertainty.json):
 * `type` "uncertainty" runs `runs` Monte Carlo replications; "sobol" runs the Saltelli design
 * with N = `runs` base samples, N(d + 2) replications in all.
 */
export const UncertaintySpecSchema = z
  .object({
    type: z.enum(["uncertainty", "sobol"]),
    runs: z.number().int().min(3),
    seed: z.number().int().optional(),
    /** Bootstrap replications for the Sobol confidence intervals (default 1000; 0 = none). */
    nboot: z.number().int().min(0).default(1000),
    /** Worker threads: "auto" (by amount of work), or a number (1 = in this thread). */
    threads: z.union([z.literal("auto"), z.number().int().min(1)]).default("auto"),
    factors: z.array(FactorSchema).min(1),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const names = new Set<string>();
    spec.factors.forEach((f, i) => {
      if (names.has(f.name))
        ctx.addIssue({
          code: "custom",
          path: ["factors", i, "name"],
          message: `duplicate factor name "${f.name}"`,
        });
      names.add(f.name);
    });
    if (spec.type === "sobol" && spec.factors.length < 2) {
      ctx.addIssue({
        code: "custom",
        path: ["factors"],
        message: "a Sobol analysis needs at least 2 factors",
      });
    }
  });

export type UncertaintySpec = z.infer<typeof UncertaintySpecSchema>;
export type Factor = z.infer<typeof FactorSchema>;
export type StepName = z.infer<typeof STEP>;
export const STEP_ORDER: StepName[] = [
  "denominate",
  "impute",
  "screen",
  "treat",
  "normalise",
  "aggregate",
];
