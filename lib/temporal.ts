import { Client, Connection } from '@temporalio/client';
import { searchAttributeKeys } from '../workflows/searchAttributes';
import type { Logger } from './logger';

export async function createTemporalClient(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
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
