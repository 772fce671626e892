// Hysteresis: turns a noisy "spiking now?" signal into episodes with one alert each.

export type Episode = { readonly startMs: number; peakPerHour: number; endMs: number | null };
export type EpisodeState = { current: Episode | null; quietSinceMs: number | null; readonly quietMs: number };

// Creates hysteresis state; an episode ends after `quietMs` of continuous calm.
export function createEpisodeState(quietMs: number): EpisodeState {
  return { current: null, quietSinceMs: null, quietMs };
}

export type EpisodeEvent = {
  readonly kind: 'start' | 'end';
  readonly atMs: number;
  readonly episode: Episode;
};

// Feeds one observation; returns a start or end event when the episode changes.
export function observe(
  s: EpisodeState,
  nowMs: number,
  firing: boolean,
  calm: boolean,
  ratePerHour: number,
): EpisodeEvent | null {
  if (s.current === null) {
    if (!firing) return null;
    s.current = { startMs: nowMs, peakPerHour: ratePerHour, endMs: null };
    s.quietSinceMs = null;
    return { kind: 'start', atMs: nowMs, episode: s.current };
  }
  s.current.peakPerHour = Math.max(s.current.peakPerHour, ratePerHour);
  if (!calm) {
    s.quietSinceMs = null;
    return null;
  }
  s.quietSinceMs ??= nowMs;
  if (nowMs - s.quietSinceMs < s.quietMs) return null;
  const ended = s.current;
  ended.endMs = nowMs;
  s.current = null;
  s.quietSinceMs = null;
  return { kind: 'end', atMs: nowMs, episode: ended };
}
