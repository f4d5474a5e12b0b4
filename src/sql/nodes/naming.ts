/**
 * How the columns of a SELECT (or RETURNING) are named: the key each gets in result rows
 * and the SQL name it has when the SELECT becomes a subquery. Columns keep their names;
 * labels name themselves; functions are named after the function; other expressions are
 * `anon_1`, `anon_2`…; a name met twice gets `_1`, `_2`… and an explicit label.
 */
import type { ExprNode } from './expression-nodes.js';

/** Names of the columns of one column clause. */
export interface ColumnNaming {
  /** Result-row key of each column (property keys for table columns). */
  readonly keys: readonly string[];
  /** SQL name of each column, as a subquery exposes it. */
  readonly names: readonly string[];
  /** `AS` label to render for each column, or undefined. */
  readonly labels: readonly (string | undefined)[];
}

function unique(name: string, taken: Set<string>): string {
  let out = name;
  for (let n = 1; taken.has(out); n++) out = `${name}_${n}`;
  taken.add(out);
  return out;
}

/** Computes keys, SQL names and labels for a column clause. */
export function nameColumns(columns: readonly ExprNode[]): ColumnNaming {
  const keys: string[] = [];
  const names: string[] = [];
  const labels: (string | undefined)[] = [];
  const takenKeys = new Set<string>();
  const takenNames = new Set<string>();
  let anon = 0;
  for (const node of columns) {
    let key: string;
    let name: string;
    let explicit = true;
    switch (node.kind) {
      case 'column':
        key = node.key;
        name = node.name;
        explicit = false;
        break;
      case 'label':
        key = name = node.name;
        break;
      case 'function':
        key = name = node.name;
        break;
      case 'cast':
        if (node.element.kind === 'column') {
          key = node.element.key;
          name = node.element.name;
          break;
        }
        key = name = `anon_${++anon}`;
        break;
      default:
        key = name = `anon_${++anon}`;
    }
    keys.push(unique(key, takenKeys));
    const sqlName = unique(name, takenNames);
    names.push(sqlName);
    labels.push(explicit || sqlName !== name ? sqlName : undefined);
  }
  return { keys, names, labels };
}
