import { SystemError } from "../protocol/errors.ts";

/**
 * Solving and inverting symmetric positive-definite matrices (a Fisher information) by Cholesky
 * factorisation. The matrices here are 2 x models square, so plain arrays are fast enough.
 */
export type Matrix = number[][];

/** Solves A x = b. */
export function solveSpd(matrix: Matrix, rhs: readonly number[]): number[] {
  return solveWithFactor(choleskyFactor(matrix), rhs);
}

/** A^-1, one column per unit vector. */
export function invertSpd(matrix: Matrix): Matrix {
  const factor = choleskyFactor(matrix);
  const columns = matrix.map((_, j) => solveWithFactor(factor, unitVector(matrix.length, j)));
  return matrix.map((_, i) => columns.map((column) => column[i] as number));
}

/** Lower-triangular L with A = L L^T. */
function choleskyFactor(matrix: Matrix): Matrix {
  const n = matrix.length;
  const lower: Matrix = matrix.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = at(matrix, i, j);
      for (let k = 0; k < j; k++) sum -= at(lower, i, k) * at(lower, j, k);
      if (i === j) {
        if (!(sum > 0)) throw new SystemError(`matrix is not positive definite (pivot ${i} is ${sum})`);
        set(lower, i, i, Math.sqrt(sum));
      } else {
        set(lower, i, j, sum / at(lower, j, j));
      }
    }
  }
  return lower;
}

function solveWithFactor(lower: Matrix, rhs: readonly number[]): number[] {
  const n = lower.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = rhs[i] as number;
    for (let k = 0; k < i; k++) sum -= at(lower, i, k) * (y[k] as number);
    y[i] = sum / at(lower, i, i);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] as number;
    for (let k = i + 1; k < n; k++) sum -= at(lower, k, i) * (x[k] as number);
    x[i] = sum / at(lower, i, i);
  }
  return x;
}

function unitVector(n: number, index: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === index ? 1 : 0));
}

function at(matrix: Matrix, i: number, j: number): number {
  return (matrix[i] as number[])[j] as number;
}

function set(matrix: Matrix, i: number, j: number, value: number): void {
  (matrix[i] as number[])[j] = value;
}
