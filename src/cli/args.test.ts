import { describe, expect, it } from 'vitest';
import { parseDuration, parseInteger, parseProbability, parseRate, parseUrl } from './args.ts';

describe('command-line values', () => {
  it.each([
    ['60s', 60_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['45', 45_000],
  ])('duration %s is %d ms', (text, ms) => {
    expect(parseDuration('--duration', text)).toBe(ms);
  });

  it.each(['forever', '10 s', '0s', '-5s', '5x', ''])(
    'duration %j is refused with the flag named',
    (text) => {
      expect(() => parseDuration('--duration', text)).toThrow(/--duration must/);
    },
  );

  it.each([
    ['50/s', 50],
    ['50', 50],
    ['3000/min', 50],
    ['120/m', 2],
    ['7200/h', 2],
  ])('rate %s is %d per second', (text, perSecond) => {
    expect(parseRate('--rate', text)).toBe(perSecond);
  });

  it.each(['fast', '0/s', '50/day', '1000000/s'])('rate %j is refused', (text) => {
    expect(() => parseRate('--rate', text)).toThrow(/--rate/);
  });

  it('reads probabilities as fractions or percentages within 0..1', () => {
    expect(parseProbability('--drop', '0.05')).toBe(0.05);
    expect(parseProbability('--drop', '5%')).toBe(0.05);
    expect(() => parseProbability('--drop', '1.5')).toThrow(/from 0 to 1/);
    expect(() => parseProbability('--drop', '150%')).toThrow(/from 0 to 1/);
  });

  it('reads whole numbers within bounds and http(s) URLs only', () => {
    expect(parseInteger('--port', '8080', 0, 65_535)).toBe(8080);
    expect(() => parseInteger('--port', '70000', 0, 65_535)).toThrow(/0 to 65535/);
    expect(parseUrl('--target', 'http://127.0.0.1:3000/webhooks/tiktok')).toBe(
      'http://127.0.0.1:3000/webhooks/tiktok',
    );
    expect(() => parseUrl('--target', 'ftp://x')).toThrow(/http/);
    expect(() => parseUrl('--target', 'nope')).toThrow(/must be a URL/);
  });
});
