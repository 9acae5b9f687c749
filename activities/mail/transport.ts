import nodemailer, { type Transporter } from 'nodemailer';

export type { Transporter };

/** One SMTP transport per process, from SMTP_URL (smtp://user:pass@host:port). */
export function createMailTransport(smtpUrl: string): Transporter {
  const url = new URL(smtpUrl);
  const local = ['localhost', '127.0.0.1', '::1'].includes(url.hostname);
  return nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // A local catcher speaks plain SMTP; everything else must upgrade to TLS.
    ignoreTLS: local,
    requireTLS: !local && url.protocol === 'smtp:',
    pool: true,
    maxConnections: 5,
  });
}
