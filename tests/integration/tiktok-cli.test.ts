import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/integrations/tiktok/index.ts';

// `creatorflow simulate` as a real child process, sending to a small real HTTP receiver.
const BIN = fileURLToPath(new URL('../../bin/creatorflow.js', import.meta.url));
let receiver: Server;
let target: string;
const bodies: { valid: boolean; id: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const id = (JSON.parse(raw.toString('utf8')) as { tts_notification_id: string }).tts_notification_id;
      bodies.push({
        valid: verifyWebhookSignature('cli_key', 'cli_secret', raw, req.headers.authorization),
        id,
      });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/tiktok`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('creatorflow simulate', () => {
  it('sends signed webhooks to the target for the duration and prints a summary that matches what arrived', async () => {
    const result = await run([
      'simulate',
      '--target',
      target,
      '--rate',
      '40/s',
      '--duration',
      '1s',
      '--duplicates',
      '10%',
      '--app-key',
      'cli_key',
      '--app-secret',
      'cli_secret',
      '--seed',
      '5',
    ]);
    expect(result.stderr).not.toMatch(/creatorflow:/);
    expect(result.code).toBe(0);
    expect(bodies.length).toBeGreaterThanOrEqual(40);
    expect(bodies.every((b) => b.valid)).toBe(true);
    const distinct = new Set(bodies.map((b) => b.id)).size;
    expect(result.stdout).toContain(
      `sent          ${distinct} webhooks (${bodies.length} delivery attempts)`,
    );
    expect(result.stdout).toContain(`acknowledged  ${bodies.length}`);
    expect(result.stdout).toContain(`duplicated ${bodies.length - distinct}`);
    expect(result.stdout).toMatch(/failed {8}none/);
    expect(result.stdout).toMatch(/ack latency {3}p50 [\d.]+ ms {3}p99 [\d.]+ ms/);
  });

  it('refuses a malformed duration with a message naming the flag, exit code 2', async () => {
    const result = await run(['simulate', '--target', target, '--duration', 'forever']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--duration must be a duration such as 500ms, 60s, 2m or 1m30s (got "forever")',
    );
  });

  it('prints its options with --help', async () => {
    const result = await run(['simulate', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--spike PRODUCT|auto');
  });
});
