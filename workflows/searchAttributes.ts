import { setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { plateChangedSignal, plateKey } from './searchAttributes.contract';

/** In a workflow with a Plate search attribute: keeps it up to date. */
export function followPlateChanges(): void {
  setHandler(plateChangedSignal, (plate) => upsertSearchAttributes([{ key: plateKey, value: plate }]));
}
