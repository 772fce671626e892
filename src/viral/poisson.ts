// Poisson tail probability, computed in log space so tiny probabilities stay accurate.

// P(X >= n) for X ~ Poisson(lambda).
export function poissonTail(n: number, lambda: number): number {
  if (n <= 0) return 1;
  if (lambda <= 0) return 0;
  let logFact = 0;
  for (let i = 2; i <= n; i++) logFact += Math.log(i);
  let term = Math.exp(n * Math.log(lambda) - lambda - logFact);
  let sum = 0;
  for (let k = n; k < n + 10_000; k++) {
    sum += term;
    term *= lambda / (k + 1);
    if (term < sum * 1e-12) break;
  }
  return Math.min(1, sum);
}
