/** "1-abc-234", "1 ABC 234" and "1abc234" are the same registration plate. */
export function normalizePlate(plate: string): string {
  return plate.normalize('NFKC').toUpperCase().replace(/[^A-Z0-9]/g, '');
}
