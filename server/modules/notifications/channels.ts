// Outbound channels behind one interface: a webhook (JSON POST with an HMAC signature, for the county's
// SMS gateway) and SMTP e-mail. A channel sends one outbox message to one address; it throws on failure
// (the worker retries with back-off). Each message carries its delivery id (the outbox row id), so a
// receiver can drop a repeat: after a crash between "sent" and "marked sent" the worker sends it again.
import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { NotifyConfig } from '../../config.ts';

export interface OutboundMessage {
  deliveryId: string;
  title: string;
  text: string;
  /** The whole payload the outbox row holds. */
  payload: Record<string, unknown>;
}

export interface OutboundChannel {
  readonly name: 'webhook' | 'smtp';
  /** `address`: the recipient's mobile number (webhook) or e-mail address (smtp); null when none is on file. */
  send(message: OutboundMessage, address: string | null): Promise<void>;
  close?(): void;
}

export const SIGNATURE_HEADER = 'x-bianmin-signature';
export const DELIVERY_HEADER = 'x-bianmin-delivery';

/** `sha256=<hex>` of the exact body, keyed with the shared secret (the gateway recomputes and compares). */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function webhookChannel(cfg: NonNullable<NotifyConfig['webhook']>, timeoutMs = 10_000): OutboundChannel {
  return {
    name: 'webhook',
    async send(message, address) {
      const body = JSON.stringify({ ...message.payload, mobile: address });
      const res = await fetch(cfg.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(cfg.secret, body), [DELIVERY_HEADER]: message.deliveryId },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Drain the body so the connection is reused.
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) throw new Error(`短信网关返回 HTTP ${res.status}`);
    },
  };
}

export function smtpChannel(cfg: NonNullable<NotifyConfig['smtp']>): OutboundChannel {
  const transport = nodemailer.createTransport({
    host: cfg.host, port: cfg.port, secure: cfg.secure,
    ...(cfg.user ? { auth: { user: cfg.user, pass: cfg.password ?? '' } } : {}),
    connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000,
  });
  return {
    name: 'smtp',
    async send(message, address) {
      if (!address) throw new Error('收件人没有登记邮箱');
      await transport.sendMail({
        from: cfg.from, to: address, subject: message.title, text: message.text,
        headers: { 'X-Bianmin-Delivery': message.deliveryId }, messageId: `<${message.deliveryId}@bianmin>`,
      });
    },
    close: () => transport.close(),
  };
}

/** The channels configured for this process. */
export function configuredSenders(cfg: NotifyConfig): Map<'webhook' | 'smtp', OutboundChannel> {
  const out = new Map<'webhook' | 'smtp', OutboundChannel>();
  if (cfg.webhook) out.set('webhook', webhookChannel(cfg.webhook));
  if (cfg.smtp) out.set('smtp', smtpChannel(cfg.smtp));
  return out;
}
