/**
 * `npm run bench [-- name...]`: runs the named benchmarks (all when none is named) and prints their
 * figures. Each benchmark creates and drops its own databases.
 */
import { ingestBenchmark } from './ingest.ts';
import { storageBenchmark } from './storage.ts';
import { viralBenchmark } from './viral.ts';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  storage: storageBenchmark,
  ingest: ingestBenchmark,
  viral: viralBenchmark,
  engine: (await import('./engine/run-engine.ts')).engineBenchmark,
  api: (await import('./api.ts')).apiBenchmark,
  spike: (await import('./spike-latency.ts')).spikeLatencyBenchmark,
  service: (await import('./service.ts')).serviceBenchmark,
};

const requested = process.argv.slice(2).filter((a) => a !== '--');
const unknown = requested.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  process.stderr.write(
    `Unknown benchmark(s): ${unknown.join(', ')}. Available: ${Object.keys(BENCHMARKS).join(', ')}\n`,
  );
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : Object.keys(BENCHMARKS)) {
  process.stdout.write(`\n## ${name}\n`);
  await BENCHMARKS[name]!();
}
