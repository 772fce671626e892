export { createEmailSender, type EmailSender } from './smtp-email.ts';
export { isPermanentDeliveryError, PermanentDeliveryError, postSlackMessage } from './slack-webhook.ts';
