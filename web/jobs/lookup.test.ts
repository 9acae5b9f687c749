import { describe, expect, it } from 'vitest';
import type { VehicleLookup } from '../../db/vehicles';
import { jobFormFields, type JobFormValues } from './form';
import { applyLookup, lookupPanel } from './lookup';

const blank = () => Object.fromEntries(jobFormFields.map((field) => [field, ''])) as JobFormValues;
const found: VehicleLookup = {
  vehicle: { id: 7, plate: '1-ABC-234', vin: 'WVWZZZ1JZ3W386752', make: 'Volkswagen', model: 'Golf', first_registration: '2019-03-15', mileage_km: 84500, source_name: 'Autoline', dms_id: 'V1' },
  customer: { id: 3, customer_number: null, first_name: 'An', last_name: 'Peeters', email: 'an@example.test', phone: '+32 470 12 34 56', street: '', postal_code: '', city: '' },
};

describe('job form look-up in the vehicle master (P9)', () => {
  it('blanks are filled, other spellings of the same value are no difference, typed values differ', () => {
    const typed = { ...blank(), plate: '1 abc 234', make: 'Audi', email: 'AN@example.test', phone: '0470 12 34 56' };
    const panel = lookupPanel(typed, 'plate', found);
    expect(panel.fill.map((f) => f.field)).toEqual(['vin', 'model', 'first_name', 'last_name']);
    expect(panel.differs).toEqual([{ field: 'make', typed: 'Audi', master: 'Volkswagen' }]);
    expect(applyLookup(typed, panel, 'fill')).toMatchObject({ make: 'Audi', model: 'Golf', first_name: 'An', plate: '1 abc 234' });
    expect(applyLookup(typed, panel, 'overwrite')).toMatchObject({ make: 'Volkswagen', model: 'Golf' });
  });

  it('a vehicle without an owner fills only the vehicle; none found changes nothing', () => {
    const panel = lookupPanel(blank(), 'vin', { ...found, customer: null });
    expect(panel.fill.map((f) => f.field)).toEqual(['plate', 'vin', 'make', 'model']);
    const none = lookupPanel({ ...blank(), plate: 'X' }, 'plate', undefined);
    expect(none).toEqual({ key: 'plate', found: undefined, fill: [], differs: [] });
    expect(applyLookup({ ...blank(), plate: 'X' }, none, 'overwrite').plate).toBe('X');
  });
});
