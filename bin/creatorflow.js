#!/usr/bin/env node
// Launcher of the `creatorflow` command: runs the TypeScript CLI through tsx (no build step).
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
