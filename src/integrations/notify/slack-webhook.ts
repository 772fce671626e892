/** Thrown when a channel refused a message for good (a retry would fail the same way). */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

/** True when retrying the delivery cannot help. */
export function isPermanentDeliveryError(error: unknown): error is PermanentDeliveryError {
  return error instanceof PermanentDeliveryError;
}

/**
 * Posts a message to a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, Discord's
 * /slack endpoint all accept `{text}`). 4xx other than 429 is permanent; anything else is retried.
 */
export async function postSlackMessage(
  url: string,
  message: { subject: string; body: string },
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: `*${message.subject}*\n${message.body}` }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  if (response.ok) return;
  const detail = (await response.text().catch(() => '')).slice(0, 200);
  const error = `Slack webhook answered ${response.status}${detail ? `: ${detail}` : ''}`;
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    throw new PermanentDeliveryError(error);
  }
  throw new Error(error);
}
