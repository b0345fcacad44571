/** The platform's one backoff policy (full jitter) lives with the background-work toolkit. */
export { backoffDelay } from '@tsuzuku/platform-database';
