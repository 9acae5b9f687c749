/**
 * W4: WhatsApp's customer service window. A business may write free text to
 * a customer only within 24 hours of the customer's last message; outside
 * it, only an approved template. The conversation workflow enforces it on
 * every staff reply; pages show the same rule (how long the window stays open).
 */
export const conversationWindowMs = 24 * 60 * 60 * 1000;

/** When the window closes; null when the customer never wrote. */
export const windowClosesAt = (lastInboundAt: Date | string | null | undefined): Date | null =>
  lastInboundAt ? new Date(new Date(lastInboundAt).getTime() + conversationWindowMs) : null;

/** Whether free text may be sent at `now`. */
export const windowOpen = (lastInboundAt: Date | string | null | undefined, now: number = Date.now()): boolean => {
  const closes = windowClosesAt(lastInboundAt);
  return closes !== null && closes.getTime() > now;
};
