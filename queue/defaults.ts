// The queue's defaults, in a module with no dependencies (the command line reads them without
// loading BullMQ or ioredis).
export const DEFAULT_QUEUE = 'payer-rules';
export const DEFAULT_REDIS = 'redis://127.0.0.1:6379';
/** How long a run's inputs and results are kept (seconds), unless `--keep` says otherwise. */
export const DEFAULT_KEEP_SECONDS = 24 * 3600;
