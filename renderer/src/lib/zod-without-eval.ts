import { config } from 'zod';

/**
 * Zod compiles fast parsers with `new Function` and probes for it on first use; under our CSP
 * (`script-src 'self'`, no 'unsafe-eval') the probe is refused and reported as a violation, even though
 * zod catches it. Jitless mode skips the probe. This module must be imported before anything that
 * parses (shared/profile parses defaults at import time), so `main.ts` imports it first.
 */
config({ jitless: true });
