import { Client, Connection, WorkflowNotFoundError, type ConnectionOptions } from '@temporalio/client';
import type { Knex } from 'knex';
import { forgetWorkflowStarts, type WorkflowStartKind } from '../db/workflowStarts';
import { normalizePlate } from '../lib/plates';
import type { Logger } from '../lib/logger';
import { plateChangedSignal, searchAttributeKeys } from '../workflows/searchAttributes.contract';

export async function createTemporalClient(address: string, namespace: string, options: Omit<ConnectionOptions, 'address'> = {}): Promise<Client> {
  const connection = withSynchronousCallContext(Connection.lazy({ ...options, address }));
  await connection.ensureConnected();
  return new Client({ connection, namespace });
}

/**
 * The connection's call context (the metadata and deadline of each gRPC
 * call) held only while the call starts, not through an AsyncLocalStorage.
 * The SDK runs every call of the workflow service, and its own first call
 * at connect, in `callContextStorage.run` (to add the namespace header), and
 * Node 20 enables async hooks for the rest of the process at the first
 * AsyncLocalStorage run: after that every promise of every request paid
 * init, before, after and resolve hooks, about a tenth of the web
 * process's CPU on pages that never call Temporal (README, Performance).
 * Each of those SDK calls reads the context synchronously, inside `run`,
 * where the call starts (`generateRPCImplementation` reads it before
 * `makeUnaryRequest`); so does a `withDeadline`/`withMetadata` around a
 * direct service call (`connection.workflowService.x(...)`). Around a
 * `client.workflow` method, which awaits before its call, the context would
 * not reach the call: nothing here does that.
 */
export function withSynchronousCallContext(connection: Connection): Connection {
  type CallContext = ReturnType<Connection['callContextStorage']['getStore']>;
  let current: CallContext;
  const storage = connection.callContextStorage;
  storage.getStore = () => current;
  storage.run = <R, A extends unknown[]>(store: CallContext, callback: (...args: A) => R, ...args: A): R => {
    const outer = current;
    current = store;
    try {
      return callback(...args);
    } finally {
      current = outer;
    }
  };
  return connection;
}

const indexedValueTypes: Record<string, number> = { KEYWORD: 2 }; // INDEXED_VALUE_TYPE_KEYWORD

/**
 * Registers our search attributes (Plate, Location, JobNumber) if the server
 * lacks them, so the dev server, the docker-compose stack and a managed
 * cluster all need no manual step.
 */
export async function ensureSearchAttributes(client: Client, namespace: string, log?: Logger): Promise<void> {
  const operator = client.connection.operatorService;
  const existing = await operator.listSearchAttributes({ namespace });
  const missing = searchAttributeKeys.filter((key) => !(key.name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  await operator.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedValueTypes[key.type]!])),
  });
  log?.info({ added: missing.map((key) => key.name) }, 'registered Temporal search attributes');
}

/** What starting or signalling a workflow needs: the client and the task queue its worker polls. */
export interface WorkflowDeps {
  temporal: Client;
  taskQueue: string;
  /** when given, a successful start takes its row out of the workflow-start outbox (workflowStarted) */
  db?: Knex;
}

/**
 * After a successful start: the outbox row the writer's transaction left
 * (db/workflowStarts.ts) is done with, so the sweep need not confirm it.
 * Without `db` (an activity that has none at hand) the sweep confirms it a
 * moment later: the start functions are idempotent.
 */
export async function workflowStarted(deps: WorkflowDeps, kind: WorkflowStartKind, key: number): Promise<void> {
  if (deps.db) await forgetWorkflowStarts(deps.db, kind, [key]);
}

/**
 * A plate staff saved: when it differs (normalised) from the one before, the
 * running workflow `workflowId` (a job's, a lead's) updates its Plate search
 * attribute, so operators find it by the new one. One that has ended keeps
 * the old: nothing to tell.
 */
export async function plateChanged(client: Client, workflowId: string, before: string, after: string): Promise<void> {
  const plate = normalizePlate(after);
  if (plate === normalizePlate(before)) return;
  try {
    await client.workflow.getHandle(workflowId).signal(plateChangedSignal, plate);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
