/**
 * Operation limits as graphql-js validation rules, one list for both transports (Apollo's
 * `validationRules`, and graphql-ws's onSubscribe, which validates with the same list): depth,
 * aliases, directives and cost, plus introspection when it is off. The token limit is a parse
 * option (`parseOptions`), so an oversized document is not even parsed in full.
 *
 * Fragments are measured where they are spread, every time they are spread, so reusing one cannot
 * hide its fields; each fragment is measured once (memoised), so nesting spreads cannot make the
 * measuring itself exponential; a spread of a fragment already being measured counts nothing more
 * (graphql-js's NoFragmentCyclesRule rejects such documents anyway).
 *
 * A page size given as a variable (`first: $n`) is not known when a document is validated (HTTP
 * validates a document once and caches the result): validation prices it at 1, a lower bound, and
 * `variableCostErrors` prices the operation again with the request's variables before anything
 * runs, on both transports.
 */
import { GraphQLError, Kind, NoSchemaIntrospectionCustomRule, getNullableType, isInterfaceType, isListType, isObjectType, specifiedRules, validate } from 'graphql';
import type {
  ASTVisitor,
  DocumentNode,
  FieldNode,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { EVALUATION_SAMPLES_RANGE } from '../services/evaluation/options.js';
import { TRAINING_METHODS } from '../services/experiments/config.js';
import { MAX_REPORTED } from '../services/imports/instruction-pool.js';
import { MAX_PAGE_SIZE, STAGE_FAILURES_LISTED, STAGE_LOG_LINES } from '../services/read/queries.js';

export type OperationLimits = {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxCost: number;
  introspection: boolean;
  /**
   * Lengths of lists without a `first` argument that depend on the configuration (see
   * `listSizes`); the others are in LIST_SIZES.
   */
  listSizes?: Readonly<Record<string, ListSize>>;
};

/** The most items a list field without `first` can hold: a number, or read from an argument (`last`) with its default and cap. */
export type ListSize = number | { arg: string; default: number; max: number };

/**
 * Lists without a `first` argument whose length the server bounds, by `Type.field`, priced at
 * that bound: each comes from the constant the service enforces it with.
 */
export const LIST_SIZES: Readonly<Record<string, ListSize>> = {
  'Stage.failures': STAGE_FAILURES_LISTED,
  'Stage.log': { arg: 'last', default: STAGE_LOG_LINES.default, max: STAGE_LOG_LINES.max },
  'OrderVerdicts.samples': EVALUATION_SAMPLES_RANGE.max,
  'ImportInstructionsResult.rejected': MAX_REPORTED,
  // one training job per training stage, each method at most once
  'Iteration.trainingJobs': TRAINING_METHODS.length,
};

/**
 * Lists without `first` that nothing bounds yet (their length grows with the data: iterations,
 * stages, evaluations, benchmarks and their subsets, import reports), priced at DEFAULT_LIST_SIZE.
 * Every list of objects without `first` must be in LIST_SIZES, `listSizes` or here (a test checks
 * the schema), so a new one is priced on purpose.
 */
export const UNBOUNDED_LISTS: ReadonlySet<string> = new Set([
  'Experiment.iterations', 'Experiment.stages', 'Experiment.validatedJudges', 'Experiment.seedEvaluations',
  'Iteration.stages', 'Iteration.evaluations',
  'ImportInstructionsResult.duplicates', 'ImportBenchmarkResult.skipped',
  'Stage.providerBatches', 'Benchmark.subsets', 'Benchmark.evaluations', 'Evaluation.subsets', 'EvaluationDiff.items', 'Query.benchmarks',
]);

/** Assumed length of a list in UNBOUNDED_LISTS. */
export const DEFAULT_LIST_SIZE = 10;

/** LIST_SIZES plus the lists the configuration bounds: the named endpoints, trainers and prices. */
export function listSizes(configured: { endpoints: number; trainers: number; prices?: number }): Record<string, ListSize> {
  return {
    ...LIST_SIZES,
    'ServerConfiguration.endpoints': Math.max(1, configured.endpoints),
    'ServerConfiguration.trainers': Math.max(1, configured.trainers),
    'ServerConfiguration.prices': Math.max(1, configured.prices ?? 0),
  };
}

type Measure = { depth: number; aliases: number; directives: number; cost: number };
const ZERO: Measure = { depth: 0, aliases: 0, directives: 0, cost: 0 };

/** The rules added to graphql-js's specified ones, in the order they report. */
export function limitRules(limits: OperationLimits): ValidationRule[] {
  return [...(limits.introspection ? [] : [NoSchemaIntrospectionCustomRule]), operationLimitsRule(limits)];
}

/** Every rule a document must pass on the WebSocket transport (Apollo adds graphql-js's own itself). */
export function allRules(limits: OperationLimits): ValidationRule[] {
  return [...specifiedRules, ...limitRules(limits)];
}

/** A request's variables, for the cost check that needs them; `operationName` picks the operation run. */
type RequestVariables = { values: Record<string, unknown>; operationName: string | null | undefined };

/**
 * The cost of the operation a request runs, with its variables: errors (code
 * GRAPHQL_VALIDATION_FAILED, HTTP 400) when it is over the limit. Depth, aliases and directives
 * do not depend on variables: validation has checked them.
 */
export function variableCostErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: OperationLimits,
): readonly GraphQLError[] {
  return validate(schema, document, [operationLimitsRule(limits, { values: variables ?? {}, operationName })]);
}

export function operationLimitsRule(limits: OperationLimits, request?: RequestVariables): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const shared = request ? null : new Measurer(context, null, limits.listSizes);
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        if (request?.operationName && node.name?.value !== request.operationName) return false;
        const measurer = shared ?? new Measurer(context, variablePageSize(node, request!.values), limits.listSizes);
        const m = measurer.operation(node);
        const name = node.name ? `operation "${node.name.value}"` : 'the operation';
        const report = (what: string, value: number, max: number) => {
          if (value > max) {
            context.reportError(
              new GraphQLError(`${name} ${what} ${value === Infinity ? 'beyond any count' : value}, more than the limit of ${max}`, {
                nodes: [node],
                extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...(request && { http: { status: 400 } }) },
              }),
            );
          }
        };
        if (!request) {
          report('is nested to a depth of', m.depth, limits.maxDepth);
          report('uses aliases:', m.aliases, limits.maxAliases);
          report('uses directives:', m.directives, limits.maxDirectives);
        }
        report('has a cost of', m.cost, limits.maxCost);
        return false;
      },
    };
  };
}

/**
 * The page size a variable gives in this request: its value, else the operation's default for it;
 * undefined when it has neither (the field's own default then applies).
 */
function variablePageSize(operation: OperationDefinitionNode, values: Record<string, unknown>): (name: string) => number | undefined {
  return (name) => {
    const value = values[name];
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (value !== undefined) return undefined;
    const declared = operation.variableDefinitions?.find((d) => d.variable.name.value === name)?.defaultValue;
    return declared?.kind === Kind.INT ? Number(declared.value) : undefined;
  };
}

/** How a variable page size is priced: by the request's values, or (null) at 1 while they are not known. */
type VariablePageSize = ((name: string) => number | undefined) | null;

class Measurer {
  private readonly memo = new Map<string, Measure>();
  private readonly active = new Set<string>();
  private readonly schema: GraphQLSchema;

  constructor(
    private readonly context: ValidationContext,
    private readonly pageSize: VariablePageSize,
    private readonly configured: Readonly<Record<string, ListSize>> = {},
  ) {
    this.schema = context.getSchema();
  }

  operation(node: OperationDefinitionNode): Measure {
    const root = this.schema.getRootType(node.operation) ?? undefined;
    const m = this.selectionSet(node.selectionSet, root, false);
    const own = (node.directives?.length ?? 0) + (node.variableDefinitions ?? []).reduce((n, v) => n + (v.directives?.length ?? 0), 0);
    return { ...m, directives: m.directives + own };
  }

  /** `meta`: inside __schema/__type, whose depth and cost are not counted (introspection is a switch of its own). */
  private selectionSet(set: SelectionSetNode, type: GraphQLNamedType | undefined, meta: boolean): Measure {
    const total: Measure = { ...ZERO };
    for (const s of set.selections) {
      let m: Measure;
      if (s.kind === Kind.FIELD) m = this.field(s, type, meta);
      else if (s.kind === Kind.INLINE_FRAGMENT) {
        const inner = s.typeCondition ? this.schema.getType(s.typeCondition.name.value) : type;
        m = this.selectionSet(s.selectionSet, inner ?? undefined, meta);
        m = { ...m, directives: m.directives + (s.directives?.length ?? 0) };
      } else {
        m = this.fragment(s.name.value, meta);
        m = { ...m, directives: m.directives + (s.directives?.length ?? 0) };
      }
      total.depth = Math.max(total.depth, m.depth);
      total.aliases += m.aliases;
      total.directives += m.directives;
      total.cost += m.cost;
    }
    return total;
  }

  private fragment(name: string, meta: boolean): Measure {
    const key = `${meta}:${name}`;
    const known = this.memo.get(key);
    if (known) return known;
    const fragment = this.context.getFragment(name);
    if (!fragment || this.active.has(key)) return ZERO;
    this.active.add(key);
    const m = this.selectionSet(fragment.selectionSet, this.schema.getType(fragment.typeCondition.name.value) ?? undefined, meta);
    this.active.delete(key);
    this.memo.set(key, m);
    return m;
  }

  private field(node: FieldNode, parent: GraphQLNamedType | undefined, meta: boolean): Measure {
    const name = node.name.value;
    const inMeta = meta || name === '__schema' || name === '__type';
    const def = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
    const child = node.selectionSet ? this.selectionSet(node.selectionSet, def ? namedType(def) : undefined, inMeta) : ZERO;
    const aliases = (node.alias ? 1 : 0) + child.aliases;
    const directives = (node.directives?.length ?? 0) + child.directives;
    if (inMeta) return { depth: 0, aliases, directives, cost: 0 };
    return { depth: 1 + child.depth, aliases, directives, cost: 1 + listFactor(node, def, parent, this.pageSize, this.configured) * child.cost };
  }
}

function namedType(def: GraphQLField<unknown, unknown>): GraphQLNamedType {
  let type = def.type;
  while ('ofType' in type) type = type.ofType;
  return type;
}

/**
 * How many times a field's selection may be resolved: its page size (`first`), a bounded list's
 * bound (LIST_SIZES, or the configured ones), or DEFAULT_LIST_SIZE for a list nothing bounds yet.
 */
function listFactor(
  node: FieldNode,
  def: GraphQLField<unknown, unknown> | undefined,
  parent: GraphQLNamedType | undefined,
  pageSize: VariablePageSize,
  configured: Readonly<Record<string, ListSize>>,
): number {
  if (!def) return 1;
  if (def.args.some((a) => a.name === 'first')) {
    const arg = node.arguments?.find((a) => a.name.value === 'first');
    const fieldDefault = () => {
      const fallback = def.args.find((a) => a.name === 'first')?.defaultValue;
      return typeof fallback === 'number' ? Math.max(1, fallback) : MAX_PAGE_SIZE;
    };
    if (!arg) return fieldDefault();
    if (arg.value.kind === Kind.INT) return Math.max(1, Number(arg.value.value));
    if (arg.value.kind !== Kind.VARIABLE) return MAX_PAGE_SIZE;
    // Not known yet (see the module comment): a lower bound now, the request's value later.
    if (!pageSize) return 1;
    const value = pageSize(arg.value.name.value);
    return value === undefined ? fieldDefault() : Math.min(MAX_PAGE_SIZE, Math.max(1, value));
  }
  if (!isListType(getNullableType(def.type))) return 1;
  // A connection's edges are its page, already counted on the connection field.
  if (parent?.name.endsWith('Connection')) return 1;
  const size = configured[`${parent?.name}.${def.name}`] ?? LIST_SIZES[`${parent?.name}.${def.name}`];
  if (size === undefined) return DEFAULT_LIST_SIZE;
  if (typeof size === 'number') return size;
  // An argument such as Stage.log's `last`: a literal within its cap, else the cap.
  const arg = node.arguments?.find((a) => a.name.value === size.arg);
  if (!arg) return size.default;
  return arg.value.kind === Kind.INT ? Math.min(size.max, Math.max(1, Number(arg.value.value))) : size.max;
}
