import { describe, expect, it } from 'vitest';
import { expectHeading, htmxSettled, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { boardAppointment } from '../support/conversation';
import { createLocation, createStaff } from '../support/fixtures';
import { waitUntil } from '../support/wait';

describe('browser: a card\'s conversation (W4, W5, W6) with the development WhatsApp provider', () => {
  const t = usePlatformAndBrowser();

  it('template outside the window, the customer\'s reply arrives through the webhook, staff answer freely inside it, and a backchannel comment', async () => {
    const { db, baseUrl } = t.platform;
    const { companyId, location } = await createLocation(db, { name: 'Garage Verloop', hours: false });
    const { appointment, customer, phone, plate } = await boardAppointment(db, location);
    const advisor = await createStaff(db, companyId, 'service_advisor');
    const conversationUrl = `${baseUrl}/staff/board/cards/${appointment.id}/conversation?lang=en`;

    const page = await (await t.browser.newContext()).newPage();
    await staffLogin(page, baseUrl, advisor.email, advisor.password);
    await expectHeading(page, 'Aftersales board');
    // Clicking the card opens its conversation.
    await page.locator(`#card-${appointment.id}`).getByRole('link', { name: 'Marie Peeters' }).click();
    await expectHeading(page, 'Conversation with Marie Peeters');
    expect(new URL(page.url()).pathname).toBe(`/staff/board/cards/${appointment.id}/conversation`);
    await page.getByText(plate).first().waitFor();

    // The customer never wrote: no free text, the template picker by itself, and why.
    await page.getByText('WhatsApp allows only an approved template until the customer answers').waitFor();
    expect(await page.getByLabel('Your message (WhatsApp)').count()).toBe(0);
    await page.getByRole('radio', { name: /Conversation follow-up/ }).check();
    await page.getByRole('button', { name: 'Send template' }).click();
    await page.getByRole('status').filter({ hasText: 'Message sent to the customer.' }).waitFor();
    const messages = page.getByRole('list', { name: 'Messages' });
    await messages.getByTestId('message').filter({ hasText: 'Hello Marie Peeters, this is Garage Verloop' }).waitFor();

    // The customer answers on their phone: the development outbox posts it through the real, signed webhook.
    await waitUntil('the template in the development outbox', () => db('dev_whatsapp_messages').where({ recipient: phone }).first());
    await page.goto(`${baseUrl}/staff/messages/dev-whatsapp?lang=en`);
    await page.getByLabel(`Reply as the customer (${phone})`).fill('Kan ik de auto om 8u brengen?');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByRole('status').filter({ hasText: 'The reply went through the webhook' }).waitFor();
    const conversation = () => db('conversations').where({ customer_id: customer.id, channel: 'whatsapp' }).first();
    expect((await conversation()).read_at).toBeNull(); // unread until opened

    await page.goto(conversationUrl);
    const reply = messages.getByTestId('message').filter({ hasText: 'Kan ik de auto om 8u brengen?' });
    await reply.waitFor();
    expect(await reply.getAttribute('data-direction')).toBe('in');
    expect((await conversation()).read_at).not.toBeNull(); // opening it read it
    await page.getByText(/you can write freely until/).waitFor();

    // Within the window: free text.
    await page.getByLabel('Your message (WhatsApp)').fill('Ja, 8u is goed. Tot morgen!');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Message sent to the customer.' }).waitFor();
    const answer = messages.getByTestId('message').filter({ hasText: 'Ja, 8u is goed. Tot morgen!' });
    await answer.waitFor();
    expect(await answer.getAttribute('data-direction')).toBe('out');
    const sent = await waitUntil('the answer to go out', () => db('dev_whatsapp_messages').where({ recipient: phone, body: 'Ja, 8u is goed. Tot morgen!' }).first());
    expect(sent.template_name).toBeNull();

    // W6: a backchannel comment, Enter adds it; it is never sent.
    const comment = page.getByLabel('New comment (Enter adds it)');
    await comment.fill('Klant wil een vervangwagen');
    await comment.press('Enter');
    await htmxSettled(page);
    const comments = page.getByRole('list', { name: 'Backchannel' });
    await comments.getByTestId('comment').filter({ hasText: 'Klant wil een vervangwagen' }).waitFor();
    expect(await comments.getByTestId('comment').first().innerText()).toContain('Test service_advisor');
    expect(await db('dev_whatsapp_messages').where({ recipient: phone, body: 'Klant wil een vervangwagen' })).toEqual([]);

    // The column control (the board's Move-to partial): the card moves from the conversation, which stays open.
    await page.getByLabel('Move to…').selectOption({ label: 'In service' });
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Marie Peeters moved to In service.' }).waitFor();
    await expectHeading(page, 'Conversation with Marie Peeters');
  });
});
