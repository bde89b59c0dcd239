/** The stream issue 20 names for the log view and the soak: 20k lines/s round-robin from 100 hosts. */
export const STREAM_RATE = 20_000;
export const STREAM_HOSTS = 100;
