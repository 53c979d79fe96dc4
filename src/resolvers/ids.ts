/** The API's ids are strings (GraphQL ID); services take numbers. Resolvers parse them here. */
import { parseId } from '../domain/errors.js';

/** Parses an id argument, or throws a BAD_USER_INPUT naming the field. */
export const idArg = (field: string, value: unknown): number => parseId(field, value == null ? '' : String(value));
