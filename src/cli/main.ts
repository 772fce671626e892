import { UsageError } from './args.ts';
import { parseSimulateArgs, runSimulate, SIMULATE_USAGE } from './simulate-command.ts';

const USAGE = `Usage: creatorflow <command> [options]

Commands:
  simulate   send simulated TikTok Shop webhooks to a target URL (creatorflow simulate --help)

Run the service itself with: npm start`;

/** The `creatorflow` command line; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  const err = (text: string): void => void process.stderr.write(`${text}\n`);
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out(USAGE);
        return command === undefined ? 2 : 0;
      case 'simulate': {
        const config = parseSimulateArgs(rest);
        if (config === 'help') {
          out(SIMULATE_USAGE);
          return 0;
        }
        return await runSimulate(config, { out, progressStream: process.stderr });
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err(`creatorflow: ${error.message}`);
      err(command === 'simulate' ? 'Run "creatorflow simulate --help" for the options.' : USAGE);
      return 2;
    }
    err(`creatorflow: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}
