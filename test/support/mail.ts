import { inject } from 'vitest';
import { waitUntil } from './wait';

export interface CaughtMail {
  id: string;
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
}

/** Every message the catcher holds for one recipient, oldest first. */
export async function mailsTo(address: string): Promise<CaughtMail[]> {
  const response = await fetch(`${inject('mailApiUrl')}/email`);
  if (!response.ok) throw new Error(`mail catcher answered ${response.status}`);
  const all = (await response.json()) as CaughtMail[];
  return all.filter((mail) => mail.to.some((to) => to.address.toLowerCase() === address.toLowerCase()));
}

export async function waitForMail(address: string, count = 1): Promise<CaughtMail> {
  const mails = await waitUntil(`${count} mail(s) to ${address}`, async () => {
    const found = await mailsTo(address);
    return found.length >= count ? found : undefined;
  });
  return mails[count - 1]!;
}

/** The confirmation link in a booking e-mail (/b/<token>). */
export function confirmationLink(mail: CaughtMail): string {
  const match = mail.text.match(/https?:\/\/\S+\/b\/[\w-]+\?lang=\w+/);
  if (!match) throw new Error(`no confirmation link in mail: ${mail.text}`);
  return match[0];
}
