import { loadDatabaseCopiesConfig } from './database-copies-config';

describe('loadDatabaseCopiesConfig', () => {
  it('reads comma-separated replicas, the wait bound and the LISTEN URL, with their defaults', () => {
    expect(loadDatabaseCopiesConfig({})).toEqual({ readUrls: [], readMaxWaitMs: 1_000 });
    expect(
      loadDatabaseCopiesConfig({
        DATABASE_READ_URL: 'postgres://r1:5432/db, postgresql://r2/db,',
        DATABASE_READ_MAX_WAIT: 'PT0.25S',
        DATABASE_LISTEN_URL: 'postgres://primary/db',
      }),
    ).toEqual({ readUrls: ['postgres://r1:5432/db', 'postgresql://r2/db'], readMaxWaitMs: 250, listenUrl: 'postgres://primary/db' });
  });

  it('refuses what is not a postgres URL without echoing its password, and a wait that is no duration', () => {
    expect(() => loadDatabaseCopiesConfig({ DATABASE_READ_URL: 'mysql://u:secret@h/db' })).toThrow(/DATABASE_READ_URL/);
    expect(() => loadDatabaseCopiesConfig({ DATABASE_READ_URL: 'mysql://u:secret@h/db' })).not.toThrow(/secret/);
    expect(() => loadDatabaseCopiesConfig({ DATABASE_READ_MAX_WAIT: '1s' })).toThrow(/DATABASE_READ_MAX_WAIT/);
  });
});
