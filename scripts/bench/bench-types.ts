/** One printed figure: `name: value unit`. `target` feeds the PASS/MISS summary. */
export type BenchResult = {
  name: string;
  value: number;
  unit: string;
  target?: { op: '>=' | '<='; value: number };
};

export type BenchOptions = {
  quick: boolean;
  /** Progress and notes go here (stderr), never to stdout: stdout carries only the figures. */
  note: (message: string) => void;
};

export type BenchFn = (options: BenchOptions) => Promise<BenchResult[]>;
