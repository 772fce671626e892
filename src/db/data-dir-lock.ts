import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../shared/errors.ts';

/**
 * Claims the embedded database folder for this process. Two processes writing one PGlite folder
 * corrupt it, so a second one is refused with the first one's pid; a lock left by a dead process
 * is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'creatorflow.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new AppError(
          'DATA_DIR_LOCKED',
          `The embedded database in ${dataDir} is in use by process ${holder}. Stop it, or set CREATORFLOW_DATA_DIR to another folder (or DATABASE_URL to share a PostgreSQL).`,
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new AppError(
    'DATA_DIR_LOCKED',
    `Could not lock ${lockFile}; remove it if no CreatorFlow is running.`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
