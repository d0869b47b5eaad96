/**
 * Classical reconstructions of calorimeter clusters, the baselines that a
 * trained model must beat, and the metrics that compare both.
 */
import { CELL_SIZE_CM, CLUSTER_CELLS, CLUSTER_SIDE, type Clusters } from './calorimeter-physics';

/** Returns the sum of the cell energies of each cluster, in GeV. */
export function sumOfDeposits(clusters: Clusters): Float32Array {
  const sums = new Float32Array(clusters.count);
  for (let i = 0; i < clusters.count; i++) {
    let sum = 0;
    for (let cell = i * CLUSTER_CELLS; cell < (i + 1) * CLUSTER_CELLS; cell++) sum += clusters.cells[cell];
    sums[i] = sum;
  }
  return sums;
}

/**
 * Returns the energy-weighted centre of each cluster in cm from the centre of
 * the central cell, along x or y. Negative read-outs (noise) get weight 0.
 * Cell centres are the only positions it knows, so it is biased toward the
 * centre of the hit cell.
 */
export function energyWeightedCentre(clusters: Clusters, axis: 'x' | 'y'): Float32Array {
  const centres = new Float32Array(clusters.count);
  const middle = (CLUSTER_SIDE - 1) / 2;
  for (let i = 0; i < clusters.count; i++) {
    let weighted = 0;
    let total = 0;
    for (let row = 0; row < CLUSTER_SIDE; row++) {
      for (let column = 0; column < CLUSTER_SIDE; column++) {
        const energy = Math.max(clusters.cells[i * CLUSTER_CELLS + row * CLUSTER_SIDE + column], 0);
        const position = ((axis === 'x' ? column : row) - middle) * CELL_SIZE_CM;
        weighted += energy * position;
        total += energy;
      }
    }
    centres[i] = total > 0 ? weighted / total : 0;
  }
  return centres;
}

function checkLengths(predictions: ArrayLike<number>, targets: ArrayLike<number>): void {
  if (predictions.length !== targets.length || targets.length === 0) {
    throw new Error(`Invalid metric input: ${predictions.length} predictions for ${targets.length} targets; expected equal, non-zero counts.`);
  }
}

/** Computes RMSE(E)/E: the root mean square of (prediction - E) / E over the samples. */
export function relativeRmse(predictions: ArrayLike<number>, targets: ArrayLike<number>): number {
  checkLengths(predictions, targets);
  let sum = 0;
  for (let i = 0; i < targets.length; i++) sum += ((predictions[i] - targets[i]) / targets[i]) ** 2;
  return Math.sqrt(sum / targets.length);
}

/** Computes the root mean square error, in the unit of the targets. */
export function rmse(predictions: ArrayLike<number>, targets: ArrayLike<number>): number {
  checkLengths(predictions, targets);
  let sum = 0;
  for (let i = 0; i < targets.length; i++) sum += (predictions[i] - targets[i]) ** 2;
  return Math.sqrt(sum / targets.length);
}
