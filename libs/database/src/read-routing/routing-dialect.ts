import {
  type DatabaseConnection,
  type Dialect,
  type Driver,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type TransactionSettings,
} from 'kysely';
import type { ReadRouter } from './read-router';

/** The Postgres dialect over drivers of several copies: each connection goes back to the driver that made it. */
export function routingDialect(router: ReadRouter, primary: Driver, replicas: Driver[]): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new RoutingDriver(router, primary, replicas),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

class RoutingDriver implements Driver {
  private readonly owners = new WeakMap<DatabaseConnection, Driver>();

  constructor(
    private readonly router: ReadRouter,
    private readonly primary: Driver,
    private readonly replicas: Driver[],
  ) {}

  async init(): Promise<void> {
    for (const driver of [this.primary, ...this.replicas]) await driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const { driver, connection } = await this.router.acquire(this.primary, this.replicas);
    this.owners.set(connection, driver);
    return connection;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.owner(connection).beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.owner(connection).commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.owner(connection).rollbackTransaction(connection);
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.owner(connection).savepoint!(connection, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.owner(connection).rollbackToSavepoint!(connection, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.owner(connection).releaseSavepoint!(connection, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.owner(connection).releaseConnection(connection);
  }

  /** The pools belong to the connection that made them (see connect.ts): ending them is its job. */
  async destroy(): Promise<void> {}

  private owner(connection: DatabaseConnection): Driver {
    return this.owners.get(connection) ?? this.primary;
  }
}
