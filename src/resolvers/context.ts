import type { Services } from '../app-services.js';
import type { Loaders } from '../services/read/queries.js';

/** Who runs an operation: the token's role and position in the configuration (see src/http/auth.ts). */
export type Caller = { id: string; role: 'reader' | 'operator' | 'admin' };

/** What every resolver receives: the services, this request's batched loaders, and the caller (both transports set it). */
export type Context = { services: Services; loaders: Loaders; principal?: Caller };
