import { createRequire } from 'node:module';

// package.json sits one level above both src/ and dist/, so this path holds in source and build.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The installed hookline version, as sent in `User-Agent: hookline/<version>`. */
export const hooklineVersion: string = version;
