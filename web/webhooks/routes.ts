import express, { type Request, type Response } from 'express';
import { featureRouter } from '../router';
import { receiveSmsWebhook, receiveWhatsappWebhook, whatsappVerification, type WebhookAnswer, type WebhookDeps } from './service';

/** The providers' bodies as the bytes they signed. */
const rawBody = express.raw({ type: () => true, limit: '1mb' });
const bytes = (req: Request): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
const send = (res: Response, { status, body }: WebhookAnswer) => res.status(status).type('text').send(body);

/**
 * W5: the providers' webhooks, mounted before the form parser, sessions and
 * CSRF (a provider has none of them; its signature is the check).
 */
export function createWebhooksRouter(deps: WebhookDeps) {
  const router = featureRouter();
  router.get('/webhooks/whatsapp', (req: Request, res: Response) => send(res, whatsappVerification(deps, req.query)));
  router.post('/webhooks/whatsapp', rawBody, async (req: Request, res: Response) => {
    send(res, await receiveWhatsappWebhook(deps, bytes(req), req.get('X-Hub-Signature-256')));
  });
  router.post('/webhooks/sms', rawBody, async (req: Request, res: Response) => {
    send(res, await receiveSmsWebhook(deps, bytes(req), { signature: req.get('X-Signature'), timestamp: req.get('X-Timestamp') }));
  });
  return router;
}
