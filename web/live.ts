import pg from 'pg';
import { boardChangedChannel, type BoardNotice } from '../db/boardEvents';
import { jobChangedChannel } from '../db/jobs';
import { locationChangedChannel } from '../db/locations';
import type { Logger } from '../lib/logger';

type Listener<T> = (value: T) => void;

/** Listeners by key: a job id, a company id. */
class Listeners<T> {
  private readonly byKey = new Map<number, Set<Listener<T>>>();

  add(key: number, listener: Listener<T>): () => void {
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.byKey.delete(key);
    };
  }

  emit(key: number, value: T) {
    for (const listener of this.byKey.get(key) ?? []) listener(value);
  }
}

/**
 * Fan-out of changes to the open pages of this process: status pages (a
 * job changed) and boards (a card changed, W3), and to what it keeps in
 * memory (the portal's locations). One PostgreSQL connection
 * LISTENs for every page; any worker or web replica that changes a job or
 * a card NOTIFYs at commit, so pages update whichever process served them.
 * Reconnects after a lost connection; `onReconnect` listeners then catch up
 * on what they missed (boards replay from their last event id).
 */
export class LiveChanges {
  private readonly jobs = new Listeners<void>();
  private readonly boards = new Listeners<BoardNotice>();
  private readonly reconnected = new Set<() => void>();
  private readonly locations = new Set<(payload: string) => void>();
  private client: pg.Client | undefined;
  private stopped = false;
  private lost = false;

  constructor(
    private readonly connectionString: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'workshop-live' });
    client.on('notification', (message) => {
      if (message.channel === jobChangedChannel) this.jobs.emit(Number(message.payload), undefined);
      else if (message.channel === boardChangedChannel && message.payload) {
        const notice = JSON.parse(message.payload) as BoardNotice;
        this.boards.emit(notice.company, notice);
      } else if (message.channel === locationChangedChannel) {
        for (const listener of this.locations) listener(message.payload ?? '');
      }
    });
    client.on('error', (error) => {
      this.log.warn({ err: error }, 'live updates: connection lost, reconnecting');
      this.reconnect();
    });
    await client.connect();
    await client.query(`listen ${jobChangedChannel}; listen ${boardChangedChannel}; listen ${locationChangedChannel}`);
    this.client = client;
    if (this.lost) {
      this.lost = false;
      for (const listener of this.reconnected) listener();
    }
  }

  private reconnect() {
    const old = this.client;
    this.client = undefined;
    this.lost = true;
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
  subscribe(jobId: number, listener: () => void): () => void {
    return this.jobs.add(jobId, listener);
  }

  /** Calls `listener` with every card change of company `companyId`; returns the unsubscribe function. */
  subscribeBoard(companyId: number, listener: Listener<BoardNotice>): () => void {
    return this.boards.add(companyId, listener);
  }

  /** Calls `listener` (with the notice's payload, '' from the trigger) whenever a location is added, changed or removed; returns the unsubscribe function. */
  onLocationsChanged(listener: (payload: string) => void): () => void {
    this.locations.add(listener);
    return () => this.locations.delete(listener);
  }

  /** Whether notices arrive now: false before start, while the connection is lost, and after stop. */
  get listening(): boolean {
    return this.client !== undefined && !this.stopped;
  }

  /** Calls `listener` after the LISTEN connection was lost and is back (notices in between were missed). */
  onReconnect(listener: () => void): () => void {
    this.reconnected.add(listener);
    return () => this.reconnected.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
  }
}
