import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { PermanentDeliveryError } from './slack-webhook.ts';

/** Sends e-mail through one SMTP server. */
export interface EmailSender {
  send(message: { to: string; subject: string; body: string; cause: string }): Promise<void>;
  close(): void;
}

/**
 * An SMTP sender from a URL such as `smtp://user:pass@mail.example.com:587` (STARTTLS when offered)
 * or `smtps://...:465`. The Message-ID derives from the notification's cause, so a message repeated
 * after a crash between sending and recording is recognisable as the same one.
 */
export function createEmailSender(smtpUrl: string, from: string): EmailSender {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send({ to, subject, body, cause }) {
      const id = createHash('sha256').update(cause).digest('hex').slice(0, 32);
      try {
        await transport.sendMail({ from, to, subject, text: body, messageId: `<${id}@creatorflow>` });
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        // 5xx SMTP replies are permanent (unknown mailbox, rejected); 4xx and network errors are not.
        if (code !== undefined && code >= 500) {
          throw new PermanentDeliveryError(`SMTP refused the message (${code}): ${(error as Error).message}`);
        }
        throw error;
      }
    },
    close: () => transport.close(),
  };
}
