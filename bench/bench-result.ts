/** One measured number. */
export interface Figure {
  label: string;
  value: number;
  unit: string;
}

/** A comparison: hookline's figure over the baseline's (or one size over another), with its target. */
export interface Ratio {
  label: string;
  value: number;
  /** What the issue asks for, e.g. `>= 0.85`; `null` when there is none. */
  target: string | null;
  met: boolean | null;
}

/** What one benchmark reports to the runner. Nothing here is asserted: it is printed and saved. */
export interface BenchResult {
  name: string;
  title: string;
  figures: Figure[];
  ratios: Ratio[];
  /** How it was measured, in a sentence or two each. */
  notes: string[];
  /** Per-round raw numbers and anything else worth keeping in results.json. */
  details?: Record<string, unknown>;
}

export function atLeast(label: string, value: number, minimum: number): Ratio {
  return { label, value, target: `>= ${minimum}`, met: value >= minimum };
}

export function atMost(label: string, value: number, maximum: number): Ratio {
  return { label, value, target: `<= ${maximum}`, met: value <= maximum };
}

export function informative(label: string, value: number): Ratio {
  return { label, value, target: null, met: null };
}
