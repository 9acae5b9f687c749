import { AsyncLocalStorage } from 'node:async_hooks';
import { InterceptingCall, type Interceptor, type Metadata } from '@grpc/grpc-js';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createTemporalClient } from '../clients/temporal';

/**
 * Issue 14: the Temporal client of the web and worker processes keeps each
 * gRPC call's context (namespace header, metadata, deadline) without an
 * AsyncLocalStorage, whose first run turns on Node 20's async hooks for
 * every promise of the process. Against the run's real Temporal server.
 */
describe('Temporal client: call context without AsyncLocalStorage', () => {
  const calls: { method: string; metadata: Record<string, unknown>; deadline: unknown }[] = [];
  const recorder: Interceptor = (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata: Metadata, listener, next) {
        calls.push({ method: options.method_definition.path, metadata: metadata.getMap(), deadline: options.deadline });
        next(metadata, listener);
      },
    });
  const runs = vi.spyOn(AsyncLocalStorage.prototype, 'run');
  let client: Client;
  beforeAll(async () => {
    runs.mockClear();
    client = await createTemporalClient(inject('temporalAddress'), 'default', { interceptors: [recorder] });
  });
  afterAll(async () => {
    runs.mockRestore();
    await client?.connection.close();
  });
  const lastCall = (method: string) => calls.filter((call) => call.method.endsWith(`/${method}`)).at(-1);

  it('connects and calls without any AsyncLocalStorage run (which would turn on async hooks for good)', async () => {
    await client.workflowService.describeNamespace({ namespace: 'default' });
    await client.workflow.getHandle('no-such-workflow').describe().catch(() => undefined);
    expect(lastCall('GetSystemInfo')).toBeDefined();
    expect(lastCall('DescribeWorkflowExecution')).toBeDefined();
    expect(runs).not.toHaveBeenCalled();
  });

  it('still sends the namespace header with every call that names a namespace, and only with it', async () => {
    await client.workflowService.describeNamespace({ namespace: 'default' });
    expect(lastCall('DescribeNamespace')?.metadata['temporal-namespace']).toBe('default');
    await client.workflow.getHandle('no-such-workflow').describe().catch(() => undefined);
    expect(lastCall('DescribeWorkflowExecution')?.metadata['temporal-namespace']).toBe('default');
    await client.workflowService.getSystemInfo({});
    expect(lastCall('GetSystemInfo')?.metadata['temporal-namespace']).toBeUndefined();
  });

  it('keeps withMetadata (nested) and withDeadline around a call, and drops them once the call started', async () => {
    const deadline = Date.now() + 30_000;
    await client.connection.withDeadline(deadline, () =>
      client.connection.withMetadata({ outer: 'a' }, () =>
        client.connection.withMetadata({ inner: 'b' }, () => client.workflowService.describeNamespace({ namespace: 'default' })),
      ),
    );
    const call = lastCall('DescribeNamespace')!;
    expect(call.metadata).toMatchObject({ outer: 'a', inner: 'b', 'temporal-namespace': 'default' });
    expect(call.deadline).toBe(deadline);

    await client.workflowService.describeNamespace({ namespace: 'default' });
    const after = lastCall('DescribeNamespace')!;
    expect(after.metadata.outer).toBeUndefined();
    expect(after.deadline).not.toBe(deadline);
  });

  it('leaves the context as it was when a call throws inside it', async () => {
    await expect(
      client.connection.withMetadata({ failing: 'yes' }, () => {
        throw new Error('refused before the call');
      }),
    ).rejects.toThrow('refused before the call');
    await client.workflowService.getSystemInfo({});
    expect(lastCall('GetSystemInfo')?.metadata.failing).toBeUndefined();
  });
});
