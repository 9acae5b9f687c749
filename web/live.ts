import pg from 'pg';
import { jobChangedChannel } from '../db/jobs';
import type { Logger } from '../lib/logger';

type Listener = () => void;

/**
 * Fan-out of job changes to the open status pages of this process. One
 * PostgreSQL connection LISTENs for every page; any worker or web replica
 * that changes a job NOTIFYs, so pages update whichever process served
 * them. Reconnects after a lost connection.
 */
export class JobChanges {
  private readonly listeners = new Map<number, Set<Listener>>();
  private client: pg.Client | undefined;
  private stopped = false;

  constructor(
    private readonly connectionString: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'workshop-live' });
    client.on('notification', (message) => {
      const jobId = Number(message.payload);
      for (const listener of this.listeners.get(jobId) ?? []) listener();
    });
    client.on('error', (error) => {
      this.log.warn({ err: error }, 'live updates: connection lost, reconnecting');
      this.reconnect();
    });
    await client.connect();
    await client.query(`listen ${jobChangedChannel}`);
    this.client = client;
  }

  private reconnect() {
    const old = this.client;
    this.client = undefined;
    old?.end().catch(() => undefined);
    if (this.stopped) return;
    setTimeout(() => {
      this.start().catch((error) => {
        this.log.warn({ err: error }, 'live updates: reconnect failed');
        this.reconnect();
      });
    }, 1000).unref();
  }

  /** Calls `listener` whenever job `jobId` changes; returns the unsubscribe function. */
  subscribe(jobId: number, listener: Listener): () => void {
    let set = this.listeners.get(jobId);
    if (!set) this.listeners.set(jobId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(jobId);
    };
  }

  get subscriberCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
  }
}
