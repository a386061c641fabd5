/** `zod/v4`: the same classic API as `zod` (see index.ts). */
import * as z from './classic';

export * from './classic';
export { z, z as default };
