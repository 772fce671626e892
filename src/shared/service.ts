/** A running part of the process (HTTP server, worker pool, scheduler), stopped in reverse start order. */
export interface Service {
  readonly name: string;
  stop(): Promise<void>;
}
