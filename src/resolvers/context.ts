import type { Services } from '../app-services.js';
import type { Loaders } from '../services/read/queries.js';

/** What every resolver receives: the services and this request's batched loaders. */
export type Context = { services: Services; loaders: Loaders };
