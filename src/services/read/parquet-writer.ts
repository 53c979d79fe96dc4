/**
 * The one wrapper around the Parquet writer (hyparquet-writer, pure JavaScript): an export's JSON
 * lines become a Parquet file written as it streams, ROW_GROUP_ROWS rows to a row group, each row
 * group handed on as bytes as soon as it is encoded (memory holds one row group, whatever the
 * export's size). Columns are the top-level keys of the lines, typed from the first row group:
 * strings as STRING, numbers as DOUBLE, booleans as BOOLEAN, and objects, arrays, columns of mixed
 * types and columns with no value in the first row group as JSON (Parquet's JSON logical type,
 * which readers such as hyparquet and pandas parse back). Every column is OPTIONAL: a key missing
 * from a line, or null, is a null. A later line with a key the first row group did not have, or a
 * value that does not fit its column's type, fails the export with an error naming the line and key.
 */
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';

export const ROW_GROUP_ROWS = 10_000;

type ColumnType = 'STRING' | 'DOUBLE' | 'BOOLEAN' | 'JSON';
type Column = { name: string; type: ColumnType };

/** A ByteWriter whose bytes are taken away after every row group (the file offset keeps counting). */
class ChunkWriter extends ByteWriter {
  readonly chunks: Uint8Array[] = [];
  flush(): void {
    if (this.index === 0) return;
    this.chunks.push(this.getBytes().slice());
    this.index = 0;
  }
  override finish(): void {
    this.flush();
  }
}

/** The column type of a key from its values in the first row group. */
function typeOf(values: readonly unknown[]): ColumnType {
  const kinds = new Set(values.filter((v) => v !== null && v !== undefined).map((v) => (Array.isArray(v) ? 'array' : typeof v)));
  if (kinds.size !== 1) return 'JSON';
  const [kind] = [...kinds];
  return kind === 'string' ? 'STRING' : kind === 'number' ? 'DOUBLE' : kind === 'boolean' ? 'BOOLEAN' : 'JSON';
}

function fits(type: ColumnType, value: unknown): boolean {
  if (value === null || value === undefined || type === 'JSON') return true;
  return type === 'STRING' ? typeof value === 'string' : type === 'DOUBLE' ? typeof value === 'number' : typeof value === 'boolean';
}

function schemaOf(columns: readonly Column[]) {
  return [
    { name: 'root', num_children: columns.length },
    ...columns.map(({ name, type }) => ({
      name,
      repetition_type: 'OPTIONAL' as const,
      ...(type === 'STRING'
        ? { type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const }
        : type === 'JSON'
          ? { type: 'BYTE_ARRAY' as const, converted_type: 'JSON' as const }
          : { type }),
    })),
  ];
}

function parseLine(line: string, number: number): Record<string, unknown> {
  const value: unknown = JSON.parse(line);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`parquet export: line ${number} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** The Parquet file of an export's JSON lines (one object each), as byte chunks in file order. */
export async function* parquetChunks(lines: AsyncIterable<string>, rowGroupRows = ROW_GROUP_ROWS): AsyncGenerator<Uint8Array> {
  const out = new ChunkWriter();
  let writer: ParquetWriter | null = null;
  let columns: Column[] = [];
  let group: Record<string, unknown>[] = [];
  let lineNumber = 0;

  const writeGroup = () => {
    if (writer === null) {
      const names = [...new Set(group.flatMap((row) => Object.keys(row)))];
      columns = names.map((name) => ({ name, type: typeOf(group.map((row) => row[name])) }));
      writer = new ParquetWriter({ writer: out, schema: schemaOf(columns), createdBy: 'self-taught-evaluator' });
    }
    const first = lineNumber - group.length + 1;
    group.forEach((row, i) => {
      for (const key of Object.keys(row)) {
        const column = columns.find((c) => c.name === key);
        if (!column) throw new Error(`parquet export: line ${first + i} has the key "${key}", which the first ${rowGroupRows} lines did not have`);
        if (!fits(column.type, row[key])) throw new Error(`parquet export: line ${first + i}, key "${key}": ${JSON.stringify(row[key])} is not a ${column.type}`);
      }
    });
    void writer.write({ columnData: columns.map(({ name }) => ({ name, data: group.map((row) => row[name] ?? null) })), rowGroupSize: group.length });
    group = [];
  };

  for await (const line of lines) {
    lineNumber += 1;
    group.push(parseLine(line, lineNumber));
    if (group.length >= rowGroupRows) {
      writeGroup();
      yield* out.chunks.splice(0);
    }
  }
  if (group.length > 0 || writer === null) {
    if (group.length > 0) writeGroup();
    else writer = new ParquetWriter({ writer: out, schema: schemaOf([]), createdBy: 'self-taught-evaluator' });
  }
  void (writer as ParquetWriter).finish();
  yield* out.chunks.splice(0);
}
