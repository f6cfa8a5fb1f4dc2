import { STORE_DRIVERS, StringColumn, resolveColumnType } from './portable-column';

describe('resolveColumnType', () => {
  it('maps every kind on every driver to a portable, non-deprecated type', () => {
    const table = Object.fromEntries(
      STORE_DRIVERS.map((driver) => [
        driver,
        (['string', 'text', 'timestamp', 'boolean', 'double'] as const).map((kind) => {
          const { type, length, precision } = resolveColumnType(driver, kind, 40);
          return `${type}${length ? `(${length})` : ''}${precision ? `(${precision})` : ''}`;
        }),
      ]),
    );
    expect(table).toEqual({
      sqlite: ['varchar(40)', 'text', 'datetime', 'boolean', 'real'],
      postgres: ['varchar(40)', 'text', 'timestamp(3)', 'boolean', 'double precision'],
      mssql: ['nvarchar(40)', 'nvarchar(MAX)', 'datetime2(3)', 'bit', 'float'],
      mysql: ['varchar(40)', 'longtext', 'datetime(3)', 'tinyint', 'double'],
    });
  });

  it('needs a positive integer length for strings', () => {
    expect(() => resolveColumnType('postgres', 'string')).toThrow(/positive integer length, got undefined/);
    expect(() => StringColumn('name', 0)).toThrow(/positive integer length, got 0/);
  });
});
