import { MessageRejectedError } from './sender';

/** A provider's JSON send endpoint: the SMS gateway, the WhatsApp Cloud API. */
export interface JsonEndpoint {
  /** in error messages: 'SMS gateway', 'WhatsApp Cloud API' */
  name: string;
  url: string;
  /** sent as Authorization: Bearer … */
  token: string;
  timeoutMs: number;
}

/**
 * Answers a provider gives about the request rather than the message: the
 * token or the rate, which fixing or waiting cures. Every other 4xx refuses
 * the message itself.
 */
const retryableClientErrors = new Set([401, 403, 408, 425, 429]);

/**
 * POSTs one message as JSON and answers the provider's parsed answer
 * (undefined when it is not JSON). Unreachable, too slow, 5xx, 401/403/408/
 * 425/429 or what `retryable` recognises in a refusal → Error (the workflow
 * retries); any other 4xx → MessageRejectedError with the provider's reason.
 */
export async function postJson(endpoint: JsonEndpoint, body: unknown, options: { retryable?: (answer: unknown) => boolean } = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${endpoint.token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${endpoint.timeoutMs} ms` : String((error as Error).cause ?? error);
    throw new Error(`${endpoint.name} ${new URL(endpoint.url).host} unreachable: ${reason}`, { cause: error });
  }
  const answer = await readAnswer(response, endpoint);
  if (response.ok) return answer.json;
  const detail = `${endpoint.name} answered ${response.status}${answer.text ? `: ${answer.text.slice(0, 300)}` : ''}`;
  const refusal = response.status >= 400 && response.status < 500 && !retryableClientErrors.has(response.status);
  if (refusal && !options.retryable?.(answer.json)) throw new MessageRejectedError(detail);
  throw new Error(detail);
}

async function readAnswer(response: Response, endpoint: JsonEndpoint): Promise<{ text: string; json?: unknown }> {
  // The body shares the request's deadline (fetch's signal covers it), so a stalled body ends too.
  const text = await response.text().catch((error: unknown) => {
    if (response.ok) return ''; // accepted: losing the id must not send the message twice
    throw new Error(`${endpoint.name} answer unreadable after ${endpoint.timeoutMs} ms`, { cause: error });
  });
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return { text };
  }
}
