/** Where the global setup leaves the running server's address and certificate for the test workers. */
export const SERVER_URL_ENV = 'MERIMEET_E2E_SERVER_URL';
export const SERVER_CA_ENV = 'MERIMEET_E2E_SERVER_CA';

export interface E2EServer {
  /** wss://127.0.0.1:PORT/ws */
  url: string;
  /** https://127.0.0.1:PORT — where the web client is served. */
  origin: string;
  /** PEM of the server's certificate, for Node clients to trust it (and only it). */
  ca: string;
}

export function e2eServer(): E2EServer {
  const url = process.env[SERVER_URL_ENV];
  const ca = process.env[SERVER_CA_ENV];
  if (!url || !ca) throw new Error(`${SERVER_URL_ENV} is not set: the global setup did not run`);
  const { host } = new URL(url);
  return { url, origin: `https://${host}`, ca };
}
